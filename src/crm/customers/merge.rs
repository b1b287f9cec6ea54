//! Merging a duplicate customer into the one that survives: every
//! referring row moves, the survivor gains the missing facts.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, TransactionTrait,
};
use serde_json::json;

use super::{overview::get, snapshot, update::Regroup};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, Actor, Permission,
    },
    crm::timeline::{self, Event},
    entities::customers,
    Error, Result,
};

/// Every table that points at a customer, as (table, column). Merging moves
/// each of their rows to the survivor; a module that adds a table referring
/// to customers (orders, invoices, tickets) adds it here.
pub const CUSTOMER_REFERENCES: &[(&str, &str)] = &[
    ("contacts", "customer_id"),
    ("opportunities", "customer_id"),
    ("activities", "customer_id"),
    ("leads", "customer_id"),
    ("timeline_events", "customer_id"),
    ("sales_orders", "customer_id"),
    ("invoices", "customer_id"),
    ("payments", "customer_id"),
    ("credit_notes", "customer_id"),
    ("customer_credits", "customer_id"),
];

/// What a merge moved, per referring table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// (table, ids of the rows moved to the survivor).
    pub moved: Vec<(String, Vec<i64>)>,
}

/// Merges `duplicate` into `survivor`: every row of every table in
/// [`CUSTOMER_REFERENCES`] moves to the survivor, the survivor keeps its
/// own facts and gains the duplicate's missing ones (email, phone, tax id,
/// address) and tags, and the duplicate is archived and marked as merged.
/// One transaction, audited with the ids of everything that moved.
pub async fn merge(
    db: &DatabaseConnection,
    actor: &Actor,
    survivor: i64,
    duplicate: i64,
    figures: &impl Regroup,
) -> Result<Merged> {
    use sea_orm::{
        sea_query::{Alias, Expr, Query},
        FromQueryResult, StatementBuilder,
    };
    let actor = policy::require(actor, Permission::CustomersMerge)?;
    if survivor == duplicate {
        return Err(Error::field("duplicate", crate::messages::MERGE_SAME));
    }
    let txn = db.begin().await?;
    let keep = get(&txn, actor, survivor).await?;
    let gone = get(&txn, actor, duplicate).await?;
    if keep.merged_into_id.is_some() || gone.merged_into_id.is_some() {
        return Err(Error::Conflict(crate::messages::MERGE_MERGED.into()));
    }
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
    }
    let backend = txn.get_database_backend();
    // The duplicate's orders move to the survivor's segment in the summary.
    let counted = figures.before(&txn, duplicate).await?;
    let mut merged = Merged::default();
    for (table, column) in CUSTOMER_REFERENCES {
        let select = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(*table))
            .and_where(Expr::col(Alias::new(*column)).eq(duplicate))
            .to_owned();
        let ids: Vec<i64> = Row::find_by_statement(StatementBuilder::build(&select, &backend))
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let update = Query::update()
            .table(Alias::new(*table))
            .value(Alias::new(*column), survivor)
            .and_where(Expr::col(Alias::new(*column)).eq(duplicate))
            .to_owned();
        txn.execute(StatementBuilder::build(&update, &backend))
            .await?;
        merged.moved.push(((*table).to_owned(), ids));
    }
    let mut tags: Vec<&str> = keep
        .tags
        .split(',')
        .chain(gone.tags.split(','))
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let now = Utc::now();
    let mut model: customers::ActiveModel = keep.clone().into();
    if keep.email.is_none() && gone.email.is_some() {
        model.email = Set(gone.email.clone());
        model.email_key = Set(gone.email_key.clone());
    }
    if keep.phone.is_none() && gone.phone.is_some() {
        model.phone = Set(gone.phone.clone());
        model.phone_key = Set(gone.phone_key.clone());
    }
    if keep.tax_id.is_none() && gone.tax_id.is_some() {
        model.tax_id = Set(gone.tax_id.clone());
        model.tax_key = Set(gone.tax_key.clone());
    }
    if keep.address.is_empty() {
        model.address = Set(gone.address.clone());
    }
    model.tags = Set(tags.join(","));
    model.updated_at = Set(now);
    let after = model.update(&txn).await?;
    let mut loser: customers::ActiveModel = gone.clone().into();
    loser.archived = Set(true);
    loser.merged_into_id = Set(Some(survivor));
    loser.updated_at = Set(now);
    loser.update(&txn).await?;
    figures.apply(&txn, counted).await?;
    let moved: serde_json::Map<String, serde_json::Value> = merged
        .moved
        .iter()
        .map(|(t, ids)| (t.clone(), json!(ids)))
        .collect();
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("customer.merged", "customer", Some(survivor.to_string()))
            .before(json!({ "survivor": snapshot(&keep), "duplicate": snapshot(&gone), "duplicate_id": duplicate }))
            .after(json!({ "survivor": snapshot(&after), "moved": moved })),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: survivor,
            kind: "customer.merged",
            summary: format!("{} ({})", gone.name, gone.code),
            link: format!("/customers/{duplicate}"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(merged)
}
