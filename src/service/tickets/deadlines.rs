//! SLA clocks of a ticket: computing them from the status history,
//! storing the deadlines, and the job that alerts before and after a
//! deadline passes.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::notifications,
    entities::{queues, sla_policies, ticket_status_changes, tickets},
    service::service_desk,
    service::sla::{self, Clock},
    Result,
};

use super::{link, BREACHED, BREACHING, SOON_MINUTES};

/// A ticket's two SLA clocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sla {
    /// The policy's name and targets (first response, resolution; minutes).
    pub policy: Option<(String, i32, i32)>,
    /// First response.
    pub response: Option<Clock>,
    /// Resolution.
    pub resolution: Option<Clock>,
}

/// The clocks of a ticket at `now`.
pub(crate) async fn clocks(
    db: &impl ConnectionTrait,
    ticket: &tickets::Model,
    now: DateTime<Utc>,
) -> Result<Sla> {
    let Some(policy) = (match ticket.sla_policy_id {
        Some(id) => sla_policies::Entity::find_by_id(id).one(db).await?,
        None => None,
    }) else {
        return Ok(Sla {
            policy: None,
            response: None,
            resolution: None,
        });
    };
    let calendar = service_desk::load_calendar(db, policy.calendar_id)
        .await?
        .calendar;
    let history: Vec<(DateTime<Utc>, String)> = ticket_status_changes::Entity::find()
        .filter(ticket_status_changes::Column::TicketId.eq(ticket.id))
        .order_by_asc(ticket_status_changes::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.changed_at, c.to_status))
        .collect();
    Ok(Sla {
        response: Some(sla::clock(
            &calendar,
            &history,
            i64::from(policy.first_response_minutes),
            ticket.first_responded_at,
            now,
        )),
        resolution: Some(sla::clock(
            &calendar,
            &history,
            i64::from(policy.resolution_minutes),
            None,
            now,
        )),
        policy: Some((
            policy.name,
            policy.first_response_minutes,
            policy.resolution_minutes,
        )),
    })
}

/// Whether a stopped clock met its target; `None` while it runs or pauses.
fn met(clock: sla::Clock) -> Option<bool> {
    match clock {
        sla::Clock::Met { in_time, .. } => Some(in_time),
        _ => None,
    }
}

/// Recomputes the stored deadlines (for lists and the alert job) after a
/// change, re-arming alerts whose deadline moved out of the warning window.
pub(crate) async fn refresh_sla(
    db: &impl ConnectionTrait,
    ticket: &tickets::Model,
    now: DateTime<Utc>,
) -> Result<tickets::Model> {
    let sla = clocks(db, ticket, now).await?;
    let response_due = sla.response.and_then(|c| c.due());
    let resolution_due = sla.resolution.and_then(|c| c.due());
    let soon = now + Duration::minutes(SOON_MINUTES);
    let rearm = |due: Option<DateTime<Utc>>, alert: i32| {
        if due.is_some_and(|d| d > soon) {
            0
        } else {
            alert
        }
    };
    let mut row: tickets::ActiveModel = ticket.clone().into();
    row.first_response_due = Set(response_due);
    row.resolution_due = Set(resolution_due);
    row.response_alert = Set(rearm(response_due, ticket.response_alert));
    row.resolution_alert = Set(rearm(resolution_due, ticket.resolution_alert));
    row.response_met = Set(sla.response.and_then(met));
    row.resolution_met = Set(sla.resolution.and_then(met));
    Ok(row.update(db).await?)
}

/// Sends "breaching soon" and "breached" notifications to the assignee and
/// the queue's manager, once per clock and stage (a conditional update, so
/// two instances running the job never both send). Returns how many
/// tickets were alerted. Run by the server every few minutes.
pub async fn sla_alerts(db: &impl crate::db::Tx, now: DateTime<Utc>) -> Result<u64> {
    let soon = now + Duration::minutes(SOON_MINUTES);
    let due = tickets::Entity::find()
        .filter(tickets::Column::Status.is_in(["new", "open"]))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(tickets::Column::FirstResponseDue.lte(soon))
                        .add(tickets::Column::ResponseAlert.lt(2)),
                )
                .add(
                    Condition::all()
                        .add(tickets::Column::ResolutionDue.lte(soon))
                        .add(tickets::Column::ResolutionAlert.lt(2)),
                ),
        )
        .order_by_asc(tickets::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let stage = |due: Option<DateTime<Utc>>| match due {
        Some(d) if d <= now => 2,
        Some(d) if d <= soon => 1,
        _ => 0,
    };
    let mut alerted = 0;
    for ticket in due {
        let response = stage(ticket.first_response_due).max(ticket.response_alert);
        let resolution = stage(ticket.resolution_due).max(ticket.resolution_alert);
        if response == ticket.response_alert && resolution == ticket.resolution_alert {
            continue;
        }
        let txn = db.begin().await?;
        let done = tickets::Entity::update_many()
            .col_expr(tickets::Column::ResponseAlert, Expr::value(response))
            .col_expr(tickets::Column::ResolutionAlert, Expr::value(resolution))
            .filter(tickets::Column::Id.eq(ticket.id))
            .filter(tickets::Column::ResponseAlert.eq(ticket.response_alert))
            .filter(tickets::Column::ResolutionAlert.eq(ticket.resolution_alert))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            continue;
        }
        let mut to: BTreeSet<i64> = ticket.assignee_id.into_iter().collect();
        if let Some(q) = ticket.queue_id {
            if let Some(m) = queues::Entity::find_by_id(q)
                .one(&txn)
                .await?
                .and_then(|q| q.manager_id)
            {
                to.insert(m);
            }
        }
        let breached = (response == 2 && ticket.response_alert < 2)
            || (resolution == 2 && ticket.resolution_alert < 2);
        let kind = if breached { BREACHED } else { BREACHING };
        let to: Vec<i64> = to.into_iter().collect();
        notifications::notify(
            &txn,
            &to,
            kind,
            &format!("{} · {}", ticket.number, ticket.subject),
            &link(ticket.id),
        )
        .await?;
        audit::record(
            &txn,
            Who::System,
            Entry::new(kind, "ticket", Some(ticket.id.to_string())).after(
                json!({"response_alert": response, "resolution_alert": resolution, "notified": to}),
            ),
        )
        .await?;
        txn.commit().await?;
        alerted += 1;
    }
    Ok(alerted)
}
