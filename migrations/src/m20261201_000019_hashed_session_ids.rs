//! Session ids are stored as their SHA-256 from here on, so a copy of the
//! database signs nobody in. The rows written before are keyed by the raw
//! cookie value: they are deleted, and their users sign in again.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn end_every_session() -> DeleteStatement {
    Query::delete()
        .from_table(Alias::new("sessions"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.exec_stmt(end_every_session()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The code before this migration looks sessions up by the raw id:
        // hashed rows would only be clutter to it.
        manager.exec_stmt(end_every_session()).await
    }
}
