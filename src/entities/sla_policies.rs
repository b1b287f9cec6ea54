//! `sla_policies`: response and resolution targets per priority (and segment).

use sea_orm::entity::prelude::*;

/// A row of `sla_policies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_policies")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Ticket priority it applies to.
    pub priority: String,
    /// Customer segment, empty for any.
    pub segment: String,
    /// First response target in working minutes.
    pub first_response_minutes: i32,
    /// Resolution target in working minutes.
    pub resolution_minutes: i32,
    /// The calendar the targets count in.
    pub calendar_id: i64,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
