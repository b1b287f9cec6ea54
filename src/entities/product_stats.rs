//! `product_stats`: sales order lines summed by order day, order state,
//! warehouse, currency and product (top products and sales by product
//! read it instead of millions of lines).

use sea_orm::entity::prelude::*;

/// A row of `product_stats`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_stats")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The orders' day (UTC date of creation).
    pub day: Date,
    /// The orders' state.
    pub state: String,
    /// The orders' warehouse.
    pub warehouse_id: i64,
    /// The orders' currency.
    pub currency: String,
    /// The product ordered.
    pub product_id: i64,
    /// How many order lines.
    pub lines: i64,
    /// Quantity ordered.
    pub quantity: i64,
    /// Net value of the lines (before tax), minor units.
    pub net_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
