//! `sla_calendars`: working days and hours SLA clocks count.

use sea_orm::entity::prelude::*;

/// A row of `sla_calendars`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_calendars")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Local time = UTC + this.
    pub utc_offset_minutes: i32,
    /// Working weekdays, Monday = 1, comma separated.
    pub working_days: String,
    /// Start of the working day, minutes after midnight.
    pub day_start_minute: i32,
    /// End of the working day, minutes after midnight.
    pub day_end_minute: i32,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
