//! `invoice_lines`: invoiced quantities of order lines.

use sea_orm::entity::prelude::*;

/// A row of `invoice_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The invoice.
    pub invoice_id: i64,
    /// The order line.
    pub order_line_id: i64,
    /// The product.
    pub product_id: i64,
    /// Description.
    pub description: String,
    /// Quantity invoiced.
    pub quantity: i64,
    /// Unit price.
    pub unit_price_minor: i64,
    /// Discount, basis points.
    pub discount_bp: i32,
    /// Tax rate, basis points.
    pub tax_rate_bp: i32,
    /// Net amount.
    pub net_minor: i64,
    /// Tax amount.
    pub tax_minor: i64,
    /// Quantity credited back.
    pub credited_quantity: i64,
    /// Net credited back.
    pub credited_net_minor: i64,
    /// Tax credited back.
    pub credited_tax_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
