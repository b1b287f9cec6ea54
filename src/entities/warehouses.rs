//! `warehouses`: where stock is kept.

use sea_orm::entity::prelude::*;

/// A row of `warehouses`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "warehouses")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Short code, unique.
    pub code: String,
    /// Name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Inactive warehouses take no new orders.
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
