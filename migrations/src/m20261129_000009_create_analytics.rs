//! Analytics: `order_stats`, the summary of sales orders by order day,
//! state, warehouse, owner, customer segment and currency that dashboards
//! and reports read instead of a million order rows. It is kept in the
//! same transaction as every write that changes an order (never by a
//! nightly job) and can be rebuilt from the orders by a command. Also the
//! indexes the dashboards' period queries need, and on tickets whether
//! each SLA target was met once it is (for compliance figures).

use sea_orm_migration::prelude::*;

use crate::columns::{big, big_zero, id, index, text};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

/// Indexes as (table, columns); named `idx_<table>_<columns>`.
const INDEXES: &[(&str, &[&str])] = &[
    ("sales_orders", &["created_at"]),
    ("sales_order_lines", &["product_id", "order_id"]),
    ("tickets", &["created_at"]),
    ("tickets", &["resolved_at"]),
    ("tickets", &["rated_at"]),
    ("invoices", &["issue_date"]),
    ("customers", &["segment"]),
];

fn index_name(table: &str, cols: &[&str]) -> String {
    format!("idx_{table}_{}", cols.join("_"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A summary row, not a record: no created_at/updated_at; the key
        // columns are never null (owner 0 = none) so that the unique key
        // serves the upsert on both engines.
        manager
            .create_table(
                Table::create()
                    .table(n("order_stats"))
                    .col(id(n("id")))
                    .col(ColumnDef::new(n("day")).date().not_null())
                    .col(text(n("state"), 20))
                    .col(big(n("warehouse_id")))
                    .col(big(n("owner_id")))
                    .col(text(n("segment"), 60))
                    .col(text(n("currency"), 3))
                    .col(big_zero(n("orders")))
                    .col(big_zero(n("net_minor")))
                    .col(big_zero(n("total_minor")))
                    .index(
                        Index::create()
                            .name("uq_order_stats_key")
                            .col(n("day"))
                            .col(n("state"))
                            .col(n("warehouse_id"))
                            .col(n("owner_id"))
                            .col(n("segment"))
                            .col(n("currency"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        for col in ["response_met", "resolution_met"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(n("tickets"))
                        .add_column(ColumnDef::new(n(col)).boolean().null())
                        .to_owned(),
                )
                .await?;
        }
        for (table, cols) in INDEXES {
            index(
                manager,
                &index_name(table, cols),
                n(table),
                cols.iter().map(|c| n(c)).collect(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(index_name(table, cols))
                        .table(n(table))
                        .to_owned(),
                )
                .await?;
        }
        for col in ["resolution_met", "response_met"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(n("tickets"))
                        .drop_column(n(col))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(n("order_stats")).to_owned())
            .await
    }
}
