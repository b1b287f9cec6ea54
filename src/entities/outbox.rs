//! `outbox`: events for other systems, written with the change.

use sea_orm::entity::prelude::*;

/// A row of `outbox`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `order.confirmed`, `stock.changed`, …
    pub event_type: String,
    /// The kind of record.
    pub aggregate: String,
    /// The record id.
    pub aggregate_id: String,
    /// JSON payload.
    pub payload: String,
    /// Written (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Delivered (UTC), once relayed.
    pub published_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
