//! `pipeline_stages`: the configurable stages of the sales pipeline.

use sea_orm::entity::prelude::*;

/// A row of `pipeline_stages`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_stages")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Order on the board, from 1.
    pub position: i32,
    /// Default probability, percent.
    pub probability: i32,
    /// Reaching it wins the opportunity.
    pub is_won: bool,
    /// Reaching it loses the opportunity.
    pub is_lost: bool,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
