//! `ticket_return_lines`: what a return brings back.

use sea_orm::entity::prelude::*;

/// A row of `ticket_return_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_return_lines")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The return.
    pub return_id: i64,
    /// The order line.
    pub order_line_id: i64,
    /// The product.
    pub product_id: i64,
    /// How many.
    pub quantity: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
