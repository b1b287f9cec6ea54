//! Found with the benchmark at a million orders (bench/dashboards.sh):
//!
//! - `product_stats`: order lines summed by order day, order state,
//!   warehouse, currency and product, kept in the same transaction as
//!   every write that changes an order (with `order_stats`). Top products
//!   for a year read 2 million lines through their orders (1.1 s on
//!   SQLite; on PostgreSQL a hash join over every line, 250 ms even for
//!   30 days). Filled here from the orders already there.
//! - invoices (state, currency, customer_id, due_date, total_minor,
//!   paid_minor, credited_minor, owner_id): overdue receivables and the
//!   aging report read it alone (aging of 100,000 unpaid invoices: SQLite
//!   walked the customer index to skip sorting the groups, 3.2 s → 0.1 s).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{big, big_zero, id, index, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

const INVOICE_INDEX: &str = "idx_invoices_receivables";
const INVOICE_COLUMNS: [&str; 8] = [
    "state",
    "currency",
    "customer_id",
    "due_date",
    "total_minor",
    "paid_minor",
    "credited_minor",
    "owner_id",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A summary row, like order_stats: key columns never null, so the
        // unique key serves the upsert on both engines.
        manager
            .create_table(
                Table::create()
                    .table(n("product_stats"))
                    .col(id(n("id")))
                    .col(ColumnDef::new(n("day")).date().not_null())
                    .col(text(n("state"), 20))
                    .col(big(n("warehouse_id")))
                    .col(text(n("currency"), 3))
                    .col(big(n("product_id")))
                    .col(big_zero(n("lines")))
                    .col(big_zero(n("quantity")))
                    .col(big_zero(n("net_minor")))
                    .index(
                        Index::create()
                            .name("uq_product_stats_key")
                            .col(n("day"))
                            .col(n("state"))
                            .col(n("warehouse_id"))
                            .col(n("currency"))
                            .col(n("product_id"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        let day = match manager.get_database_backend() {
            DbBackend::Postgres => "(o.created_at AT TIME ZONE 'UTC')::date",
            // Stored as RFC 3339 text in UTC: its first ten characters.
            _ => "substr(o.created_at, 1, 10)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO product_stats \
                   (day, state, warehouse_id, currency, product_id, lines, quantity, net_minor) \
                 SELECT {day}, o.state, o.warehouse_id, o.currency, l.product_id, \
                        COUNT(*), SUM(l.quantity), SUM(l.net_minor) \
                 FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id \
                 GROUP BY {day}, o.state, o.warehouse_id, o.currency, l.product_id"
            ))
            .await?;
        index(
            manager,
            INVOICE_INDEX,
            n("invoices"),
            INVOICE_COLUMNS.iter().map(|c| n(c)).collect(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INVOICE_INDEX)
                    .table(n("invoices"))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(n("product_stats")).to_owned())
            .await
    }
}
