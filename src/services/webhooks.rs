//! Webhooks: other systems register an endpoint (URL, event types, secret)
//! and Tandem POSTs each matching outbox event to it, signed.
//!
//! Delivery is at least once and never part of a business transaction:
//! the change writes its outbox row; later the relay *fans out* each new
//! row into one delivery per subscribed endpoint, *claims* due deliveries
//! with a lease (so with several `tandem` instances one relay at a time
//! holds a delivery; PostgreSQL also skips rows another relay has locked),
//! sends them off the database, and *records* the outcome: delivered, or
//! retried with exponential backoff until [`MAX_ATTEMPTS`], after which
//! the delivery is `failed` and an admin may replay it. The HTTP sending is
//! the server's; this module holds the rules and the data.
//!
//! Targets are public addresses unless the operator allows a network
//! ([`target`]); the log keeps why an attempt failed in a few words
//! ([`Failure`]), never what the endpoint answered.

use std::collections::{BTreeSet, HashMap};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{
    sea_query::{Expr, LockBehavior, LockType, OnConflict},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{
    auth::{policy, Actor, Permission},
    entities::{outbox, webhook_deliveries, webhook_endpoints},
    messages,
    services::{
        audit::{self, Entry, Who},
        page::{self, Page},
    },
    Error, FieldErrors, Result,
};

pub mod target;

pub use target::{Net, Refusal, Targets};

/// Every event type Tandem publishes, for the endpoint form.
pub const EVENT_TYPES: &[&str] = &[
    "credit_note.issued",
    "invoice.cancelled",
    "invoice.issued",
    "invoice.overdue",
    "invoice.paid",
    "order.cancelled",
    "order.confirmed",
    "order.reserved",
    "order.shipped",
    "payment.received",
    "purchase_order.cancelled",
    "purchase_order.closed",
    "purchase_order.created",
    "purchase_order.received",
    "purchase_order.sent",
    "reorder_rule.set",
    "return.approved",
    "return.requested",
    "stock.changed",
    "stock.low",
    "supplier.created",
    "supplier.price_set",
    "supplier.updated",
    "ticket.created",
    "ticket.rated",
    "ticket.resolved",
    "ticket.updated",
];
/// The subscription to every event type.
pub const EVERY_EVENT: &str = "*";
/// Attempts before a delivery is given up (`failed`); about two days.
pub const MAX_ATTEMPTS: i64 = 15;
/// How long a claimed delivery is held by its relay.
pub const LEASE: Duration = Duration::seconds(60);
/// The first retry's delay; each further one doubles, up to [`BACKOFF_CAP`].
pub const BACKOFF_BASE: Duration = Duration::seconds(30);
/// The longest delay between two attempts.
pub const BACKOFF_CAP: Duration = Duration::hours(6);
/// The header with the delivery's Unix time (seconds), part of what is signed.
pub const TIMESTAMP_HEADER: &str = "Tandem-Timestamp";
/// The header with `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
pub const SIGNATURE_HEADER: &str = "Tandem-Signature";
/// The header with the event type.
pub const EVENT_HEADER: &str = "Tandem-Event";
/// The header with the event id (the same on every retry, to deduplicate).
pub const EVENT_ID_HEADER: &str = "Tandem-Event-Id";
/// The header with the delivery id.
pub const DELIVERY_HEADER: &str = "Tandem-Delivery";

/// A delivery waiting for its next attempt.
pub const PENDING: &str = "pending";
/// A delivery the endpoint accepted (2xx).
pub const DELIVERED: &str = "delivered";
/// A delivery given up after [`MAX_ATTEMPTS`]; it may be replayed.
pub const FAILED: &str = "failed";

/// What the endpoint form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointInput {
    /// A name to tell endpoints apart.
    pub name: String,
    /// Where to POST (http or https).
    pub url: String,
    /// Event types; `*` is every type.
    pub event_types: Vec<String>,
    /// Whether deliveries are made.
    pub active: bool,
}

