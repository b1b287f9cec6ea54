//! `saved_analyses`: a pivot analysis saved by its owner, optionally shared.

use sea_orm::entity::prelude::*;

/// A row of `saved_analyses`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_analyses")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who saved it.
    pub owner_id: i64,
    /// Its name.
    pub name: String,
    /// Source, dimensions, measure and filter as a query string.
    pub definition: String,
    /// Whether other users see it.
    pub shared: bool,
    /// Created.
    pub created_at: ChronoDateTimeUtc,
    /// Last changed.
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
