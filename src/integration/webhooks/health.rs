//! The integrations' health for the admin page: outbox backlog, waiting and
//! given-up deliveries, failing endpoints.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::{list::views, FAILED, PENDING};
use crate::{
    access::{policy, Actor, Permission},
    entities::{outbox, webhook_deliveries, webhook_endpoints},
    Result,
};

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

/// Outbox backlog, waiting and given-up deliveries, failing endpoints.
pub async fn health(db: &impl ConnectionTrait, actor: &Actor) -> Result<Health> {
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
