//! The audit trail: every mutating service records who did what, when,
//! from where, and the record before and after, inside its own transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::Value;

use crate::{
    access::{policy, Actor, Permission, RequestMeta},
    entities::audit_events,
    platform::page::{paginate, Page},
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

/// Every kind of record the audit trail records (the second argument of
/// every [`Entry::new`]), in the order the audit log's filter offers them:
/// the records the log holds most of first. A test reads the workspace's
/// sources and fails when an entry names a kind missing here, or when a
/// kind here is never recorded.
pub const RECORD_TYPES: &[&str] = &[
    "order",
    "shipment",
    "invoice",
    "ticket",
    "customer",
    "lead",
    "opportunity",
    "activity",
    "campaign",
    "stage",
    "product",
    "stock_level",
    "warehouse",
    "supplier",
    "purchase_order",
    "queue",
    "sla_policy",
    "sla_calendar",
    "article",
    "user",
    "role",
    "team",
    "session",
    "api_token",
    "webhook_endpoint",
    "webhook_delivery",
    "import_run",
    "export",
    "backup",
];

/// The kinds of record the audit log can be filtered by, in the order to
/// offer them. Needs `admin.audit`.
pub fn record_types(actor: &Actor) -> Result<&'static [&'static str]> {
    policy::require(actor, Permission::AdminAudit)?;
    Ok(RECORD_TYPES)
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

/// Longest text of an audit log filter, in characters.
pub const MAX_FILTER: usize = 200;

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
    actor: &Actor,
    filter: &AuditFilter,
) -> Result<Page<audit_events::Model>> {
    policy::require(actor, Permission::AdminAudit)?;
    // The actor filter is matched inside every label: capped before use.
    for (field, text) in [
        ("actor", &filter.actor),
        ("entity", &filter.entity),
        ("action", &filter.action),
    ] {
        if text
            .as_deref()
            .is_some_and(|t| t.chars().count() > MAX_FILTER)
        {
            return Err(crate::Error::field(field, crate::messages::MAX_200));
        }
    }
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

#[cfg(test)]
mod tests {
    use std::{
        collections::{BTreeMap, BTreeSet},
        fs,
        path::{Path, PathBuf},
    };

    use super::RECORD_TYPES;

    /// The second argument of a call whose arguments start `call`, when it
    /// is a plain string literal.
    fn second_argument(call: &str) -> Option<&str> {
        let (mut depth, mut in_string, mut escaped) = (0_u32, false, false);
        let (mut args, mut start) = (Vec::new(), 0);
        for (i, c) in call.char_indices() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => {
                    args.push(&call[start..i]);
                    break;
                }
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    args.push(&call[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        let inner = args.get(1)?.trim().strip_prefix('"')?.strip_suffix('"')?;
        (!inner.contains('"')).then_some(inner)
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                rust_files(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        Ok(())
    }

    #[test]
    fn every_audited_record_type_is_offered_and_every_offered_one_is_audited() -> std::io::Result<()>
    {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src", "app/src", "server/src"] {
            rust_files(&root.join(dir), &mut files)?;
        }
        // Split so that this file does not match itself.
        let needle = concat!("Entry", "::new(");
        let mut used: BTreeMap<String, usize> = BTreeMap::new();
        let mut unreadable = Vec::new();
        for file in &files {
            let source = fs::read_to_string(file)?;
            for (at, _) in source.match_indices(needle) {
                match second_argument(&source[at + needle.len()..]) {
                    Some(kind) => *used.entry(kind.to_owned()).or_default() += 1,
                    None => unreadable.push(format!(
                        "{}:{}",
                        file.display(),
                        source[..at].lines().count()
                    )),
                }
            }
        }
        assert!(
            unreadable.is_empty(),
            "give these audit entries a string literal as record type: {unreadable:?}"
        );
        assert!(
            used.values().sum::<usize>() >= 50,
            "the scan found too few audit entries: {used:?}"
        );
        for kind in used.keys() {
            assert!(
                RECORD_TYPES.contains(&kind.as_str()),
                "{kind:?} is audited but missing from RECORD_TYPES (and its labels)"
            );
        }
        for kind in RECORD_TYPES {
            assert!(
                used.contains_key(*kind),
                "{kind:?} is offered but never audited"
            );
        }
        let unique: BTreeSet<&str> = RECORD_TYPES.iter().copied().collect();
        assert_eq!(
            unique.len(),
            RECORD_TYPES.len(),
            "a record type is listed twice"
        );
        Ok(())
    }
}
