//! `products`: what Tandem sells.

use sea_orm::entity::prelude::*;

/// A row of `products`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stock-keeping unit, unique, upper case.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Normalised name for search.
    pub name_key: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: String,
    /// Unit of measure (pcs, kg, box).
    pub unit: String,
    /// List price in minor units of the base currency.
    pub list_price_minor: i64,
    /// Cost price in minor units (needs `products.read_cost` to see).
    pub cost_price_minor: i64,
    /// Tax rate in basis points (1300 = 13 %).
    pub tax_rate_bp: i32,
    /// Barcode, unique when present.
    pub barcode: Option<String>,
    /// Inactive products cannot be ordered.
    pub active: bool,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
