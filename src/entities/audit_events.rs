//! `audit_events`: who changed what, when, before and after.

use sea_orm::entity::prelude::*;

/// One audited event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When it happened (UTC).
    pub occurred_at: ChronoDateTimeUtc,
    /// The acting user, if signed in.
    pub actor_user_id: Option<i64>,
    /// The actor as shown (email, or `anonymous` / `system`).
    pub actor_label: String,
    /// What happened (`user.created`, `login.failed`).
    pub action: String,
    /// The kind of record (`user`, `role`, `session`).
    pub entity: String,
    /// The record's id.
    pub entity_id: Option<String>,
    /// The record before (JSON).
    pub before_json: Option<String>,
    /// The record after (JSON).
    pub after_json: Option<String>,
    /// The client's address.
    pub client_addr: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
