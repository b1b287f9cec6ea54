//! Indexes that let the customer and activity lists count and page within
//! the archived filter and an owner's scope without reading whole tables.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Archived,
    NameKey,
    OwnerId,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    OwnerId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_customers_archived_name")
                    .table(Customers::Table)
                    .col(Customers::Archived)
                    .col(Customers::NameKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_customers_owner_archived_name")
                    .table(Customers::Table)
                    .col(Customers::OwnerId)
                    .col(Customers::Archived)
                    .col(Customers::NameKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_activities_owner_created")
                    .table(Activities::Table)
                    .col(Activities::OwnerId)
                    .col(Activities::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "idx_activities_owner_created",
                Activities::Table.into_iden(),
            ),
            (
                "idx_customers_owner_archived_name",
                Customers::Table.into_iden(),
            ),
            ("idx_customers_archived_name", Customers::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
