//! `shipments`: what the warehouse sends for an order.

use sea_orm::entity::prelude::*;

/// A row of `shipments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipments")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`SH-2026-000123`), unique.
    pub number: String,
    /// The order.
    pub order_id: i64,
    /// The warehouse it leaves from.
    pub warehouse_id: i64,
    /// open (being picked), shipped, cancelled.
    pub state: String,
    /// Carrier.
    pub carrier: String,
    /// Tracking number.
    pub tracking: String,
    /// Who created it.
    pub created_by: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Who shipped it.
    pub shipped_by: Option<i64>,
    /// When it shipped.
    pub shipped_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
