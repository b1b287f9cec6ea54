//! `reorder_rules`: when to reorder a product for a warehouse.

use sea_orm::entity::prelude::*;

/// A row of `reorder_rules`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reorder_rules")]
pub struct Model {
    /// The product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    /// The warehouse.
    #[sea_orm(primary_key, auto_increment = false)]
    pub warehouse_id: i64,
    /// Reorder when available + incoming falls below this.
    pub reorder_point: i64,
    /// How much to order at least.
    pub reorder_quantity: i64,
    /// When warehouse users were told it ran low (cleared when it recovers).
    pub low_notified_at: Option<ChronoDateTimeUtc>,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
