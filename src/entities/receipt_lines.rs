//! `receipt_lines`: quantities received per purchase order line.

use sea_orm::entity::prelude::*;

/// A row of `receipt_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "receipt_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The receipt.
    pub receipt_id: i64,
    /// The purchase order line.
    pub purchase_order_line_id: i64,
    /// The product.
    pub product_id: i64,
    /// Received.
    pub quantity: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
