//! Working a ticket: moving it through its statuses, and replying or
//! noting on it.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    crm::timeline::{self, Event},
    entities::{ticket_comments, tickets},
    messages,
    platform::outbox,
    Error, Result,
};

use super::{
    allows,
    deadlines::refresh_sla,
    in_scope, link,
    resolution::resolution_minutes,
    trail::{event, finish_change, record_status, write_if_unchanged},
    MAX_TEXT, STATUSES,
};

/// Moves a ticket to `to`. Needs `tickets.write`. Resolving makes a
/// one-time satisfaction link; reopening (resolved or closed → open)
/// resumes the SLA clock and withdraws an unused link.
pub async fn set_status(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    to: &str,
) -> Result<tickets::Model> {
    let actor = policy::require(actor, Permission::TicketsWrite)?;
    if !STATUSES.contains(&to) {
        return Err(Error::field("status", messages::STATUS_INVALID));
    }
    let txn = db.begin().await?;
    let before = in_scope(&txn, actor, id, true).await?;
    if before.status == to {
        return Ok(before);
    }
    if !allows(&before.status, to) {
        return Err(Error::Conflict(messages::TICKET_TRANSITION_REFUSED.into()));
    }
    let now = Utc::now();
    let mut row: tickets::ActiveModel = before.clone().into();
    row.status = Set(to.to_owned());
    row.updated_at = Set(now);
    match to {
        "resolved" => {
            row.resolved_at = Set(Some(now));
            row.resolution_minutes = Set(Some(resolution_minutes(before.created_at, now)));
            if before.rating.is_none() {
                row.rating_token = Set(Some(format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                )));
            }
        }
        "closed" => {
            row.closed_at = Set(Some(now));
            if before.resolved_at.is_none() {
                row.resolved_at = Set(Some(now));
                row.resolution_minutes = Set(Some(resolution_minutes(before.created_at, now)));
            }
        }
        "open" if matches!(before.status.as_str(), "resolved" | "closed") => {
            row.resolved_at = Set(None);
            row.resolution_minutes = Set(None);
            row.closed_at = Set(None);
            row.rating_token = Set(None);
        }
        _ => {}
    }
    let after = write_if_unchanged(&txn, &before, row).await?;
    record_status(&txn, id, &before.status, to, Some(actor.user_id), now).await?;
    let after = refresh_sla(&txn, &after, now).await?;
    finish_change(
        &txn,
        actor,
        &before,
        &after,
        "ticket.status",
        Some(format!("{} · {} → {}", after.number, before.status, to)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Replies (public) or notes (internal) on a ticket. Needs `tickets.write`.
/// The first public reply meets the first-response target and opens a new
/// ticket.
pub async fn comment(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    body: &str,
    public: bool,
) -> Result<ticket_comments::Model> {
    let actor = policy::require(actor, Permission::TicketsWrite)?;
    let body = body.trim().to_owned();
    if body.is_empty() {
        return Err(Error::field("body", messages::COMMENT_REQUIRED));
    }
    if body.chars().count() > MAX_TEXT {
        return Err(Error::field("body", messages::TOO_LONG));
    }
    let txn = db.begin().await?;
    let before = in_scope(&txn, actor, id, true).await?;
    let now = Utc::now();
    let created = ticket_comments::ActiveModel {
        ticket_id: Set(id),
        author_id: Set(Some(actor.user_id)),
        author_name: Set(actor.name.clone()),
        public: Set(public),
        body: Set(body.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut row: tickets::ActiveModel = before.clone().into();
    row.updated_at = Set(now);
    let opens = public && before.status == "new";
    if public && before.first_responded_at.is_none() {
        row.first_responded_at = Set(Some(now));
    }
    if opens {
        row.status = Set("open".into());
    }
    let after = write_if_unchanged(&txn, &before, row).await?;
    if opens {
        record_status(&txn, id, "new", "open", Some(actor.user_id), now).await?;
    }
    let after = refresh_sla(&txn, &after, now).await?;
    let excerpt: String = body.chars().take(120).collect();
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            if public {
                "ticket.replied"
            } else {
                "ticket.noted"
            },
            "ticket",
            Some(id.to_string()),
        )
        .after(json!({"comment_id": created.id, "public": public, "body": body})),
    )
    .await?;
    outbox::publish(&txn, "ticket.updated", "ticket", id, event(&after)).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: after.customer_id,
            kind: if public {
                "ticket.replied"
            } else {
                "ticket.noted"
            },
            summary: if public {
                format!("{} · {excerpt}", after.number)
            } else {
                after.number.clone()
            },
            link: link(id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}
