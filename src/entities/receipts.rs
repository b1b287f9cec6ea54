//! `receipts`: goods received against a purchase order.

use sea_orm::entity::prelude::*;

/// A row of `receipts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "receipts")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`RC-2026-000123`).
    pub number: String,
    /// The purchase order.
    pub purchase_order_id: i64,
    /// Where it arrived.
    pub warehouse_id: i64,
    /// Who received it.
    pub received_by: Option<i64>,
    /// When (UTC).
    pub received_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
