//! `sla_holidays`: days a calendar does not work.

use sea_orm::entity::prelude::*;

/// A row of `sla_holidays`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_holidays")]
pub struct Model {
    /// The calendar.
    #[sea_orm(primary_key, auto_increment = false)]
    pub calendar_id: i64,
    /// The day.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// What the holiday is.
    pub name: String,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
