//! The audit trail: every mutating service records who did what, when,
//! from where, and the record before and after, inside its own transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::Value;

use crate::{
    auth::{policy, Actor, Permission, RequestMeta},
    entities::audit_events,
    services::page::{paginate, Page},
    Result,
};

/// Who caused an audited event.
#[derive(Clone, Copy, Debug)]
pub enum Who<'a> {
    /// A signed-in user.
    Actor(&'a Actor),
    /// Someone not signed in (a failed sign-in), labelled by what they typed.
    Anonymous(&'a RequestMeta, &'a str),
    /// A user in the act of signing in: their id and email, not yet an actor.
    SigningIn(&'a RequestMeta, i64, &'a str),
    /// Tandem itself (start-up, jobs, the command line).
    System,
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct Entry {
    /// What happened (`user.created`).
    pub action: &'static str,
    /// The kind of record (`user`).
    pub entity: &'static str,
    /// The record's id.
    pub entity_id: Option<String>,
    /// The record before the change.
    pub before: Option<Value>,
    /// The record after the change.
    pub after: Option<Value>,
}

impl Entry {
    /// An entry with no before/after.
    pub fn new(action: &'static str, entity: &'static str, entity_id: Option<String>) -> Self {
        Self {
            action,
            entity,
            entity_id,
            before: None,
            after: None,
        }
    }

    /// Adds the record before the change.
    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    /// Adds the record after the change.
    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// Writes one audit event. Call it with the transaction of the change.
pub async fn record(db: &impl ConnectionTrait, who: Who<'_>, entry: Entry) -> Result<()> {
    let now = Utc::now();
    let (user_id, label, meta) = match who {
        Who::Actor(actor) => (Some(actor.user_id), actor.email.clone(), Some(&actor.meta)),
        Who::Anonymous(meta, label) => (None, format!("anonymous ({label})"), Some(meta)),
        Who::SigningIn(meta, user_id, email) => (Some(user_id), email.to_owned(), Some(meta)),
        Who::System => (None, "system".to_owned(), None),
    };
    let row = audit_events::ActiveModel {
        occurred_at: Set(now),
        actor_user_id: Set(user_id),
        actor_label: Set(truncate(&label, 254)),
        action: Set(entry.action.to_owned()),
        entity: Set(entry.entity.to_owned()),
        entity_id: Set(entry.entity_id),
        before_json: Set(entry.before.map(|v| v.to_string())),
        after_json: Set(entry.after.map(|v| v.to_string())),
        client_addr: Set(meta.and_then(|m| m.client_addr.clone())),
        user_agent: Set(meta.and_then(|m| m.user_agent.as_deref().map(|ua| truncate(ua, 500)))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    audit_events::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Filters for the audit log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only events whose actor (email or label) contains this text.
    pub actor: Option<String>,
    /// Only events on this kind of record.
    pub entity: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Page number, from 1.
    pub page: u64,
    /// Rows per page (capped at 200).
    pub per_page: u64,
}

/// The audit log, newest first. Needs `admin.audit`.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    filter: &AuditFilter,
) -> Result<Page<audit_events::Model>> {
    policy::require(actor, Permission::AdminAudit)?;
    let mut condition = Condition::all();
    if let Some(actor) = filter
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        condition = condition.add(audit_events::Column::ActorLabel.contains(actor));
    }
    if let Some(entity) = filter.entity.as_deref().filter(|e| !e.is_empty()) {
        condition = condition.add(audit_events::Column::Entity.eq(entity));
    }
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        condition = condition.add(audit_events::Column::Action.eq(action));
    }
    if let Some(from) = filter.from {
        condition = condition.add(audit_events::Column::OccurredAt.gte(from));
    }
    if let Some(until) = filter.until {
        condition = condition.add(audit_events::Column::OccurredAt.lt(until));
    }
    let query = audit_events::Entity::find()
        .filter(condition)
        .order_by_desc(audit_events::Column::OccurredAt)
        .order_by_desc(audit_events::Column::Id);
    paginate(db, query, filter.page, filter.per_page, 200).await
}
