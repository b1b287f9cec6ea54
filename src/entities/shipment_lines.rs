//! `shipment_lines`: quantities of order lines in a shipment.

use sea_orm::entity::prelude::*;

/// A row of `shipment_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipment_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The shipment.
    pub shipment_id: i64,
    /// The order line.
    pub order_line_id: i64,
    /// The product.
    pub product_id: i64,
    /// Quantity.
    pub quantity: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
