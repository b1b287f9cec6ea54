//! Scheduled and background reports, and saved analyses: a user's
//! subscriptions to a report (daily, weekly, monthly), the runs a
//! background job generates and keeps for the report inbox (with their
//! progress), and pivot analyses saved and shared with other users.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big, big_null, big_zero, fk, id, index, long_text, stamp, stamp_null, text, text_empty,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

use ForeignKeyAction::{Cascade, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(n("report_subscriptions"))
                    .col(id(n("id")))
                    .col(big(n("user_id")))
                    .col(text(n("kind"), 40))
                    // The filter as the report page's query string.
                    .col(text_empty(n("filter"), 500))
                    .col(text(n("frequency"), 10))
                    .col(stamp(n("next_run_at")))
                    .col(
                        ColumnDef::new(n("active"))
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut fk(
                        n("report_subscriptions"),
                        n("user_id"),
                        n("users"),
                        Cascade,
                    ))
                    .check(Expr::col(n("frequency")).is_in(["daily", "weekly", "monthly"]))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_report_subscriptions_due",
            n("report_subscriptions"),
            vec![n("active"), n("next_run_at")],
        )
        .await?;
        index(
            manager,
            "idx_report_subscriptions_user",
            n("report_subscriptions"),
            vec![n("user_id")],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("report_runs"))
                    .col(id(n("id")))
                    .col(big(n("user_id")))
                    .col(big_null(n("subscription_id")))
                    .col(text(n("kind"), 40))
                    .col(text_empty(n("filter"), 500))
                    .col(text(n("status"), 10))
                    .col(
                        ColumnDef::new(n("progress"))
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(big_zero(n("rows")))
                    // The finished report as JSON (columns, rows, totals).
                    .col(long_text(n("content")))
                    .col(text_empty(n("error"), 300))
                    .col(stamp(n("created_at")))
                    .col(stamp_null(n("started_at")))
                    .col(stamp_null(n("finished_at")))
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut fk(n("report_runs"), n("user_id"), n("users"), Cascade))
                    .foreign_key(&mut fk(
                        n("report_runs"),
                        n("subscription_id"),
                        n("report_subscriptions"),
                        SetNull,
                    ))
                    .check(Expr::col(n("status")).is_in(["queued", "running", "done", "failed"]))
                    .check(Expr::col(n("progress")).between(0, 100))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_report_runs_user",
            n("report_runs"),
            vec![n("user_id"), n("id")],
        )
        .await?;
        index(
            manager,
            "idx_report_runs_status",
            n("report_runs"),
            vec![n("status"), n("id")],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("saved_analyses"))
                    .col(id(n("id")))
                    .col(big(n("owner_id")))
                    .col(text(n("name"), 120))
                    // Source, rows, columns, measure, filter as a query string.
                    .col(text(n("definition"), 1000))
                    .col(
                        ColumnDef::new(n("shared"))
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut fk(
                        n("saved_analyses"),
                        n("owner_id"),
                        n("users"),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_saved_analyses_owner",
            n("saved_analyses"),
            vec![n("owner_id")],
        )
        .await?;
        index(
            manager,
            "idx_saved_analyses_shared",
            n("saved_analyses"),
            vec![n("shared")],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["saved_analyses", "report_runs", "report_subscriptions"] {
            manager
                .drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
