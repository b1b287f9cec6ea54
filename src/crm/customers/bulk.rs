//! Bulk actions on selected customers (reassign, tag, archive), all or
//! none, and the check of a bulk selection other lists share.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, TransactionTrait};
use serde_json::json;

use super::overview::get;
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, scope, Actor, Permission,
    },
    entities::customers,
    Error, Result,
};

/// Rejects an empty or oversized bulk selection.
pub fn check_selection(ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::field("selection", crate::messages::SELECT_SOME));
    }
    if ids.len() > 500 {
        return Err(Error::field("selection", crate::messages::TOO_MANY));
    }
    Ok(())
}

/// What a bulk action on customers does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bulk {
    /// Give them to this owner (needs `customers.read_all`).
    Reassign(i64),
    /// Add this tag.
    AddTag(String),
    /// Archive them (needs `customers.archive`).
    Archive,
}

/// Applies a bulk action to customers in the actor's scope, all or none,
/// each change audited. Returns how many changed.
pub async fn bulk(
    db: &DatabaseConnection,
    actor: &Actor,
    ids: &[i64],
    action: &Bulk,
) -> Result<u64> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    check_selection(ids)?;
    let txn = db.begin().await?;
    let owner = match action {
        Bulk::Reassign(owner) => {
            Some(scope::assignee(&txn, actor, Some(*owner), Permission::CustomersReadAll).await?)
        }
        Bulk::Archive => {
            policy::require(actor, Permission::CustomersArchive)?;
            None
        }
        Bulk::AddTag(tag) => {
            let tag = tag.trim();
            if tag.is_empty() || tag.contains(',') || tag.chars().count() > 40 {
                return Err(Error::field("tag", crate::messages::TAG_INVALID));
            }
            None
        }
    };
    let mut changed = 0;
    let now = Utc::now();
    for id in ids {
        let before = get(&txn, actor, *id).await?;
        let mut model: customers::ActiveModel = before.clone().into();
        let (verb, from, to) = match action {
            Bulk::Reassign(_) => {
                if before.owner_id == owner {
                    continue;
                }
                model.owner_id = Set(owner);
                (
                    "customer.reassigned",
                    json!({ "owner_id": before.owner_id }),
                    json!({ "owner_id": owner }),
                )
            }
            Bulk::AddTag(tag) => {
                let tag = tag.trim().to_lowercase();
                let mut tags: Vec<String> = before
                    .tags
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect();
                if tags.contains(&tag) {
                    continue;
                }
                tags.push(tag);
                tags.sort();
                let joined = tags.join(",");
                model.tags = Set(joined.clone());
                (
                    "customer.tagged",
                    json!({ "tags": before.tags }),
                    json!({ "tags": joined }),
                )
            }
            Bulk::Archive => {
                if before.archived {
                    continue;
                }
                model.archived = Set(true);
                (
                    "customer.archived",
                    json!({ "archived": false }),
                    json!({ "archived": true }),
                )
            }
        };
        model.updated_at = Set(now);
        model.update(&txn).await?;
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new(verb, "customer", Some(id.to_string()))
                .before(from)
                .after(to),
        )
        .await?;
        changed += 1;
    }
    txn.commit().await?;
    Ok(changed)
}
