//! `supplier_prices`: what a supplier charges for a product.

use sea_orm::entity::prelude::*;

/// A row of `supplier_prices`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supplier_prices")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The supplier.
    pub supplier_id: i64,
    /// The product.
    pub product_id: i64,
    /// Unit price.
    pub price_minor: i64,
    /// Minimum order quantity.
    pub min_quantity: i64,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
