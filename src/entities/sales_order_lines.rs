//! `sales_order_lines`: the lines of quotes and orders.

use sea_orm::entity::prelude::*;

/// A row of `sales_order_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_order_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// Position from 1.
    pub line_no: i32,
    /// The product.
    pub product_id: i64,
    /// The product name when the line was written.
    pub description: String,
    /// Quantity ordered.
    pub quantity: i64,
    /// Unit price, minor units.
    pub unit_price_minor: i64,
    /// Discount in basis points.
    pub discount_bp: i32,
    /// Tax rate in basis points.
    pub tax_rate_bp: i32,
    /// Net amount after discount, minor units.
    pub net_minor: i64,
    /// Tax on the net amount, minor units.
    pub tax_minor: i64,
    /// Quantity reserved in the order’s warehouse, not yet shipped.
    pub reserved: i64,
    /// Quantity shipped.
    pub shipped: i64,
    /// Units invoiced («Money and supply»).
    pub invoiced: i64,
    /// How much came back (returns).
    pub returned: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
