//! `purchase_orders`: goods ordered from a supplier.

use sea_orm::entity::prelude::*;

/// A row of `purchase_orders`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_orders")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`PO-2026-000123`).
    pub number: String,
    /// The supplier.
    pub supplier_id: i64,
    /// Where the goods arrive.
    pub warehouse_id: i64,
    /// draft, sent, partially_received, received, closed, cancelled.
    pub state: String,
    /// ISO currency.
    pub currency: String,
    /// Sum of line nets.
    pub total_minor: i64,
    /// Expected arrival.
    pub expected_on: Option<Date>,
    /// Notes.
    pub notes: String,
    /// Who created it.
    pub created_by: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
    /// Sent (UTC).
    pub sent_at: Option<ChronoDateTimeUtc>,
    /// Closed or cancelled (UTC).
    pub closed_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
