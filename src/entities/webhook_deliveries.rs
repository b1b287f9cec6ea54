//! `webhook_deliveries`: one outbox event for one endpoint, until delivered.

use sea_orm::entity::prelude::*;

/// A row of `webhook_deliveries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// The event (`outbox.id`).
    pub outbox_id: i64,
    /// The event's type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (UTC).
    pub next_attempt_at: ChronoDateTimeUtc,
    /// A relay holds the delivery until then.
    pub lease_until: Option<ChronoDateTimeUtc>,
    /// Which relay holds it.
    pub lease_owner: String,
    /// The endpoint's last HTTP status.
    pub last_status_code: Option<i32>,
    /// The last failure: the answer's start or the connection error.
    pub last_error: String,
    /// The last attempt (UTC).
    pub last_attempt_at: Option<ChronoDateTimeUtc>,
    /// Delivered (UTC).
    pub delivered_at: Option<ChronoDateTimeUtc>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
