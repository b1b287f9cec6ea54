//! Found with the benchmark at a million orders (bench/dashboards.sh): the
//! manager's board for a year spent most of its time in three queries
//! (sqlx statement timings):
//!
//! - Ticket figures sent every ticket resolved in the year (about 30,000)
//!   to the server to count and average. `tickets.resolution_minutes` holds
//!   the whole minutes from creation to resolution, written when a ticket
//!   is resolved and cleared when it reopens, so the database sums it
//!   (date arithmetic differs between the engines). An index on
//!   (resolved_at, resolution_minutes, resolution_met) answers the period's
//!   counts and sums alone. Filled here for the tickets already resolved.
//! - Top customers grouped about 100,000 `customer_stats` rows (customer ×
//!   state) for the year. `customer_stats` now keeps only booked orders,
//!   one row per (year, currency, customer), and an index in order of net
//!   value within a year: a year's top customers are its first rows.
//! - Top products read a year of `product_stats` by day (some 150,000
//!   rows). `product_year_stats` sums booked order lines by year,
//!   currency, warehouse and product (a few hundred rows a year).
//!
//! Both summaries are kept in the same transaction as every write that
//! changes an order, like `order_stats` and `product_stats`.

use chrono::{DateTime, Utc};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{
    ConnectionTrait, DbBackend, FromQueryResult, Statement, TransactionTrait,
};

