//! CRM: customers (companies and people) and the contacts of companies.
//! Normalised key columns (`*_key`) make duplicate checks portable.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Code,
    Kind,
    Name,
    NameKey,
    Email,
    EmailKey,
    Phone,
    PhoneKey,
    Address,
    TaxId,
    TaxKey,
    Segment,
    Tags,
    OwnerId,
    CreditLimitMinor,
    Currency,
    PaymentTermsDays,
    Notes,
    Archived,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    CustomerId,
    Name,
    Title,
    Email,
    Phone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(
                        ColumnDef::new(Customers::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Customers::Code)
                            .string_len(40)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Customers::Kind).string_len(20).not_null())
                    .col(ColumnDef::new(Customers::Name).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Customers::NameKey)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Customers::Email).string_len(254).null())
                    .col(ColumnDef::new(Customers::EmailKey).string_len(254).null())
                    .col(ColumnDef::new(Customers::Phone).string_len(40).null())
                    .col(ColumnDef::new(Customers::PhoneKey).string_len(40).null())
                    .col(
                        ColumnDef::new(Customers::Address)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(Customers::TaxId).string_len(60).null())
                    .col(ColumnDef::new(Customers::TaxKey).string_len(60).null())
                    .col(
                        ColumnDef::new(Customers::Segment)
                            .string_len(60)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Customers::Tags)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(Customers::OwnerId).big_integer().null())
                    .col(
                        ColumnDef::new(Customers::CreditLimitMinor)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(Customers::Currency).string_len(3).not_null())
                    .col(
                        ColumnDef::new(Customers::PaymentTermsDays)
                            .integer()
                            .not_null()
                            .default(30),
                    )
                    .col(
                        ColumnDef::new(Customers::Notes)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Customers::Archived)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Customers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Customers::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Customers::Table, Customers::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .check(Expr::col(Customers::CreditLimitMinor).gte(0))
                    .check(Expr::col(Customers::PaymentTermsDays).gte(0))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_customers_name_key", Customers::NameKey),
            ("idx_customers_email_key", Customers::EmailKey),
            ("idx_customers_phone_key", Customers::PhoneKey),
            ("idx_customers_tax_key", Customers::TaxKey),
            ("idx_customers_owner", Customers::OwnerId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Customers::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(
                        ColumnDef::new(Contacts::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Contacts::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Contacts::Name).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Contacts::Title)
                            .string_len(100)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(Contacts::Email).string_len(254).null())
                    .col(ColumnDef::new(Contacts::Phone).string_len(40).null())
                    .col(
                        ColumnDef::new(Contacts::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Contacts::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contacts::Table, Contacts::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_customer")
                    .table(Contacts::Table)
                    .col(Contacts::CustomerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Contacts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Customers::Table).to_owned())
            .await
    }
}
