//! The delivery log kept up to 500 characters of what an endpoint answered
//! (an internal page, a secret), and it reached backups and exports. From
//! now on only a short reason is written ("HTTP 503", "timed out"); here the
//! rows already there get the same: their status, or a reason from the
//! relay's old wording, never the old text.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE webhook_deliveries SET last_error = CASE \
                   WHEN last_status_code IS NOT NULL \
                     THEN 'HTTP ' || CAST(last_status_code AS TEXT) \
                   WHEN last_error LIKE 'no answer within%' THEN 'timed out' \
                   ELSE 'connection failed' \
                 END \
                 WHERE last_error <> ''",
            )
            .await?;
        Ok(())
    }

    /// Nothing to undo: the old text is gone on purpose.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
