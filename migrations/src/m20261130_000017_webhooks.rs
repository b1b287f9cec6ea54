//! Webhooks: endpoints other systems register to hear about Tandem's events,
//! and one delivery per (endpoint, outbox event) with its attempts, lease
//! and outcome, which is the endpoint's delivery log.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big, big_zero, fk, id, index, long_text, stamp, stamp_null, text, text_empty,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn n(name: &str) -> Alias {
    Alias::new(name)
}

use ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(n("webhook_endpoints"))
                    .col(id(n("id")))
                    .col(text(n("name"), 100))
                    .col(text(n("url"), 2000))
                    // Event types, comma-separated; `*` is every type.
                    .col(long_text(n("event_types")))
                    // The signing key. Kept as it is: the relay needs it
                    // to sign each delivery (HMAC-SHA256).
                    .col(text(n("secret"), 100))
                    .col(
                        ColumnDef::new(n("active"))
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(big(n("created_by")))
                    .col(stamp(n("created_at")))
                    .col(stamp(n("updated_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("webhook_deliveries"))
                    .col(id(n("id")))
                    .col(big(n("endpoint_id")))
                    .col(big(n("outbox_id")))
                    .col(text(n("event_type"), 60))
                    // pending, delivered, failed (gave up; may be replayed).
                    .col(text(n("status"), 20))
                    .col(big_zero(n("attempts")))
                    .col(stamp(n("next_attempt_at")))
                    // A relay holds the delivery until then (one relay at a
                    // time, across instances); an expired lease is free.
                    .col(stamp_null(n("lease_until")))
                    .col(text_empty(n("lease_owner"), 64))
                    .col(ColumnDef::new(n("last_status_code")).integer().null())
                    .col(long_text(n("last_error")))
                    .col(stamp_null(n("last_attempt_at")))
                    .col(stamp_null(n("delivered_at")))
                    .col(stamp(n("created_at")))
                    .foreign_key(&mut fk(
                        n("webhook_deliveries"),
                        n("endpoint_id"),
                        n("webhook_endpoints"),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        n("webhook_deliveries"),
                        n("outbox_id"),
                        n("outbox"),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_webhook_deliveries_endpoint_event")
                    .table(n("webhook_deliveries"))
                    .col(n("endpoint_id"))
                    .col(n("outbox_id"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The relay's question: what is due?
        index(
            manager,
            "idx_webhook_deliveries_due",
            n("webhook_deliveries"),
            vec![n("status"), n("next_attempt_at")],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_deliveries", "webhook_endpoints"] {
            manager
                .drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
