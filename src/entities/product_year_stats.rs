//! `product_year_stats`: booked sales order lines summed by the UTC year
//! their orders were created in, currency, warehouse and product (a
//! year's top products read a few hundred rows instead of a year of
//! `product_stats` by day).

use sea_orm::entity::prelude::*;

/// A row of `product_year_stats`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_year_stats")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The orders' year (UTC).
    pub year: i32,
    /// The orders' currency.
    pub currency: String,
    /// The orders' warehouse.
    pub warehouse_id: i64,
    /// The product.
    pub product_id: i64,
    /// How many order lines.
    pub lines: i64,
    /// Quantity ordered.
    pub quantity: i64,
    /// Net value of the lines, minor units.
    pub net_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
