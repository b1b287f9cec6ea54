//! An endpoint's delivery log, and replaying a delivery.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use super::{
    list::{find, get, Endpoint},
    outcome::shown_reason,
    DELIVERED, FAILED, PENDING,
};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, Actor, Permission,
    },
    entities::webhook_deliveries,
    messages,
    platform::page::{self, Page},
    Error, Result,
};

/// A row of an endpoint's delivery log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Key.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// The event (outbox id).
    pub event_id: i64,
    /// The event's type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The next attempt (for pending deliveries).
    pub next_attempt_at: DateTime<Utc>,
    /// The endpoint's last HTTP status.
    pub last_status_code: Option<i32>,
    /// The last failure.
    pub last_error: String,
    /// The last attempt.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

fn delivery_view(d: webhook_deliveries::Model) -> Delivery {
    Delivery {
        id: d.id,
        endpoint_id: d.endpoint_id,
        event_id: d.outbox_id,
        event_type: d.event_type,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at,
        last_status_code: d.last_status_code,
        last_error: shown_reason(&d.last_error),
        last_attempt_at: d.last_attempt_at,
        delivered_at: d.delivered_at,
        created_at: d.created_at,
    }
}

/// An endpoint's delivery log, newest first; `status` narrows it.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    actor: &Actor,
    endpoint_id: i64,
    status: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<Page<Delivery>> {
    policy::require(actor, Permission::AdminIntegrations)?;
    find(db, endpoint_id).await?;
    let mut query = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(endpoint_id))
        .order_by_desc(webhook_deliveries::Column::Id);
    if let Some(status) = status.filter(|s| !s.is_empty()) {
        if ![PENDING, DELIVERED, FAILED].contains(&status) {
            return Err(Error::field("status", messages::WEBHOOK_STATUS_UNKNOWN));
        }
        query = query.filter(webhook_deliveries::Column::Status.eq(status));
    }
    Ok(page::paginate(db, query, page, per_page, 200)
        .await?
        .map(delivery_view))
}

/// Which page of an endpoint's delivery log to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogQuery {
    /// The endpoint.
    pub endpoint_id: i64,
    /// Only deliveries in this state (`pending`, `delivered`, `failed`).
    pub status: Option<String>,
    /// Page number, from 1.
    pub page: u64,
    /// Rows per page (capped at 200).
    pub per_page: u64,
}

/// An endpoint with a page of its delivery log.
#[derive(Clone, Debug)]
pub struct DeliveryLog {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// Its deliveries, newest first.
    pub page: Page<Delivery>,
}

/// An endpoint and a page of its delivery log. Needs `admin.integrations`.
pub async fn delivery_log(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &LogQuery,
) -> Result<DeliveryLog> {
    let endpoint = get(db, actor, query.endpoint_id).await?;
    let page = deliveries(
        db,
        actor,
        query.endpoint_id,
        query.status.as_deref(),
        query.page,
        query.per_page,
    )
    .await?;
    Ok(DeliveryLog { endpoint, page })
}

/// Sends a delivery again (delivered or given up): it becomes pending and
/// due now. The receiver sees the same event id as before.
pub async fn replay(
    db: &DatabaseConnection,
    actor: &Actor,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> Result<Delivery> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let txn = db.begin().await?;
    let delivery = webhook_deliveries::Entity::find_by_id(delivery_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before = delivery.status.clone();
    let mut model: webhook_deliveries::ActiveModel = delivery.into();
    model.status = Set(PENDING.to_owned());
    model.next_attempt_at = Set(now);
    model.lease_until = Set(None);
    model.lease_owner = Set(String::new());
    let model = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "webhook.replayed",
            "webhook_delivery",
            Some(delivery_id.to_string()),
        )
        .before(json!({ "status": before }))
        .after(json!({ "status": PENDING, "endpoint_id": model.endpoint_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(delivery_view(model))
}
