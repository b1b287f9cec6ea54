//! `report_runs`: a report generated in the background for the inbox.

use sea_orm::entity::prelude::*;

/// A row of `report_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_runs")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose.
    pub user_id: i64,
    /// The subscription that asked for it; none when run on request.
    pub subscription_id: Option<i64>,
    /// Which report.
    pub kind: String,
    /// Its filter as a query string.
    pub filter: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// 0–100.
    pub progress: i32,
    /// Rows in the result.
    pub rows: i64,
    /// The result as JSON.
    pub content: String,
    /// Why it failed.
    pub error: String,
    /// Asked for.
    pub created_at: ChronoDateTimeUtc,
    /// Started.
    pub started_at: Option<ChronoDateTimeUtc>,
    /// Finished.
    pub finished_at: Option<ChronoDateTimeUtc>,
    /// Last changed.
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
