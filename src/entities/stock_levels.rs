//! `stock_levels`: on hand and reserved per product and warehouse, kept with the moves.

use sea_orm::entity::prelude::*;

/// A row of `stock_levels`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_levels")]
pub struct Model {
    /// The product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    /// The warehouse.
    #[sea_orm(primary_key, auto_increment = false)]
    pub warehouse_id: i64,
    /// Sum of the moves.
    pub on_hand: i64,
    /// Sum of the open reservations.
    pub reserved: i64,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
