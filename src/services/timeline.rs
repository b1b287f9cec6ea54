//! The customer timeline: one chronological feed of everything that
//! happened with a customer. Any module appends its events here, inside
//! its own transaction, with [`append`]; the customer page renders every
//! kind the same way (a label for the kind, the record's own words, a
//! link), so a new module adds events without touching that page.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::{
    auth::Actor,
    entities::timeline_events,
    services::{customers, users},
    Result,
};

/// One event to append.
#[derive(Clone, Debug)]
pub struct Event {
    /// The customer it concerns.
    pub customer_id: i64,
    /// What happened, `<record>.<verb>` (`opportunity.won`).
    pub kind: &'static str,
    /// The record's own words: a subject, a title, an amount.
    pub summary: String,
    /// Where the record lives in the UI (`/opportunities/12`).
    pub link: String,
}

/// Appends an event, done by `actor` (none for the system), now.
pub async fn append(db: &impl ConnectionTrait, actor: Option<i64>, event: Event) -> Result<()> {
    append_at(db, actor, event, Utc::now()).await
}

/// Appends an event that happened at `at` (demo data and imports).
pub async fn append_at(
    db: &impl ConnectionTrait,
    actor: Option<i64>,
    event: Event,
    at: DateTime<Utc>,
) -> Result<()> {
    let summary: String = event.summary.chars().take(300).collect();
    timeline_events::Entity::insert(timeline_events::ActiveModel {
        customer_id: Set(event.customer_id),
        occurred_at: Set(at),
        kind: Set(event.kind.to_owned()),
        summary: Set(summary),
        link: Set(event.link),
        actor_id: Set(actor),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One entry of a customer's timeline, with who did it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The event.
    pub event: timeline_events::Model,
    /// Who did it, by name.
    pub actor_name: Option<String>,
}

/// A customer's timeline, newest first, `limit` entries older than
/// `before` (an event id) — the customer must be in the actor's scope.
pub async fn of_customer(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    customer_id: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Entry>> {
    customers::get(db, actor, customer_id).await?;
    let mut query = timeline_events::Entity::find()
        .filter(timeline_events::Column::CustomerId.eq(customer_id))
        .order_by_desc(timeline_events::Column::OccurredAt)
        .order_by_desc(timeline_events::Column::Id)
        .limit(limit.clamp(1, 200));
    if let Some(before) = before {
        if let Some(mark) = timeline_events::Entity::find_by_id(before).one(db).await? {
            query = query.filter(
                sea_orm::Condition::any()
                    .add(timeline_events::Column::OccurredAt.lt(mark.occurred_at))
                    .add(
                        sea_orm::Condition::all()
                            .add(timeline_events::Column::OccurredAt.eq(mark.occurred_at))
                            .add(timeline_events::Column::Id.lt(mark.id)),
                    ),
            );
        }
    }
    let events = query.all(db).await?;
    let ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    let names = users::names(db, ids).await?;
    Ok(events
        .into_iter()
        .map(|event| Entry {
            actor_name: event.actor_id.and_then(|id| names.get(&id).cloned()),
            event,
        })
        .collect())
}
