//! `ticket_status_changes`: each ticket's status history (the SLA clock reads it).

use sea_orm::entity::prelude::*;

/// A row of `ticket_status_changes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_status_changes")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The ticket.
    pub ticket_id: i64,
    /// Before (empty when created).
    pub from_status: String,
    /// After.
    pub to_status: String,
    /// Who.
    pub changed_by: Option<i64>,
    /// When (UTC).
    pub changed_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