/// An endpoint as the admin page shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Key.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its address.
    pub url: String,
    /// Its event types, sorted.
    pub event_types: Vec<String>,
    /// Whether deliveries are made.
    pub active: bool,
    /// Registered (UTC).
    pub created_at: DateTime<Utc>,
    /// Deliveries waiting.
    pub pending: u64,
    /// Deliveries given up.
    pub failed: u64,
    /// Deliveries made.
    pub delivered: u64,
    /// The last attempt's HTTP status (none: no attempt, or no answer).
    pub last_status_code: Option<i32>,
    /// The last attempt (UTC).
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Its most recent attempt failed, or a delivery was given up.
    pub failing: bool,
}

/// A new endpoint and its signing secret, shown once.
#[derive(Clone, Debug)]
pub struct Created {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The secret to verify signatures with.
    pub secret: String,
}

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

/// How an attempt went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint answered 2xx.
    Delivered {
        /// Its status.
        status_code: u16,
    },
    /// Any other answer, or none.
    Failed(Failure),
}

/// Why an attempt failed. Only this is kept: what the endpoint sent back
/// may be anything (an internal page, a secret), so it is never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The endpoint answered with this status, not 2xx (a redirect too:
    /// redirects are not followed).
    Status(u16),
    /// No answer within the relay's timeout.
    TimedOut,
    /// The connection was refused.
    Refused,
    /// The address, as written or as its name resolved, is not one
    /// webhooks may reach (see [`Targets`]).
    NotAllowed,
    /// The name did not resolve.
    Unresolved,
    /// Any other failure to connect or exchange the request (TLS, reset).
    Connection,
}

impl Failure {
    /// The endpoint's status, when it answered.
    pub fn status_code(self) -> Option<u16> {
        match self {
            Self::Status(code) => Some(code),
            _ => None,
        }
    }

    /// The short reason the delivery log keeps and shows.
    pub fn reason(self) -> String {
        match self {
            Self::Status(code) => format!("HTTP {code}"),
            Self::TimedOut => messages::WEBHOOK_TIMED_OUT.to_owned(),
            Self::Refused => messages::WEBHOOK_REFUSED.to_owned(),
            Self::NotAllowed => messages::WEBHOOK_NOT_ALLOWED.to_owned(),
            Self::Unresolved => messages::WEBHOOK_UNRESOLVED.to_owned(),
            Self::Connection => messages::WEBHOOK_CONNECTION_FAILED.to_owned(),
        }
    }
}

/// The longest failure reason shown.
const REASON_MAX: usize = 60;

/// A stored reason as the log shows it: printable characters only, at most
/// [`REASON_MAX`] of them (rows written before reasons were short).
fn shown_reason(stored: &str) -> String {
    let cleaned: String = stored
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(REASON_MAX)
        .collect()
}

/// The integrations' state for the admin page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// Outbox events not yet fanned out to endpoints.
    pub outbox_backlog: u64,
    /// Deliveries waiting (including retries).
    pub pending: u64,
    /// Deliveries given up.
    pub failed: u64,
    /// The oldest pending delivery's creation.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// Endpoints whose last attempt failed or that have given-up deliveries.
    pub failing_endpoints: Vec<(i64, String)>,
}

fn random_secret() -> String {
    let mut bytes = [0_u8; 24];
    OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("whsec_{hex}")
}

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the signature header.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    #[allow(clippy::expect_used)]
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("v1={hex}")
}

/// The delay before the attempt after `attempts` failed ones.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let delay = BACKOFF_BASE * 2_i32.saturating_pow(doublings);
    delay.min(BACKOFF_CAP)
}

/// The JSON an endpoint receives for an outbox event.
pub fn body(event: &outbox::Model) -> String {
    let data: Value = serde_json::from_str(&event.payload).unwrap_or(Value::Null);
    json!({
        "id": event.id,
        "type": event.event_type,
        "created_at": event.created_at.to_rfc3339(),
        "aggregate": { "type": event.aggregate, "id": event.aggregate_id },
        "data": data,
    })
    .to_string()
}

fn subscribes(event_types: &str, event_type: &str) -> bool {
    event_types
        .split(',')
        .any(|t| t == EVERY_EVENT || t == event_type)
}

