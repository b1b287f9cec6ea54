//! The REST API's tables: API tokens (named, hashed, with a subset of their
//! owner's permissions, an optional expiry, last use and revocation) and
//! the idempotency keys of write requests (a retried request with the same
//! key answers with the first result instead of acting twice).

use sea_orm_migration::prelude::*;

use crate::columns::{big, fk, id, index, long_text, stamp, stamp_null, text};

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
                    .table(n("api_tokens"))
                    .col(id(n("id")))
                    // The owner: the token acts as this user, never beyond
                    // what the user holds at the time of the request.
                    .col(big(n("user_id")))
                    .col(text(n("name"), 100))
                    // The token's public part (`tdm_<prefix>_…`), for lookup.
                    .col(text(n("prefix"), 16))
                    // SHA-256 (hex) of the secret part; the secret is never stored.
                    .col(text(n("secret_hash"), 64))
                    // Permission codes, comma-separated.
                    .col(long_text(n("permissions")))
                    .col(big(n("created_by")))
                    .col(stamp(n("created_at")))
                    .col(stamp_null(n("expires_at")))
                    .col(stamp_null(n("last_used_at")))
                    .col(stamp_null(n("revoked_at")))
                    .foreign_key(&mut fk(n("api_tokens"), n("user_id"), n("users"), Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_api_tokens_prefix")
                    .table(n("api_tokens"))
                    .col(n("prefix"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_api_tokens_user",
            n("api_tokens"),
            vec![n("user_id"), n("id")],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(n("idempotency_keys"))
                    .col(id(n("id")))
                    .col(big(n("token_id")))
                    .col(text(n("key"), 200))
                    .col(text(n("method"), 10))
                    .col(text(n("path"), 500))
                    // SHA-256 (hex) of method, path and body: the same key
                    // with another request is refused.
                    .col(text(n("fingerprint"), 64))
                    // The first answer's status; none while it runs.
                    .col(ColumnDef::new(n("status")).integer().null())
                    .col(long_text(n("response")))
                    .col(stamp(n("created_at")))
                    .foreign_key(&mut fk(
                        n("idempotency_keys"),
                        n("token_id"),
                        n("api_tokens"),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_idempotency_keys_token_key")
                    .table(n("idempotency_keys"))
                    .col(n("token_id"))
                    .col(n("key"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_idempotency_keys_created",
            n("idempotency_keys"),
            vec![n("created_at")],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["idempotency_keys", "api_tokens"] {
            manager
                .drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
