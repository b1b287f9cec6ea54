//! The outbox: events other systems may care about (order confirmed,
//! shipped, stock changed), written in the same transaction as the change,
//! so an event exists exactly when its change does. Delivery (webhooks)
//! reads this table; it never blocks the business transaction.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::Value;

use crate::{entities::outbox, Result};

/// Appends an event; call it with the transaction of the change.
pub async fn publish(
    db: &impl ConnectionTrait,
    event_type: &str,
    aggregate: &str,
    aggregate_id: impl ToString,
    payload: Value,
) -> Result<()> {
    outbox::Entity::insert(outbox::ActiveModel {
        event_type: Set(event_type.to_owned()),
        aggregate: Set(aggregate.to_owned()),
        aggregate_id: Set(aggregate_id.to_string()),
        payload: Set(payload.to_string()),
        created_at: Set(Utc::now()),
        published_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Events of one record, oldest first (for tests and the record's page).
pub async fn of(
    db: &impl ConnectionTrait,
    aggregate: &str,
    aggregate_id: impl ToString,
) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Aggregate.eq(aggregate))
        .filter(outbox::Column::AggregateId.eq(aggregate_id.to_string()))
        .order_by_asc(outbox::Column::Id)
        .limit(1000)
        .all(db)
        .await?)
}
