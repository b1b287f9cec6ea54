//! `campaigns`: marketing campaigns that leads are attributed to.

use sea_orm::entity::prelude::*;

/// A row of `campaigns`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Channel (`email`, `web`, `event`, `social`, `print`, `other`).
    pub channel: String,
    /// Budget in minor units.
    pub budget_minor: i64,
    /// ISO 4217 currency of the budget.
    pub currency: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
