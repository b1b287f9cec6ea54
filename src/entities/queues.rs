//! `queues`: support teams that tickets are routed to.

use sea_orm::entity::prelude::*;

/// A row of `queues`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queues")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Who hears about SLA breaches.
    pub manager_id: Option<i64>,
    /// Round-robin new tickets among the members.
    pub auto_assign: bool,
    /// The member round-robin gave the last ticket.
    pub last_assignee_id: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
