//! Customer service: queues and their members, the working calendar and
//! SLA policies, tickets with their comments and status history, returns
//! (RMA) and their lines, knowledge base articles. Also: users can be
//! marked away, order lines count what came back, credit notes name the
//! ticket that caused them.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big, big_null, big_zero, fk, id, index, long_text, stamp, stamp_null, text, text_empty,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

fn int(col: &str) -> ColumnDef {
    ColumnDef::new(n(col)).integer().not_null().to_owned()
}

fn int_zero(col: &str) -> ColumnDef {
    ColumnDef::new(n(col))
        .integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn flag(col: &str, default: bool) -> ColumnDef {
    ColumnDef::new(n(col))
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

fn key(table: &str, col: &str, to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    fk(n(table), n(col), n(to), on_delete)
}

async fn idx(manager: &SchemaManager<'_>, table: &str, cols: &[&str]) -> Result<(), DbErr> {
    let name = format!("idx_{table}_{}", cols.join("_"));
    index(
        manager,
        &name,
        n(table),
        cols.iter().map(|c| n(c)).collect(),
    )
    .await
}

async fn add_column(manager: &SchemaManager<'_>, table: &str, col: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(n(table)).add_column(col).to_owned())
        .await
}

async fn drop_column(manager: &SchemaManager<'_>, table: &str, col: &str) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(n(table))
                .drop_column(n(col))
                .to_owned(),
        )
        .await
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An agent marked away gets no tickets from round-robin assignment.
        add_column(manager, "users", flag("away", false)).await?;
        // How much of each order line came back (≤ shipped, kept by the
        // conditional update under the order's row lock).
        add_column(manager, "sales_order_lines", big_zero(n("returned"))).await?;
        // The ticket a credit note was issued from (returns, complaints).
        add_column(manager, "credit_notes", big_null(n("ticket_id"))).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("queues"))
                    .col(id(n("id")))
                    .col(text(n("name"), 100).unique_key())
                    .col(big_null(n("manager_id")))
                    .col(flag("auto_assign", false))
                    .col(big_null(n("last_assignee_id")))
                    .col(stamp(n("created_at")))
                    .foreign_key(&mut key("queues", "manager_id", "users", SetNull))
                    .foreign_key(&mut key("queues", "last_assignee_id", "users", SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("queue_members"))
                    .col(big(n("queue_id")))
                    .col(big(n("user_id")))
                    .primary_key(Index::create().col(n("queue_id")).col(n("user_id")))
                    .foreign_key(&mut key("queue_members", "queue_id", "queues", Cascade))
                    .foreign_key(&mut key("queue_members", "user_id", "users", Cascade))
                    .to_owned(),
            )
            .await?;
        idx(manager, "queue_members", &["user_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("sla_calendars"))
                    .col(id(n("id")))
                    .col(text(n("name"), 100).unique_key())
                    .col(int_zero("utc_offset_minutes"))
                    // Working weekdays, Monday = 1 … Sunday = 7, comma separated.
                    .col(text(n("working_days"), 20))
                    .col(int("day_start_minute"))
                    .col(int("day_end_minute"))
                    .check(Expr::col(n("utc_offset_minutes")).between(-840, 840))
                    .check(Expr::col(n("day_start_minute")).gte(0))
                    .check(Expr::col(n("day_end_minute")).lte(1440))
                    .check(Expr::col(n("day_start_minute")).lt(Expr::col(n("day_end_minute"))))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("sla_holidays"))
                    .col(big(n("calendar_id")))
                    .col(ColumnDef::new(n("day")).date().not_null())
                    .col(text_empty(n("name"), 100))
                    .primary_key(Index::create().col(n("calendar_id")).col(n("day")))
                    .foreign_key(&mut key(
                        "sla_holidays",
                        "calendar_id",
                        "sla_calendars",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("sla_policies"))
                    .col(id(n("id")))
                    .col(text(n("name"), 100))
                    .col(text(n("priority"), 10))
                    // Empty: any customer segment.
                    .col(text_empty(n("segment"), 100))
                    .col(int("first_response_minutes"))
                    .col(int("resolution_minutes"))
                    .col(big(n("calendar_id")))
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut key(
                        "sla_policies",
                        "calendar_id",
                        "sla_calendars",
                        Restrict,
                    ))
                    .check(Expr::col(n("first_response_minutes")).gt(0))
                    .check(Expr::col(n("resolution_minutes")).gt(0))
                    .index(
                        Index::create()
                            .name("uq_sla_policies_priority_segment")
                            .col(n("priority"))
                            .col(n("segment"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(n("tickets"))
                    .col(id(n("id")))
                    .col(text(n("number"), 40).unique_key())
                    .col(big(n("customer_id")))
                    .col(big_null(n("contact_id")))
                    .col(text_empty(n("requester_name"), 200))
                    .col(text_empty(n("requester_email"), 254))
                    .col(big_null(n("order_id")))
                    .col(big_null(n("shipment_id")))
                    .col(text(n("kind"), 20))
                    .col(text(n("channel"), 20))
                    .col(text(n("subject"), 200))
                    .col(long_text(n("description")))
                    .col(text(n("priority"), 10))
                    .col(text(n("status"), 20))
                    .col(big_null(n("queue_id")))
                    .col(big_null(n("assignee_id")))
                    .col(text_empty(n("tags"), 500))
                    .col(big_null(n("sla_policy_id")))
                    .col(stamp_null(n("first_response_due")))
                    .col(stamp_null(n("resolution_due")))
                    .col(stamp_null(n("first_responded_at")))
                    .col(stamp_null(n("resolved_at")))
                    .col(stamp_null(n("closed_at")))
                    // 0 none, 1 breaching soon sent, 2 breached sent.
                    .col(int_zero("response_alert"))
                    .col(int_zero("resolution_alert"))
                    .col(ColumnDef::new(n("rating")).integer().null())
                    .col(text_empty(n("rating_comment"), 1000))
                    .col(stamp_null(n("rated_at")))
                    .col(
                        ColumnDef::new(n("rating_token"))
                            .string_len(64)
                            .null()
                            .unique_key(),
                    )
                    .col(big_null(n("created_by")))
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut key("tickets", "customer_id", "customers", Restrict))
                    .foreign_key(&mut key("tickets", "contact_id", "contacts", SetNull))
                    .foreign_key(&mut key("tickets", "order_id", "sales_orders", SetNull))
                    .foreign_key(&mut key("tickets", "shipment_id", "shipments", SetNull))
                    .foreign_key(&mut key("tickets", "queue_id", "queues", SetNull))
                    .foreign_key(&mut key("tickets", "assignee_id", "users", SetNull))
                    .foreign_key(&mut key(
                        "tickets",
                        "sla_policy_id",
                        "sla_policies",
                        SetNull,
                    ))
                    .foreign_key(&mut key("tickets", "created_by", "users", SetNull))
                    .check(
                        Expr::col(n("rating"))
                            .is_null()
                            .or(Expr::col(n("rating")).between(1, 5)),
                    )
                    .to_owned(),
            )
            .await?;
        idx(manager, "tickets", &["customer_id", "id"]).await?;
        idx(manager, "tickets", &["status", "assignee_id"]).await?;
        idx(manager, "tickets", &["queue_id", "status"]).await?;
        idx(manager, "tickets", &["resolution_due"]).await?;
        idx(manager, "tickets", &["first_response_due"]).await?;
        idx(manager, "tickets", &["order_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("ticket_comments"))
                    .col(id(n("id")))
                    .col(big(n("ticket_id")))
                    .col(big_null(n("author_id")))
                    .col(text_empty(n("author_name"), 200))
                    .col(flag("public", true))
                    .col(long_text(n("body")))
                    .col(stamp(n("created_at")))
                    .foreign_key(&mut key(
                        "ticket_comments",
                        "ticket_id",
                        "tickets",
                        Restrict,
                    ))
                    .foreign_key(&mut key("ticket_comments", "author_id", "users", SetNull))
                    .to_owned(),
            )
            .await?;
        idx(manager, "ticket_comments", &["ticket_id", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("ticket_status_changes"))
                    .col(id(n("id")))
                    .col(big(n("ticket_id")))
                    .col(text_empty(n("from_status"), 20))
                    .col(text(n("to_status"), 20))
                    .col(big_null(n("changed_by")))
                    .col(stamp(n("changed_at")))
                    .foreign_key(&mut key(
                        "ticket_status_changes",
                        "ticket_id",
                        "tickets",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "ticket_status_changes",
                        "changed_by",
                        "users",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        idx(manager, "ticket_status_changes", &["ticket_id", "id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("ticket_returns"))
                    .col(id(n("id")))
                    .col(text(n("number"), 40).unique_key())
                    .col(big(n("ticket_id")))
                    .col(big(n("order_id")))
                    .col(big(n("warehouse_id")))
                    .col(text(n("state"), 20))
                    .col(text_empty(n("reason"), 500))
                    .col(big_null(n("credit_note_id")))
                    .col(big_null(n("created_by")))
                    .col(stamp(n("created_at")))
                    .col(big_null(n("decided_by")))
                    .col(stamp_null(n("decided_at")))
                    .foreign_key(&mut key("ticket_returns", "ticket_id", "tickets", Restrict))
                    .foreign_key(&mut key(
                        "ticket_returns",
                        "order_id",
                        "sales_orders",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "ticket_returns",
                        "warehouse_id",
                        "warehouses",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "ticket_returns",
                        "credit_note_id",
                        "credit_notes",
                        SetNull,
                    ))
                    .foreign_key(&mut key("ticket_returns", "created_by", "users", SetNull))
                    .foreign_key(&mut key("ticket_returns", "decided_by", "users", SetNull))
                    .to_owned(),
            )
            .await?;
        idx(manager, "ticket_returns", &["ticket_id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(n("ticket_return_lines"))
                    .col(id(n("id")))
                    .col(big(n("return_id")))
                    .col(big(n("order_line_id")))
                    .col(big(n("product_id")))
                    .col(big(n("quantity")))
                    .foreign_key(&mut key(
                        "ticket_return_lines",
                        "return_id",
                        "ticket_returns",
                        Cascade,
                    ))
                    .foreign_key(&mut key(
                        "ticket_return_lines",
                        "order_line_id",
                        "sales_order_lines",
                        Restrict,
                    ))
                    .foreign_key(&mut key(
                        "ticket_return_lines",
                        "product_id",
                        "products",
                        Restrict,
                    ))
                    .check(Expr::col(n("quantity")).gt(0))
                    .to_owned(),
            )
            .await?;
        idx(manager, "ticket_return_lines", &["return_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(n("articles"))
                    .col(id(n("id")))
                    .col(text(n("title"), 200))
                    .col(long_text(n("body")))
                    .col(text_empty(n("category"), 100))
                    .col(text_empty(n("tags"), 500))
                    .col(text(n("language"), 10))
                    .col(flag("published", false))
                    .col(big_null(n("created_by")))
                    .col(big_null(n("updated_by")))
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .foreign_key(&mut key("articles", "created_by", "users", SetNull))
                    .foreign_key(&mut key("articles", "updated_by", "users", SetNull))
                    .to_owned(),
            )
            .await?;
        idx(manager, "articles", &["published", "language"]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "articles",
            "ticket_return_lines",
            "ticket_returns",
            "ticket_status_changes",
            "ticket_comments",
            "tickets",
            "sla_policies",
            "sla_holidays",
            "sla_calendars",
            "queue_members",
            "queues",
        ] {
            manager
                .drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        drop_column(manager, "credit_notes", "ticket_id").await?;
        drop_column(manager, "sales_order_lines", "returned").await?;
        drop_column(manager, "users", "away").await
    }
}
