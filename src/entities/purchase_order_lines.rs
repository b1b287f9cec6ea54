//! `purchase_order_lines`: products and quantities of a purchase order.

use sea_orm::entity::prelude::*;

/// A row of `purchase_order_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_order_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The purchase order.
    pub purchase_order_id: i64,
    /// The product.
    pub product_id: i64,
    /// Ordered.
    pub quantity: i64,
    /// Received so far.
    pub received: i64,
    /// Unit price.
    pub unit_price_minor: i64,
    /// Quantity × unit price.
    pub net_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
