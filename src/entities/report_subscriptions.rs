//! `report_subscriptions`: a user's standing order for a report.

use sea_orm::entity::prelude::*;

/// A row of `report_subscriptions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_subscriptions")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who receives it.
    pub user_id: i64,
    /// Which report.
    pub kind: String,
    /// Its filter as a query string (`period=7d&warehouse=2`).
    pub filter: String,
    /// `daily`, `weekly` or `monthly`.
    pub frequency: String,
    /// When it runs next.
    pub next_run_at: ChronoDateTimeUtc,
    /// Cancelled subscriptions stay for the runs that name them.
    pub active: bool,
    /// Created.
    pub created_at: ChronoDateTimeUtc,
    /// Last changed.
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
