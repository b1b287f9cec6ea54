//! The relay's side of delivery: fanning new outbox events out into
//! deliveries, and claiming due deliveries under a lease.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, LockBehavior, LockType, OnConflict},
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::{payload::body, EVERY_EVENT, LEASE, PENDING};
use crate::{
    entities::{outbox, webhook_deliveries, webhook_endpoints},
    Result,
};

/// A delivery claimed by a relay, with what it needs to send it.
#[derive(Clone, Debug)]
pub struct Due {
    /// The delivery.
    pub delivery_id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// The endpoint's address.
    pub url: String,
    /// The endpoint's signing secret.
    pub secret: String,
    /// The event (outbox id).
    pub event_id: i64,
    /// The event's type.
    pub event_type: String,
    /// The JSON body to POST.
    pub body: String,
}

fn subscribes(event_types: &str, event_type: &str) -> bool {
    event_types
        .split(',')
        .any(|t| t == EVERY_EVENT || t == event_type)
}

/// Turns up to `limit` new outbox events into deliveries for the active
/// endpoints that subscribe to them (and existed when the event was
/// written), and marks the events published. Returns the events handled.
/// Safe to run from several instances: PostgreSQL skips events another
/// relay holds, and a delivery exists once per (endpoint, event).
pub async fn fan_out(db: &DatabaseConnection, now: DateTime<Utc>, limit: u64) -> Result<usize> {
    let txn = db.begin().await?;
    let events = outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if events.is_empty() {
        return Ok(0);
    }
    let endpoints = webhook_endpoints::Entity::find()
        .filter(webhook_endpoints::Column::Active.eq(true))
        .all(&txn)
        .await?;
    let mut rows = Vec::new();
    for event in &events {
        for endpoint in &endpoints {
            if endpoint.created_at <= event.created_at
                && subscribes(&endpoint.event_types, &event.event_type)
            {
                rows.push(webhook_deliveries::ActiveModel {
                    endpoint_id: Set(endpoint.id),
                    outbox_id: Set(event.id),
                    event_type: Set(event.event_type.clone()),
                    status: Set(PENDING.to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(now),
                    lease_until: Set(None),
                    lease_owner: Set(String::new()),
                    last_status_code: Set(None),
                    last_error: Set(String::new()),
                    last_attempt_at: Set(None),
                    delivered_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        webhook_deliveries::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([
                    webhook_deliveries::Column::EndpointId,
                    webhook_deliveries::Column::OutboxId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .do_nothing()
            .exec_without_returning(&txn)
            .await?;
    }
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    for chunk in ids.chunks(500) {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::PublishedAt, Expr::value(now))
            .filter(outbox::Column::Id.is_in(chunk.iter().copied()))
            .filter(outbox::Column::PublishedAt.is_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(events.len())
}

/// Claims up to `limit` due deliveries of active endpoints for the relay
/// `owner`, so that no endpoint has more than `per_endpoint` in flight
/// counting the `busy` ones the relay is still sending: a slow endpoint
/// never takes every slot. A claimed delivery is leased for [`LEASE`]; no
/// other relay claims it until the lease ends.
pub async fn claim(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
    limit: usize,
    per_endpoint: usize,
    busy: &HashMap<i64, usize>,
) -> Result<Vec<Due>> {
    if limit == 0 || per_endpoint == 0 {
        return Ok(Vec::new());
    }
    let txn = db.begin().await?;
    let endpoints: HashMap<i64, webhook_endpoints::Model> = webhook_endpoints::Entity::find()
        .filter(webhook_endpoints::Column::Active.eq(true))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|e| busy.get(&e.id).copied().unwrap_or(0) < per_endpoint)
        .map(|e| (e.id, e))
        .collect();
    if endpoints.is_empty() {
        return Ok(Vec::new());
    }
    let free = Condition::any()
        .add(webhook_deliveries::Column::LeaseUntil.is_null())
        .add(webhook_deliveries::Column::LeaseUntil.lt(now));
    let candidates = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::Status.eq(PENDING))
        .filter(webhook_deliveries::Column::NextAttemptAt.lte(now))
        .filter(webhook_deliveries::Column::EndpointId.is_in(endpoints.keys().copied()))
        .filter(free.clone())
        .order_by_asc(webhook_deliveries::Column::NextAttemptAt)
        .order_by_asc(webhook_deliveries::Column::Id)
        .limit(u64::try_from(limit.saturating_mul(4)).unwrap_or(u64::MAX))
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    let mut per: HashMap<i64, usize> = busy.clone();
    let mut chosen = Vec::new();
    for d in candidates {
        let n = per.entry(d.endpoint_id).or_default();
        if *n < per_endpoint && chosen.len() < limit {
            *n += 1;
            chosen.push(d);
        }
    }
    let until = now + LEASE;
    let mut claimed = Vec::with_capacity(chosen.len());
    for d in chosen {
        // Conditional: a relay that read the row at the same time (SQLite
        // has no row locks) finds it taken and moves on.
        let taken = webhook_deliveries::Entity::update_many()
            .col_expr(webhook_deliveries::Column::LeaseUntil, Expr::value(until))
            .col_expr(webhook_deliveries::Column::LeaseOwner, Expr::value(owner))
            .filter(webhook_deliveries::Column::Id.eq(d.id))
            .filter(webhook_deliveries::Column::Status.eq(PENDING))
            .filter(free.clone())
            .exec(&txn)
            .await?;
        if taken.rows_affected == 1 {
            claimed.push(d);
        }
    }
    let events: HashMap<i64, outbox::Model> = outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(claimed.iter().map(|d| d.outbox_id)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    txn.commit().await?;
    Ok(claimed
        .into_iter()
        .filter_map(|d| {
            let endpoint = endpoints.get(&d.endpoint_id)?;
            let event = events.get(&d.outbox_id)?;
            Some(Due {
                delivery_id: d.id,
                endpoint_id: d.endpoint_id,
                url: endpoint.url.clone(),
                secret: endpoint.secret.clone(),
                event_id: event.id,
                event_type: event.event_type.clone(),
                body: body(event),
            })
        })
        .collect())
}