fn validate(input: &EndpointInput, targets: &Targets) -> Result<(String, String, String)> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), messages::MAX_100.into());
    }
    let url = input.url.trim().to_owned();
    let refusal = if url.len() > 2000 {
        Some(Refusal::Invalid)
    } else {
        targets.check(&url).err()
    };
    if let Some(refusal) = refusal {
        let message = match refusal {
            Refusal::Invalid => messages::WEBHOOK_URL_INVALID,
            Refusal::Credentials => messages::WEBHOOK_URL_CREDENTIALS,
            Refusal::Internal => messages::WEBHOOK_URL_INTERNAL,
        };
        errors.insert("url".into(), message.into());
    }
    let types: BTreeSet<String> = input
        .event_types
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        errors.insert(
            "event_types".into(),
            messages::WEBHOOK_EVENTS_REQUIRED.into(),
        );
    } else if types
        .iter()
        .any(|t| t != EVERY_EVENT && !EVENT_TYPES.contains(&t.as_str()))
    {
        errors.insert("event_types".into(), messages::WEBHOOK_EVENT_UNKNOWN.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    // `*` alone when it is chosen: every type includes the others.
    let types = if types.contains(EVERY_EVENT) {
        EVERY_EVENT.to_owned()
    } else {
        types.into_iter().collect::<Vec<_>>().join(",")
    };
    Ok((name, url, types))
}

fn split(event_types: &str) -> Vec<String> {
    event_types
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Per endpoint: pending, failed, delivered counts and the last attempt.
async fn tallies(
    db: &impl ConnectionTrait,
    endpoint_ids: &[i64],
) -> Result<HashMap<i64, (u64, u64, u64)>> {
    let rows: Vec<(i64, String, i64)> = webhook_deliveries::Entity::find()
        .select_only()
        .column(webhook_deliveries::Column::EndpointId)
        .column(webhook_deliveries::Column::Status)
        .column_as(webhook_deliveries::Column::Id.count(), "n")
        .filter(webhook_deliveries::Column::EndpointId.is_in(endpoint_ids.iter().copied()))
        .group_by(webhook_deliveries::Column::EndpointId)
        .group_by(webhook_deliveries::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, (u64, u64, u64)> = HashMap::new();
    for (endpoint, status, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        let entry = out.entry(endpoint).or_default();
        match status.as_str() {
            PENDING => entry.0 += n,
            FAILED => entry.1 += n,
            _ => entry.2 += n,
        }
    }
    Ok(out)
}

async fn views(
    db: &impl ConnectionTrait,
    models: Vec<webhook_endpoints::Model>,
) -> Result<Vec<Endpoint>> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let counts = tallies(db, &ids).await?;
    let mut out = Vec::with_capacity(models.len());
    for model in models {
        let last = webhook_deliveries::Entity::find()
            .filter(webhook_deliveries::Column::EndpointId.eq(model.id))
            .filter(webhook_deliveries::Column::LastAttemptAt.is_not_null())
            .order_by_desc(webhook_deliveries::Column::LastAttemptAt)
            .one(db)
            .await?;
        let (pending, failed, delivered) = counts.get(&model.id).copied().unwrap_or_default();
        let last_failed = last
            .as_ref()
            .is_some_and(|d| d.status != DELIVERED && d.attempts > 0);
        out.push(Endpoint {
            id: model.id,
            name: model.name,
            url: model.url,
            event_types: split(&model.event_types),
            active: model.active,
            created_at: model.created_at,
            pending,
            failed,
            delivered,
            last_status_code: last.as_ref().and_then(|d| d.last_status_code),
            last_attempt_at: last.and_then(|d| d.last_attempt_at),
            failing: failed > 0 || last_failed,
        });
    }
    Ok(out)
}

async fn one_view(db: &impl ConnectionTrait, model: webhook_endpoints::Model) -> Result<Endpoint> {
    views(db, vec![model])
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}

/// Registers an endpoint (`admin.integrations`). It hears events written
/// from now on; its secret is returned once. Its address must be one
/// `targets` allows.
pub async fn create(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    input: &EndpointInput,
    targets: &Targets,
    now: DateTime<Utc>,
) -> Result<Created> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let (name, url, types) = validate(input, targets)?;
    let secret = random_secret();
    let txn = db.begin().await?;
    let model = webhook_endpoints::ActiveModel {
        name: Set(name.clone()),
        url: Set(url.clone()),
        event_types: Set(types.clone()),
        secret: Set(secret.clone()),
        active: Set(input.active),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "webhook.created",
            "webhook_endpoint",
            Some(model.id.to_string()),
        )
        .after(json!({ "name": name, "url": url, "event_types": types, "active": input.active })),
    )
    .await?;
    txn.commit().await?;
    Ok(Created {
        endpoint: one_view(db, model).await?,
        secret,
    })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<webhook_endpoints::Model> {
    webhook_endpoints::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Changes an endpoint's name, address, event types or activity; the
/// address must be one `targets` allows.
pub async fn update(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: i64,
    input: &EndpointInput,
    targets: &Targets,
    now: DateTime<Utc>,
) -> Result<Endpoint> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let (name, url, types) = validate(input, targets)?;
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    let mut model: webhook_endpoints::ActiveModel = before.clone().into();
    model.name = Set(name.clone());
    model.url = Set(url.clone());
    model.event_types = Set(types.clone());
    model.active = Set(input.active);
    model.updated_at = Set(now);
    let model = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("webhook.updated", "webhook_endpoint", Some(id.to_string()))
            .before(json!({ "name": before.name, "url": before.url,
                "event_types": before.event_types, "active": before.active }))
            .after(
                json!({ "name": name, "url": url, "event_types": types, "active": input.active }),
            ),
    )
    .await?;
    txn.commit().await?;
    one_view(db, model).await
}

