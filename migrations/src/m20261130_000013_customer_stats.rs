//! Found with the benchmark at a million orders (bench/dashboards.sh):
//!
//! - `customer_stats`: sales orders summed by the UTC year they were
//!   created in, currency, customer and state, kept in the same
//!   transaction as every write that changes an order (with
//!   `order_stats` and `product_stats`). The manager board's top
//!   customers for this year grouped some 300,000 orders by customer
//!   (about 0.6 s on SQLite, 0.5 s on PostgreSQL); the summary holds about
//!   one row per customer and year. Filled here from the orders already
//!   there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{big, big_zero, id, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Key columns never null, so the unique key serves the upsert on
        // both engines; its order (year, currency, customer) is the order
        // a year's customers are grouped in.
        manager
            .create_table(
                Table::create()
                    .table(n("customer_stats"))
                    .col(id(n("id")))
                    .col(ColumnDef::new(n("year")).integer().not_null())
                    .col(text(n("currency"), 3))
                    .col(big(n("customer_id")))
                    .col(text(n("state"), 20))
                    .col(big_zero(n("orders")))
                    .col(big_zero(n("net_minor")))
                    .col(big_zero(n("total_minor")))
                    .index(
                        Index::create()
                            .name("uq_customer_stats_key")
                            .col(n("year"))
                            .col(n("currency"))
                            .col(n("customer_id"))
                            .col(n("state"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        let year = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "CAST(EXTRACT(YEAR FROM o.created_at AT TIME ZONE 'UTC') AS INTEGER)"
            }
            // Stored as RFC 3339 text in UTC: its first four characters.
            _ => "CAST(substr(o.created_at, 1, 4) AS INTEGER)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO customer_stats \
                   (year, currency, customer_id, state, orders, net_minor, total_minor) \
                 SELECT {year}, o.currency, o.customer_id, o.state, COUNT(*), \
                        SUM(o.subtotal_minor), SUM(o.total_minor) \
                 FROM sales_orders o \
                 GROUP BY {year}, o.currency, o.customer_id, o.state"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(n("customer_stats")).to_owned())
            .await
    }
}
