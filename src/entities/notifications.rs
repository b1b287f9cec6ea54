//! `notifications`: messages to one user (overdue invoices, low stock, …).

use sea_orm::entity::prelude::*;

/// A row of `notifications`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The recipient.
    pub user_id: i64,
    /// What happened (`invoice.overdue`, `stock.low`).
    pub kind: String,
    /// One line.
    pub title: String,
    /// Where the record is.
    pub link: String,
    /// Sent (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Read (UTC).
    pub read_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
