//! The customer timeline: one chronological feed of everything that
//! happened with a customer. Any module appends its events here, inside
//! its own transaction, with [`append`]; the customer page renders every
//! kind the same way (a label for the kind, the record's own words, a
//! link), so a new module adds events without touching that page.
//!
//! Each event names the record it is about, read from its link
//! ([`Record::from_link`]), and a viewer sees only the events of records
//! they may open, by the scope of each record's own area: the customer's
//! timeline is not a way round the scope of its orders, tickets or notes.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::IntoColumnRef, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    access::Actor,
    entities::timeline_events,
    Result,
    {
        access::scope::records::{self, Kind, Readable, Record},
        access::users,
        crm::customers,
    },
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
    /// Where the record lives in the UI (`/opportunities/12`); it names
    /// the record, whose scope decides who sees the event.
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
    let record = Record::from_link(&event.link);
    // An event naming no record is shown to nobody: a new kind of event
    // must link to its record.
    debug_assert!(
        record.is_some(),
        "timeline link names no record: {}",
        event.link
    );
    timeline_events::Entity::insert(timeline_events::ActiveModel {
        customer_id: Set(event.customer_id),
        occurred_at: Set(at),
        kind: Set(event.kind.to_owned()),
        summary: Set(summary),
        link: Set(event.link),
        actor_id: Set(actor),
        record_type: Set(record.map(|r| r.kind.as_str().to_owned())),
        record_id: Set(record.map(|r| r.id)),
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

/// The events `actor` may see: those whose record they may open, each
/// kind by its area's scope. In SQL, so a page of the timeline is a page
/// of what the viewer sees. An old activity event whose activity is not
/// known is seen by those who may read every activity.
pub async fn visible(db: &impl ConnectionTrait, actor: &Actor) -> Result<Condition> {
    use timeline_events::Column as C;
    let outer = (timeline_events::Entity, C::RecordId).into_column_ref();
    let mut any = Condition::any();
    for kind in Kind::ALL {
        let of_kind = Condition::all().add(C::RecordType.eq(kind.as_str()));
        match records::readable(db, actor, kind).await? {
            Readable::All => any = any.add(of_kind),
            Readable::Where(condition) => {
                any = any.add(of_kind.add(records::exists(kind, condition, outer.clone())));
            }
            Readable::Nothing => {}
        }
    }
    Ok(any)
}

/// A customer's timeline, newest first, `limit` entries older than
/// `before` (an event id) — the customer must be in the actor's scope,
/// and only the events the actor may see are listed (see [`visible`]).
pub async fn of_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Entry>> {
    customers::get(db, actor, customer_id).await?;
    let viewer = actor;
    let mut query = timeline_events::Entity::find()
        .filter(timeline_events::Column::CustomerId.eq(customer_id))
        .filter(visible(db, viewer).await?)
        .order_by_desc(timeline_events::Column::OccurredAt)
        .order_by_desc(timeline_events::Column::Id)
        .limit(limit.clamp(1, 200));
    if let Some(before) = before {
        if let Some(mark) = timeline_events::Entity::find_by_id(before).one(db).await? {
            query = query.filter(
                Condition::any()
                    .add(timeline_events::Column::OccurredAt.lt(mark.occurred_at))
                    .add(
                        Condition::all()
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
