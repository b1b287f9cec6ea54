//! How a change is written and recorded: the conditional write that
//! refuses concurrent edits, the status history, and the audit, outbox and
//! timeline entries of every change.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::{
    access::audit::{self, Entry, Who},
    access::Actor,
    crm::timeline::{self, Event},
    entities::{ticket_status_changes, tickets},
    messages,
    platform::outbox,
    Error, Result,
};

use super::{link, rating_link};

pub(super) fn snapshot(t: &tickets::Model) -> Value {
    json!({
        "number": t.number, "customer_id": t.customer_id, "contact_id": t.contact_id,
        "order_id": t.order_id, "shipment_id": t.shipment_id, "kind": t.kind, "channel": t.channel,
        "subject": t.subject, "priority": t.priority, "status": t.status, "queue_id": t.queue_id,
        "assignee_id": t.assignee_id, "tags": t.tags, "sla_policy_id": t.sla_policy_id,
    })
}

pub(super) fn event(t: &tickets::Model) -> Value {
    json!({
        "number": t.number, "customer_id": t.customer_id, "order_id": t.order_id,
        "kind": t.kind, "channel": t.channel, "subject": t.subject, "priority": t.priority,
        "status": t.status, "queue_id": t.queue_id, "assignee_id": t.assignee_id,
        "first_response_due": t.first_response_due, "resolution_due": t.resolution_due,
    })
}

pub(super) async fn record_status(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    from: &str,
    to: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    ticket_status_changes::Entity::insert(ticket_status_changes::ActiveModel {
        ticket_id: Set(ticket_id),
        from_status: Set(from.to_owned()),
        to_status: Set(to.to_owned()),
        changed_by: Set(by),
        changed_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Writes `row` if the ticket is still as `before` (its `updated_at`), or
/// refuses: someone else changed it meanwhile.
pub(super) async fn write_if_unchanged(
    db: &impl ConnectionTrait,
    before: &tickets::Model,
    row: tickets::ActiveModel,
) -> Result<tickets::Model> {
    let done = tickets::Entity::update_many()
        .set(row)
        .filter(tickets::Column::Id.eq(before.id))
        .filter(tickets::Column::UpdatedAt.eq(before.updated_at))
        .filter(tickets::Column::Status.eq(before.status.clone()))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict(messages::TICKET_CHANGED.into()));
    }
    tickets::Entity::find_by_id(before.id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Audit, outbox and timeline of a change.
pub(super) async fn finish_change(
    db: &impl ConnectionTrait,
    actor: &Actor,
    before: &tickets::Model,
    after: &tickets::Model,
    action: &'static str,
    summary: Option<String>,
) -> Result<()> {
    audit::record(
        db,
        Who::Actor(actor),
        Entry::new(action, "ticket", Some(after.id.to_string()))
            .before(snapshot(before))
            .after(snapshot(after)),
    )
    .await?;
    outbox::publish(db, "ticket.updated", "ticket", after.id, event(after)).await?;
    if after.status == "resolved" && before.status != "resolved" {
        let mut payload = event(after);
        if let Some(token) = &after.rating_token {
            payload["rating_link"] = json!(rating_link(token));
            payload["requester_email"] = json!(after.requester_email);
        }
        outbox::publish(db, "ticket.resolved", "ticket", after.id, payload).await?;
    }
    timeline::append(
        db,
        Some(actor.user_id),
        Event {
            customer_id: after.customer_id,
            kind: action,
            summary: summary.unwrap_or_else(|| format!("{} · {}", after.number, after.subject)),
            link: link(after.id),
        },
    )
    .await
}