use crate::columns::{big, big_zero, id, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

/// The states of a booked order, as the domain's `dashboards::BOOKED`.
const BOOKED: [&str; 5] = [
    "confirmed",
    "partially_shipped",
    "shipped",
    "invoiced",
    "closed",
];

const TICKET_INDEX: &str = "idx_tickets_resolution";

/// `{column} IN ('confirmed', …)`.
fn booked(column: &str) -> String {
    let states: Vec<String> = BOOKED.iter().map(|s| format!("'{s}'")).collect();
    format!("{column} IN ({})", states.join(", "))
}

/// `customer_stats`, booked orders only: (year, currency, customer).
fn customer_stats() -> TableCreateStatement {
    Table::create()
        .table(n("customer_stats"))
        .col(id(n("id")))
        .col(ColumnDef::new(n("year")).integer().not_null())
        .col(text(n("currency"), 3))
        .col(big(n("customer_id")))
        .col(big_zero(n("orders")))
        .col(big_zero(n("net_minor")))
        .col(big_zero(n("total_minor")))
        .index(
            Index::create()
                .name("uq_customer_stats_key")
                .col(n("year"))
                .col(n("currency"))
                .col(n("customer_id"))
                .unique(),
        )
        .to_owned()
}

/// `product_year_stats`: booked lines by (year, currency, warehouse,
/// product).
fn product_year_stats() -> TableCreateStatement {
    Table::create()
        .table(n("product_year_stats"))
        .col(id(n("id")))
        .col(ColumnDef::new(n("year")).integer().not_null())
        .col(text(n("currency"), 3))
        .col(big(n("warehouse_id")))
        .col(big(n("product_id")))
        .col(big_zero(n("lines")))
        .col(big_zero(n("quantity")))
        .col(big_zero(n("net_minor")))
        .index(
            Index::create()
                .name("uq_product_year_stats_key")
                .col(n("year"))
                .col(n("currency"))
                .col(n("warehouse_id"))
                .col(n("product_id"))
                .unique(),
        )
        .to_owned()
}

/// A resolved ticket's times, for the backfill.
#[derive(FromQueryResult)]
struct Resolved {
    id: i64,
    created_at: DateTime<Utc>,
    resolved_at: DateTime<Utc>,
}

/// Whole minutes from creation to resolution, never negative; the same
/// rule as the domain's `tickets::resolution_minutes`.
fn minutes(created: DateTime<Utc>, resolved: DateTime<Utc>) -> i64 {
    (resolved - created).num_minutes().max(0)
}

/// Writes `resolution_minutes` for every resolved ticket, 1,000 at a time
/// in key order, each batch in a transaction.
async fn backfill_minutes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut after = 0_i64;
    loop {
        let select = Query::select()
            .columns([n("id"), n("created_at"), n("resolved_at")])
            .from(n("tickets"))
            .and_where(Expr::col(n("resolved_at")).is_not_null())
            .and_where(Expr::col(n("id")).gt(after))
            .order_by(n("id"), Order::Asc)
            .limit(1_000)
            .to_owned();
        let rows = Resolved::find_by_statement(backend.build(&select))
            .all(db)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.id;
        let txn = db.begin().await?;
        for row in rows {
            let update = Query::update()
                .table(n("tickets"))
                .value(
                    n("resolution_minutes"),
                    minutes(row.created_at, row.resolved_at),
                )
                .and_where(Expr::col(n("id")).eq(row.id))
                .to_owned();
            txn.execute(backend.build(&update)).await?;
        }
        txn.commit().await?;
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        manager
            .alter_table(
                Table::alter()
                    .table(n("tickets"))
                    .add_column(ColumnDef::new(n("resolution_minutes")).big_integer().null())
                    .to_owned(),
            )
            .await?;
        backfill_minutes(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name(TICKET_INDEX)
                    .table(n("tickets"))
                    .col(n("resolved_at"))
                    .col(n("resolution_minutes"))
                    .col(n("resolution_met"))
                    .to_owned(),
            )
            .await?;

        let (order_year, day_year) = match backend {
            DbBackend::Postgres => (
                "CAST(EXTRACT(YEAR FROM o.created_at AT TIME ZONE 'UTC') AS INTEGER)",
                "CAST(EXTRACT(YEAR FROM s.day) AS INTEGER)",
            ),
            // Stored as text in UTC: the first four characters.
            _ => (
                "CAST(substr(o.created_at, 1, 4) AS INTEGER)",
                "CAST(substr(s.day, 1, 4) AS INTEGER)",
            ),
        };
        manager
            .drop_table(Table::drop().table(n("customer_stats")).to_owned())
            .await?;
        manager.create_table(customer_stats()).await?;
        db.execute_unprepared(&format!(
            "INSERT INTO customer_stats \
               (year, currency, customer_id, orders, net_minor, total_minor) \
             SELECT {order_year}, o.currency, o.customer_id, COUNT(*), \
                    SUM(o.subtotal_minor), SUM(o.total_minor) \
             FROM sales_orders o WHERE {} \
             GROUP BY {order_year}, o.currency, o.customer_id",
            booked("o.state")
        ))
        .await?;
        // A year's customers by net value, most first (ties by customer):
        // the top list reads the first rows.
        db.execute_unprepared(
            "CREATE INDEX idx_customer_stats_net ON customer_stats \
             (year, currency, net_minor DESC, customer_id)",
        )
        .await?;

        manager.create_table(product_year_stats()).await?;
        db.execute_unprepared(&format!(
            "INSERT INTO product_year_stats \
               (year, currency, warehouse_id, product_id, lines, quantity, net_minor) \
             SELECT {day_year}, s.currency, s.warehouse_id, s.product_id, \
                    SUM(s.lines), SUM(s.quantity), SUM(s.net_minor) \
             FROM product_stats s WHERE {} \
             GROUP BY {day_year}, s.currency, s.warehouse_id, s.product_id",
            booked("s.state")
        ))
        .await?;
        // Statistics for the planner on the fresh tables and the new
        // ticket index (both engines take ANALYZE on a table); without
        // them SQLite may prefer the older index on resolved_at alone and
        // look every ticket up.
        for table in ["customer_stats", "product_year_stats", "tickets"] {
            db.execute(Statement::from_string(backend, format!("ANALYZE {table}")))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(n("product_year_stats")).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(TICKET_INDEX)
                    .table(n("tickets"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(n("tickets"))
                    .drop_column(n("resolution_minutes"))
                    .to_owned(),
            )
            .await?;
        // customer_stats goes back to its by-state shape, refilled from
        // the orders as migration 13 first filled it.
        manager
            .drop_table(Table::drop().table(n("customer_stats")).to_owned())
            .await?;
        crate::m20261130_000013_customer_stats::Migration
            .up(manager)
            .await
    }
}
