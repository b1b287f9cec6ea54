//! Endpoints as the admin page shows them, with their delivery counts and
//! last attempt: every endpoint, or one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{DELIVERED, FAILED, PENDING};
use crate::{
    access::{policy, Actor, Permission},
    entities::{webhook_deliveries, webhook_endpoints},
    Error, Result,
};

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

pub(super) async fn views(
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

pub(super) async fn one_view(
    db: &impl ConnectionTrait,
    model: webhook_endpoints::Model,
) -> Result<Endpoint> {
    views(db, vec![model])
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)
}

pub(super) async fn find(db: &impl ConnectionTrait, id: i64) -> Result<webhook_endpoints::Model> {
    webhook_endpoints::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Every endpoint, newest first, with its delivery counts.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Endpoint>> {
    policy::require(actor, Permission::AdminIntegrations)?;
    let models = webhook_endpoints::Entity::find()
        .order_by_desc(webhook_endpoints::Column::Id)
        .all(db)
        .await?;
    views(db, models).await
}

/// One endpoint.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Endpoint> {
    policy::require(actor, Permission::AdminIntegrations)?;
    let model = find(db, id).await?;
    one_view(db, model).await
}