/// Gives an endpoint a new signing secret (returned once); deliveries from
/// now on are signed with it.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let txn = db.begin().await?;
    let mut model: webhook_endpoints::ActiveModel = find(&txn, id).await?.into();
    let secret = random_secret();
    model.secret = Set(secret.clone());
    model.updated_at = Set(now);
    model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "webhook.secret_rotated",
            "webhook_endpoint",
            Some(id.to_string()),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// Removes an endpoint and its delivery log.
pub async fn delete(db: &DatabaseConnection, actor: Option<&Actor>, id: i64) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    webhook_deliveries::Entity::delete_many()
        .filter(webhook_deliveries::Column::EndpointId.eq(id))
        .exec(&txn)
        .await?;
    webhook_endpoints::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("webhook.deleted", "webhook_endpoint", Some(id.to_string()))
            .before(json!({ "name": before.name, "url": before.url })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every endpoint, newest first, with its delivery counts.
pub async fn list(db: &impl ConnectionTrait, actor: Option<&Actor>) -> Result<Vec<Endpoint>> {
    policy::require(actor, Permission::AdminIntegrations)?;
    let models = webhook_endpoints::Entity::find()
        .order_by_desc(webhook_endpoints::Column::Id)
        .all(db)
        .await?;
    views(db, models).await
}

/// One endpoint.
pub async fn get(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<Endpoint> {
    policy::require(actor, Permission::AdminIntegrations)?;
    let model = find(db, id).await?;
    one_view(db, model).await
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
    actor: Option<&Actor>,
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

/// Sends a delivery again (delivered or given up): it becomes pending and
/// due now. The receiver sees the same event id as before.
pub async fn replay(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
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

/// Records an attempt by the relay `owner`: delivered, or due again after
/// [`backoff`] (given up after [`MAX_ATTEMPTS`]). The lease ends. An
/// attempt whose lease another relay has since taken is not recorded: that
/// relay's attempt is.
pub async fn record(
    db: &DatabaseConnection,
    delivery_id: i64,
    owner: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = db.begin().await?;
    let Some(delivery) = webhook_deliveries::Entity::find_by_id(delivery_id)
        .filter(webhook_deliveries::Column::LeaseOwner.eq(owner))
        .filter(webhook_deliveries::Column::Status.eq(PENDING))
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let attempts = delivery.attempts + 1;
    let mut model: webhook_deliveries::ActiveModel = delivery.into();
    model.attempts = Set(attempts);
    model.last_attempt_at = Set(Some(now));
    model.lease_until = Set(None);
    model.lease_owner = Set(String::new());
    match outcome {
        Outcome::Delivered { status_code } => {
            model.status = Set(DELIVERED.to_owned());
            model.last_status_code = Set(Some(i32::from(*status_code)));
            model.last_error = Set(String::new());
            model.delivered_at = Set(Some(now));
        }
        Outcome::Failed(failure) => {
            model.last_status_code = Set(failure.status_code().map(i32::from));
            model.last_error = Set(failure.reason());
            if attempts >= MAX_ATTEMPTS {
                model.status = Set(FAILED.to_owned());
            } else {
                model.next_attempt_at = Set(now + backoff(attempts));
            }
        }
    }
    model.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Outbox backlog, waiting and given-up deliveries, failing endpoints.
pub async fn health(db: &impl ConnectionTrait, actor: Option<&Actor>) -> Result<Health> {
    policy::require(actor, Permission::AdminIntegrations)?;
    let outbox_backlog = outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .count(db)
        .await?;
    let pending = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::Status.eq(PENDING))
        .count(db)
        .await?;
    let failed = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::Status.eq(FAILED))
        .count(db)
        .await?;
    let oldest_pending = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::Status.eq(PENDING))
        .order_by_asc(webhook_deliveries::Column::CreatedAt)
        .one(db)
        .await?
        .map(|d| d.created_at);
    let models = webhook_endpoints::Entity::find()
        .order_by_asc(webhook_endpoints::Column::Id)
        .all(db)
        .await?;
    let failing_endpoints = views(db, models)
        .await?
        .into_iter()
        .filter(|e| e.failing)
        .map(|e| (e.id, e.name))
        .collect();
    Ok(Health {
        outbox_backlog,
        pending,
        failed,
        oldest_pending,
        failing_endpoints,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(11), Duration::hours(6));
        assert_eq!(backoff(MAX_ATTEMPTS), Duration::hours(6));
    }

    #[test]
    fn a_signature_depends_on_secret_time_and_body() {
        let a = sign("s1", 100, "{}");
        assert!(a.starts_with("v1=") && a.len() == 3 + 64);
        assert_ne!(a, sign("s2", 100, "{}"));
        assert_ne!(a, sign("s1", 101, "{}"));
        assert_ne!(a, sign("s1", 100, "{ }"));
        assert_eq!(a, sign("s1", 100, "{}"));
    }

    #[test]
    fn endpoints_are_validated_field_by_field() {
        let bad = EndpointInput {
            name: " ".into(),
            url: "ftp://example.com/x".into(),
            event_types: vec!["order.nope".into()],
            active: true,
        };
        let Err(Error::Validation(errors)) = validate(&bad, &Targets::public_only()) else {
            panic!("expected validation errors");
        };
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["event_types", "name", "url"]
        );
        let good = EndpointInput {
            name: "Shop".into(),
            url: "https://shop.example.com/hooks".into(),
            event_types: vec!["order.shipped".into(), "*".into()],
            active: true,
        };
        assert_eq!(
            validate(&good, &Targets::public_only()).ok().map(|v| v.2),
            Some("*".to_owned())
        );
    }

    #[test]
    fn a_failure_keeps_a_short_reason_never_an_answer() {
        assert_eq!(Failure::Status(500).reason(), "HTTP 500");
        assert_eq!(Failure::Status(302).status_code(), Some(302));
        assert_eq!(Failure::TimedOut.status_code(), None);
        assert_eq!(Failure::NotAllowed.reason(), messages::WEBHOOK_NOT_ALLOWED);
        let old = format!("<html>\u{1b}[31m secret\r\n\t{}", "x".repeat(500));
        let shown = shown_reason(&old);
        assert!(shown.chars().count() <= REASON_MAX);
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }
}
