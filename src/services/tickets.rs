//! Service tickets: who asked about what (a customer, optionally one of its
//! orders and shipments), through which channel, how urgent; replies and
//! internal notes; a status history the SLA clocks are computed from;
//! assignment by hand or round-robin; the ERP panel support reads inside a
//! ticket; the satisfaction link sent when a ticket is resolved.
//!
//! Every change is audited, published to the outbox and appended to the
//! customer's timeline in its own transaction. Concurrent edits are
//! refused rather than lost: each write is conditional on the row as read.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, Func, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{json, Value};

use crate::{
    auth::{policy, Actor, Permission},
    entities::{
        contacts, credit_notes, customers, invoices, queue_members, queues, sales_order_lines,
        sales_orders, shipments, sla_policies, ticket_comments, ticket_returns,
        ticket_status_changes, tickets, users,
    },
    messages,
    services::{
        audit::{self, Entry, Who},
        invoices as invoice_service, normalize, notifications, numbers, orders, outbox,
        page::{paginate_after, Page},
        scope, service_desk,
        sla::{self, Clock},
        timeline::{self, Event},
        users::validate_email,
    },
    Error, FieldErrors, Result,
};

/// Kinds of ticket.
pub const KINDS: [&str; 4] = ["request", "complaint", "return", "question"];
/// Where a ticket came from.
pub const CHANNELS: [&str; 5] = ["web", "email", "phone", "social", "api"];
/// Statuses, in their usual order.
pub const STATUSES: [&str; 5] = ["new", "open", "waiting", "resolved", "closed"];
/// Statuses of tickets still being worked on.
pub const ACTIVE: [&str; 3] = ["new", "open", "waiting"];
/// How long before a deadline "breaching soon" starts (minutes).
pub const SOON_MINUTES: i64 = 60;
/// Longest description or comment.
pub const MAX_TEXT: usize = 10_000;

/// Notification kinds.
pub const BREACHING: &str = "ticket.breaching";
/// A deadline passed.
pub const BREACHED: &str = "ticket.breached";
/// A ticket was assigned to the reader.
pub const ASSIGNED: &str = "ticket.assigned";

/// Where a ticket lives in the UI.
pub fn link(id: i64) -> String {
    format!("/tickets/{id}")
}

/// Where the requester rates a resolved ticket.
pub fn rating_link(token: &str) -> String {
    format!("/rate/{token}")
}

/// Whole minutes from a ticket's creation to its resolution, never
/// negative: what `tickets.resolution_minutes` holds, so the mean
/// resolution time is summed in the database on either engine.
pub fn resolution_minutes(created: DateTime<Utc>, resolved: DateTime<Utc>) -> i64 {
    (resolved - created).num_minutes().max(0)
}

/// Whether a ticket may go from `from` to `to` (reopen is resolved or
/// closed → open).
pub fn allows(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("new", "open" | "waiting" | "resolved" | "closed")
            | ("open", "waiting" | "resolved" | "closed")
            | ("waiting", "open" | "resolved" | "closed")
            | ("resolved", "open" | "closed")
            | ("closed", "open")
    )
}

/// Readers' record scope: everything with `tickets.read_all`; otherwise
/// the tickets assigned to them, in their queues or created by them.
pub(crate) async fn scope_condition(db: &impl ConnectionTrait, actor: &Actor) -> Result<Condition> {
    if actor.has(Permission::TicketsReadAll) {
        return Ok(Condition::all());
    }
    let mine: Vec<i64> = queue_members::Entity::find()
        .filter(queue_members::Column::UserId.eq(actor.user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.queue_id)
        .collect();
    let mut any = Condition::any()
        .add(tickets::Column::AssigneeId.eq(actor.user_id))
        .add(tickets::Column::CreatedBy.eq(actor.user_id));
    if !mine.is_empty() {
        any = any.add(tickets::Column::QueueId.is_in(mine));
    }
    Ok(any)
}

fn reader(actor: Option<&Actor>) -> Result<&Actor> {
    policy::require_any(
        actor,
        &[Permission::TicketsRead, Permission::TicketsReadAll],
    )
}

/// A ticket in the actor's scope.
pub(crate) async fn in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    lock: bool,
) -> Result<tickets::Model> {
    let mut query = tickets::Entity::find_by_id(id).filter(scope_condition(db, actor).await?);
    if lock {
        query = query.lock(LockType::NoKeyUpdate);
    }
    query.one(db).await?.ok_or(Error::NotFound)
}

/// What a ticket form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketInput {
    /// The customer.
    pub customer_id: Option<i64>,
    /// One of its contacts.
    pub contact_id: Option<i64>,
    /// The requester's name (when not a contact).
    pub requester_name: String,
    /// The requester's email.
    pub requester_email: String,
    /// The order it concerns.
    pub order_id: Option<i64>,
    /// The shipment it concerns.
    pub shipment_id: Option<i64>,
    /// One of [`KINDS`].
    pub kind: String,
    /// One of [`CHANNELS`].
    pub channel: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// One of [`service_desk::PRIORITIES`].
    pub priority: String,
    /// The queue.
    pub queue_id: Option<i64>,
    /// The agent.
    pub assignee_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// A validated ticket.
#[derive(Clone, Debug)]
pub(crate) struct Valid {
    pub customer: customers::Model,
    pub contact_id: Option<i64>,
    pub requester_name: String,
    pub requester_email: String,
    pub order_id: Option<i64>,
    pub shipment_id: Option<i64>,
    pub kind: String,
    pub channel: String,
    pub subject: String,
    pub description: String,
    pub priority: String,
    pub queue_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub tags: String,
}

fn tags_of(input: &[String], errors: &mut FieldErrors) -> String {
    normalize::tag_list(input).unwrap_or_else(|| {
        errors.insert("tags".into(), messages::TAG_INVALID.into());
        String::new()
    })
}

/// Checks that an order (and a shipment) belong to a customer.
async fn check_links(
    db: &impl ConnectionTrait,
    customer_id: i64,
    order_id: Option<i64>,
    shipment_id: Option<i64>,
    errors: &mut FieldErrors,
) -> Result<()> {
    if let Some(order_id) = order_id {
        let ok = sales_orders::Entity::find_by_id(order_id)
            .one(db)
            .await?
            .is_some_and(|o| o.customer_id == customer_id);
        if !ok {
            errors.insert("order_id".into(), messages::ORDER_NOT_CUSTOMERS.into());
        }
    }
    if let Some(shipment_id) = shipment_id {
        let order = match shipments::Entity::find_by_id(shipment_id).one(db).await? {
            Some(s) => sales_orders::Entity::find_by_id(s.order_id).one(db).await?,
            None => None,
        };
        let ok = order
            .is_some_and(|o| o.customer_id == customer_id && order_id.is_none_or(|id| id == o.id));
        if !ok {
            errors.insert("shipment_id".into(), messages::SHIPMENT_NOT_ORDERS.into());
        }
    }
    Ok(())
}

pub(crate) async fn validate(db: &impl ConnectionTrait, input: &TicketInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let customer = match input.customer_id {
        Some(id) => customers::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if customer.is_none() {
        errors.insert("customer_id".into(), messages::CUSTOMER_MISSING.into());
    }
    let subject = input.subject.trim().to_owned();
    if subject.is_empty() {
        errors.insert("subject".into(), messages::SUBJECT_REQUIRED.into());
    } else if subject.chars().count() > 200 {
        errors.insert("subject".into(), messages::MAX_200.into());
    }
    let description = input.description.trim().to_owned();
    if description.chars().count() > MAX_TEXT {
        errors.insert("description".into(), messages::TOO_LONG.into());
    }
    if !KINDS.contains(&input.kind.as_str()) {
        errors.insert("kind".into(), messages::CHOICE_INVALID.into());
    }
    if !CHANNELS.contains(&input.channel.as_str()) {
        errors.insert("channel".into(), messages::CHANNEL_INVALID.into());
    }
    if !service_desk::PRIORITIES.contains(&input.priority.as_str()) {
        errors.insert("priority".into(), messages::CHOICE_INVALID.into());
    }
    let requester_name = input.requester_name.trim().to_owned();
    if requester_name.chars().count() > 200 {
        errors.insert("requester_name".into(), messages::MAX_200.into());
    }
    let requester_email = match input.requester_email.trim() {
        "" => String::new(),
        text => match validate_email(text) {
            Ok(e) => e,
            Err(_) => {
                errors.insert("requester_email".into(), messages::EMAIL_INVALID.into());
                String::new()
            }
        },
    };
    let tags = tags_of(&input.tags, &mut errors);
    if let Some(customer) = &customer {
        if let Some(contact_id) = input.contact_id {
            let ok = contacts::Entity::find_by_id(contact_id)
                .one(db)
                .await?
                .is_some_and(|c| c.customer_id == customer.id);
            if !ok {
                errors.insert("contact_id".into(), messages::CONTACT_MISMATCH.into());
            }
        }
        check_links(
            db,
            customer.id,
            input.order_id,
            input.shipment_id,
            &mut errors,
        )
        .await?;
    }
    if let Some(queue_id) = input.queue_id {
        if queues::Entity::find_by_id(queue_id)
            .one(db)
            .await?
            .is_none()
        {
            errors.insert("queue_id".into(), messages::QUEUE_MISSING.into());
        }
    }
    if let Some(assignee) = input.assignee_id {
        let active = users::Entity::find_by_id(assignee)
            .one(db)
            .await?
            .is_some_and(|u| u.active);
        if !active {
            errors.insert("assignee_id".into(), messages::OWNER_INVALID.into());
        }
    }
    match customer {
        Some(customer) if errors.is_empty() => Ok(Valid {
            customer,
            contact_id: input.contact_id,
            requester_name,
            requester_email,
            order_id: input.order_id,
            shipment_id: input.shipment_id,
            kind: input.kind.clone(),
            channel: input.channel.clone(),
            subject,
            description,
            priority: input.priority.clone(),
            queue_id: input.queue_id,
            assignee_id: input.assignee_id,
            tags,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

/// Creates a ticket. Needs `tickets.write`; giving it to someone else
/// needs `tickets.assign`. Without an assignee, a round-robin queue picks one.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    input: &TicketInput,
) -> Result<tickets::Model> {
    let actor = policy::require(actor, Permission::TicketsWrite)?;
    if input
        .assignee_id
        .is_some_and(|a| a != actor.user_id && !actor.has(Permission::TicketsAssign))
    {
        return Err(Error::Forbidden);
    }
    let txn = db.begin().await?;
    let valid = validate(&txn, input).await?;
    let created = insert(&txn, Some(actor), &valid, Utc::now()).await?;
    txn.commit().await?;
    Ok(created)
}

/// Inserts a validated ticket created at `at` by `actor` (none: the public
/// form), inside the caller's transaction.
pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    actor: Option<&Actor>,
    valid: &Valid,
    at: DateTime<Utc>,
) -> Result<tickets::Model> {
    let number = numbers::next(txn, "TCK", at.year()).await?;
    let policy = service_desk::policy_for(txn, &valid.priority, &valid.customer.segment).await?;
    let assignee = match (valid.assignee_id, valid.queue_id) {
        (Some(a), _) => Some(a),
        (None, Some(queue)) => service_desk::next_agent(txn, queue).await?,
        (None, None) => None,
    };
    let created = tickets::ActiveModel {
        number: Set(number),
        customer_id: Set(valid.customer.id),
        contact_id: Set(valid.contact_id),
        requester_name: Set(valid.requester_name.clone()),
        requester_email: Set(valid.requester_email.clone()),
        order_id: Set(valid.order_id),
        shipment_id: Set(valid.shipment_id),
        kind: Set(valid.kind.clone()),
        channel: Set(valid.channel.clone()),
        subject: Set(valid.subject.clone()),
        description: Set(valid.description.clone()),
        priority: Set(valid.priority.clone()),
        status: Set("new".into()),
        queue_id: Set(valid.queue_id),
        assignee_id: Set(assignee),
        tags: Set(valid.tags.clone()),
        sla_policy_id: Set(policy.as_ref().map(|p| p.id)),
        first_response_due: Set(None),
        resolution_due: Set(None),
        first_responded_at: Set(None),
        resolved_at: Set(None),
        resolution_minutes: Set(None),
        closed_at: Set(None),
        response_alert: Set(0),
        resolution_alert: Set(0),
        rating: Set(None),
        rating_comment: Set(String::new()),
        rated_at: Set(None),
        rating_token: Set(None),
        created_by: Set(actor.map(|a| a.user_id)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    record_status(txn, created.id, "", "new", actor.map(|a| a.user_id), at).await?;
    let created = refresh_sla(txn, &created, at).await?;
    let who = actor.map_or(Who::System, Who::Actor);
    audit::record(
        txn,
        who,
        Entry::new("ticket.created", "ticket", Some(created.id.to_string()))
            .after(snapshot(&created)),
    )
    .await?;
    outbox::publish(txn, "ticket.created", "ticket", created.id, event(&created)).await?;
    timeline::append_at(
        txn,
        actor.map(|a| a.user_id),
        Event {
            customer_id: created.customer_id,
            kind: "ticket.created",
            summary: format!("{} · {}", created.number, created.subject),
            link: link(created.id),
        },
        at,
    )
    .await?;
    if let Some(assignee) = assignee.filter(|a| Some(*a) != actor.map(|x| x.user_id)) {
        notifications::notify(
            txn,
            &[assignee],
            ASSIGNED,
            &format!("{} · {}", created.number, created.subject),
            &link(created.id),
        )
        .await?;
    }
    Ok(created)
}

fn snapshot(t: &tickets::Model) -> Value {
    json!({
        "number": t.number, "customer_id": t.customer_id, "contact_id": t.contact_id,
        "order_id": t.order_id, "shipment_id": t.shipment_id, "kind": t.kind, "channel": t.channel,
        "subject": t.subject, "priority": t.priority, "status": t.status, "queue_id": t.queue_id,
        "assignee_id": t.assignee_id, "tags": t.tags, "sla_policy_id": t.sla_policy_id,
    })
}

fn event(t: &tickets::Model) -> Value {
    json!({
        "number": t.number, "customer_id": t.customer_id, "order_id": t.order_id,
        "kind": t.kind, "channel": t.channel, "subject": t.subject, "priority": t.priority,
        "status": t.status, "queue_id": t.queue_id, "assignee_id": t.assignee_id,
        "first_response_due": t.first_response_due, "resolution_due": t.resolution_due,
    })
}

async fn record_status(
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

/// Writes `row` if the ticket is still as `before` (its `updated_at`), or
/// refuses: someone else changed it meanwhile.
async fn write_if_unchanged(
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

/// What the ticket's edit form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketUpdate {
    /// Kind.
    pub kind: String,
    /// Priority.
    pub priority: String,
    /// Subject.
    pub subject: String,
    /// Contact.
    pub contact_id: Option<i64>,
    /// Order.
    pub order_id: Option<i64>,
    /// Shipment.
    pub shipment_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// Edits a ticket's classification and links. Needs `tickets.write`. A
/// new priority picks the SLA policy again.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    input: &TicketUpdate,
) -> Result<tickets::Model> {
    let actor = policy::require(actor, Permission::TicketsWrite)?;
    let txn = db.begin().await?;
    let before = in_scope(&txn, actor, id, true).await?;
    let mut errors = FieldErrors::new();
    let subject = input.subject.trim().to_owned();
    if subject.is_empty() {
        errors.insert("subject".into(), messages::SUBJECT_REQUIRED.into());
    } else if subject.chars().count() > 200 {
        errors.insert("subject".into(), messages::MAX_200.into());
    }
    if !KINDS.contains(&input.kind.as_str()) {
        errors.insert("kind".into(), messages::CHOICE_INVALID.into());
    }
    if !service_desk::PRIORITIES.contains(&input.priority.as_str()) {
        errors.insert("priority".into(), messages::CHOICE_INVALID.into());
    }
    let tags = tags_of(&input.tags, &mut errors);
    if let Some(contact_id) = input.contact_id {
        let ok = contacts::Entity::find_by_id(contact_id)
            .one(&txn)
            .await?
            .is_some_and(|c| c.customer_id == before.customer_id);
        if !ok {
            errors.insert("contact_id".into(), messages::CONTACT_MISMATCH.into());
        }
    }
    check_links(
        &txn,
        before.customer_id,
        input.order_id,
        input.shipment_id,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let now = Utc::now();
    let mut row: tickets::ActiveModel = before.clone().into();
    row.kind = Set(input.kind.clone());
    row.subject = Set(subject);
    row.contact_id = Set(input.contact_id);
    row.order_id = Set(input.order_id);
    row.shipment_id = Set(input.shipment_id);
    row.tags = Set(tags);
    row.updated_at = Set(now);
    if input.priority != before.priority {
        let customer = customers::Entity::find_by_id(before.customer_id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        let policy = service_desk::policy_for(&txn, &input.priority, &customer.segment).await?;
        row.priority = Set(input.priority.clone());
        row.sla_policy_id = Set(policy.map(|p| p.id));
    }
    let after = write_if_unchanged(&txn, &before, row).await?;
    let after = refresh_sla(&txn, &after, now).await?;
    finish_change(&txn, actor, &before, &after, "ticket.updated", None).await?;
    txn.commit().await?;
    Ok(after)
}

/// Audit, outbox and timeline of a change.
async fn finish_change(
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

/// Moves a ticket to `to`. Needs `tickets.write`. Resolving makes a
/// one-time satisfaction link; reopening (resolved or closed → open)
/// resumes the SLA clock and withdraws an unused link.
pub async fn set_status(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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

/// Puts a ticket in a queue and/or with an agent (none: unassigned).
/// Needs `tickets.assign`; the new assignee is notified.
pub async fn assign(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    queue_id: Option<i64>,
    assignee_id: Option<i64>,
) -> Result<tickets::Model> {
    let actor = policy::require(actor, Permission::TicketsAssign)?;
    let txn = db.begin().await?;
    let before = in_scope(&txn, actor, id, true).await?;
    if let Some(q) = queue_id {
        if queues::Entity::find_by_id(q).one(&txn).await?.is_none() {
            return Err(Error::field("queue_id", messages::QUEUE_MISSING));
        }
    }
    if let Some(a) = assignee_id {
        let active = users::Entity::find_by_id(a)
            .one(&txn)
            .await?
            .is_some_and(|u| u.active);
        if !active {
            return Err(Error::field("assignee_id", messages::OWNER_INVALID));
        }
    }
    let now = Utc::now();
    let mut row: tickets::ActiveModel = before.clone().into();
    row.queue_id = Set(queue_id);
    row.assignee_id = Set(assignee_id);
    row.updated_at = Set(now);
    let after = write_if_unchanged(&txn, &before, row).await?;
    let name = match assignee_id {
        Some(a) => users::Entity::find_by_id(a)
            .one(&txn)
            .await?
            .map(|u| u.name),
        None => None,
    };
    finish_change(
        &txn,
        actor,
        &before,
        &after,
        "ticket.assigned",
        Some(format!(
            "{} · {}",
            after.number,
            name.unwrap_or_else(|| "—".into())
        )),
    )
    .await?;
    if let Some(a) = assignee_id.filter(|a| Some(*a) != before.assignee_id && *a != actor.user_id) {
        notifications::notify(
            &txn,
            &[a],
            ASSIGNED,
            &format!("{} · {}", after.number, after.subject),
            &link(id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Which tickets a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// `mine` (assigned to me), `unassigned`, `breaching` (a deadline
    /// within the next hour or past), or anything else for all.
    pub view: String,
    /// Status (empty: the view's default — active ones except for all).
    pub status: String,
    /// Priority.
    pub priority: String,
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Queue.
    pub queue_id: Option<i64>,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Number or words of the subject.
    pub q: Option<String>,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// A row of a ticket list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRow {
    /// The ticket.
    pub ticket: tickets::Model,
    /// Customer name.
    pub customer: String,
    /// Assignee name.
    pub assignee: Option<String>,
    /// Queue name.
    pub queue: Option<String>,
}

/// A page of tickets in the actor's scope.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    filter: &TicketFilter,
    now: DateTime<Utc>,
) -> Result<Page<TicketRow>> {
    let actor = reader(actor)?;
    let mut query = tickets::Entity::find().filter(scope_condition(db, actor).await?);
    let active_only = |q: sea_orm::Select<tickets::Entity>| {
        if filter.status.is_empty() {
            q.filter(tickets::Column::Status.is_in(ACTIVE))
        } else {
            q
        }
    };
    let soon = now + Duration::minutes(SOON_MINUTES);
    query = match filter.view.as_str() {
        "mine" => active_only(query.filter(tickets::Column::AssigneeId.eq(actor.user_id)))
            .order_by_asc(tickets::Column::ResolutionDue),
        "unassigned" => active_only(query.filter(tickets::Column::AssigneeId.is_null()))
            .order_by_asc(tickets::Column::Id),
        "breaching" => active_only(
            query.filter(
                Condition::any()
                    .add(tickets::Column::FirstResponseDue.lte(soon))
                    .add(tickets::Column::ResolutionDue.lte(soon)),
            ),
        )
        .order_by_asc(tickets::Column::ResolutionDue),
        _ => query,
    };
    if !filter.status.is_empty() {
        query = query.filter(tickets::Column::Status.eq(filter.status.clone()));
    }
    if !filter.priority.is_empty() {
        query = query.filter(tickets::Column::Priority.eq(filter.priority.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(tickets::Column::Kind.eq(filter.kind.clone()));
    }
    if !filter.channel.is_empty() {
        query = query.filter(tickets::Column::Channel.eq(filter.channel.clone()));
    }
    if let Some(q) = filter.queue_id {
        query = query.filter(tickets::Column::QueueId.eq(q));
    }
    if let Some(c) = filter.customer_id {
        query = query.filter(tickets::Column::CustomerId.eq(c));
    }
    if let Some(text) = scope::search_text(filter.q.as_deref())? {
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(tickets::Column::Number)))
                        .like(format!("{text}%")),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(tickets::Column::Subject)))
                        .like(format!("%{text}%")),
                ),
        );
    }
    let page = paginate_after(
        db,
        query.order_by_desc(tickets::Column::Id),
        tickets::Column::Id,
        filter.after,
        filter.page,
        filter.per_page.max(1),
        100,
    )
    .await?;
    let customer_ids: BTreeSet<i64> = page.items.iter().map(|t| t.customer_id).collect();
    let customers: BTreeMap<i64, String> = customers::Entity::find()
        .filter(customers::Column::Id.is_in(customer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let user_ids: BTreeSet<i64> = page.items.iter().filter_map(|t| t.assignee_id).collect();
    let names: BTreeMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let queue_names: BTreeMap<i64, String> = queues::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|q| (q.id, q.name))
        .collect();
    Ok(page.map(|t| TicketRow {
        customer: customers.get(&t.customer_id).cloned().unwrap_or_default(),
        assignee: t.assignee_id.and_then(|a| names.get(&a).cloned()),
        queue: t.queue_id.and_then(|q| queue_names.get(&q).cloned()),
        ticket: t,
    }))
}

/// One status change, with who made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// From (empty: created).
    pub from: String,
    /// To.
    pub to: String,
    /// Who.
    pub by: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Everything a ticket page shows about the ticket itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: tickets::Model,
    /// (code, name) of the customer.
    pub customer: (String, String),
    /// Contact name.
    pub contact: Option<String>,
    /// (number, state) of the order.
    pub order: Option<(String, String)>,
    /// (number, carrier, tracking) of the shipment.
    pub shipment: Option<(String, String, String)>,
    /// Queue name.
    pub queue: Option<String>,
    /// Assignee name.
    pub assignee: Option<String>,
    /// Replies and notes, oldest first.
    pub comments: Vec<ticket_comments::Model>,
    /// Status history, oldest first.
    pub history: Vec<StatusChange>,
    /// The clocks now.
    pub sla: Sla,
    /// Returns requested on it.
    pub returns: Vec<ticket_returns::Model>,
    /// (id, number, total, currency) of the credit notes issued from it.
    pub credit_notes: Vec<(i64, String, i64, String)>,
}

/// A ticket with its comments, history, clocks and links.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<TicketDetail> {
    let actor = reader(actor)?;
    let ticket = in_scope(db, actor, id, false).await?;
    let customer = customers::Entity::find_by_id(ticket.customer_id)
        .one(db)
        .await?
        .map(|c| (c.code, c.name))
        .unwrap_or_default();
    let contact = match ticket.contact_id {
        Some(c) => contacts::Entity::find_by_id(c)
            .one(db)
            .await?
            .map(|c| c.name),
        None => None,
    };
    let order = match ticket.order_id {
        Some(o) => sales_orders::Entity::find_by_id(o)
            .one(db)
            .await?
            .map(|o| (o.number, o.state)),
        None => None,
    };
    let shipment = match ticket.shipment_id {
        Some(s) => shipments::Entity::find_by_id(s)
            .one(db)
            .await?
            .map(|s| (s.number, s.carrier, s.tracking)),
        None => None,
    };
    let queue = match ticket.queue_id {
        Some(q) => queues::Entity::find_by_id(q).one(db).await?.map(|q| q.name),
        None => None,
    };
    let comments = ticket_comments::Entity::find()
        .filter(ticket_comments::Column::TicketId.eq(id))
        .order_by_asc(ticket_comments::Column::Id)
        .all(db)
        .await?;
    let changes = ticket_status_changes::Entity::find()
        .filter(ticket_status_changes::Column::TicketId.eq(id))
        .order_by_asc(ticket_status_changes::Column::Id)
        .all(db)
        .await?;
    let ids: BTreeSet<i64> = changes
        .iter()
        .filter_map(|c| c.changed_by)
        .chain(ticket.assignee_id)
        .collect();
    let names: BTreeMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let history = changes
        .into_iter()
        .map(|c| StatusChange {
            from: c.from_status,
            to: c.to_status,
            by: c.changed_by.and_then(|b| names.get(&b).cloned()),
            at: c.changed_at,
        })
        .collect();
    let returns = ticket_returns::Entity::find()
        .filter(ticket_returns::Column::TicketId.eq(id))
        .order_by_asc(ticket_returns::Column::Id)
        .all(db)
        .await?;
    let credit_notes = credit_notes::Entity::find()
        .filter(credit_notes::Column::TicketId.eq(id))
        .order_by_asc(credit_notes::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.invoice_id, c.number, c.total_minor, c.currency))
        .collect();
    let sla = clocks(db, &ticket, now).await?;
    Ok(TicketDetail {
        assignee: ticket.assignee_id.and_then(|a| names.get(&a).cloned()),
        customer,
        contact,
        order,
        shipment,
        queue,
        comments,
        history,
        sla,
        returns,
        credit_notes,
        ticket,
    })
}

/// An order line as the ERP panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelLine {
    /// Order line.
    pub line_id: i64,
    /// Product id.
    pub product_id: i64,
    /// Description.
    pub description: String,
    /// Ordered.
    pub quantity: i64,
    /// Shipped.
    pub shipped: i64,
    /// Invoiced.
    pub invoiced: i64,
    /// Returned.
    pub returned: i64,
}

/// An order in the ERP panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelOrder {
    /// The order.
    pub order: sales_orders::Model,
    /// Its lines.
    pub lines: Vec<PanelLine>,
}

/// What the ERP knows about a ticket's customer: recent orders with their
/// lines, shipments with carrier and tracking, invoices with what they
/// owe, previous tickets. Each part shows only if the reader may see that
/// area (support may, by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Panel {
    /// Recent orders, newest first.
    pub orders: Vec<PanelOrder>,
    /// Shipments of those orders, newest first.
    pub shipments: Vec<(shipments::Model, String)>,
    /// Recent invoices, newest first, with what they owe.
    pub invoices: Vec<(invoices::Model, i64)>,
    /// Other tickets of the customer, newest first.
    pub tickets: Vec<tickets::Model>,
}

/// How many of each the panel lists.
const PANEL_ROWS: u64 = 10;

/// The ERP panel of a ticket.
pub async fn panel(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<Panel> {
    let actor = reader(actor)?;
    let ticket = in_scope(db, actor, id, false).await?;
    let customer_id = ticket.customer_id;
    let mut panel = Panel::default();
    if let Ok(scope) = orders::scope_of(Some(actor)) {
        let found = sales_orders::Entity::find()
            .filter(sales_orders::Column::CustomerId.eq(customer_id))
            .filter(scope::owned(scope, sales_orders::Column::OwnerId))
            .filter(sales_orders::Column::State.ne("draft"))
            .order_by_desc(sales_orders::Column::Id)
            .limit(PANEL_ROWS)
            .all(db)
            .await?;
        let ids: Vec<i64> = found.iter().map(|o| o.id).collect();
        let lines = sales_order_lines::Entity::find()
            .filter(sales_order_lines::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(sales_order_lines::Column::LineNo)
            .all(db)
            .await?;
        if actor.has(Permission::ShipmentsRead) {
            let numbers: BTreeMap<i64, String> =
                found.iter().map(|o| (o.id, o.number.clone())).collect();
            panel.shipments = shipments::Entity::find()
                .filter(shipments::Column::OrderId.is_in(ids))
                .order_by_desc(shipments::Column::Id)
                .limit(PANEL_ROWS)
                .all(db)
                .await?
                .into_iter()
                .map(|s| {
                    let number = numbers.get(&s.order_id).cloned().unwrap_or_default();
                    (s, number)
                })
                .collect();
        }
        panel.orders = found
            .into_iter()
            .map(|order| PanelOrder {
                lines: lines
                    .iter()
                    .filter(|l| l.order_id == order.id)
                    .map(|l| PanelLine {
                        line_id: l.id,
                        product_id: l.product_id,
                        description: l.description.clone(),
                        quantity: l.quantity,
                        shipped: l.shipped,
                        invoiced: l.invoiced,
                        returned: l.returned,
                    })
                    .collect(),
                order,
            })
            .collect();
    }
    if let Ok(scope) = invoice_service::scope_of(Some(actor)) {
        panel.invoices = invoices::Entity::find()
            .filter(invoices::Column::CustomerId.eq(customer_id))
            .filter(scope::owned(scope, invoices::Column::OwnerId))
            .order_by_desc(invoices::Column::Id)
            .limit(PANEL_ROWS)
            .all(db)
            .await?
            .into_iter()
            .map(|i| {
                let owed = invoice_service::owed(&i);
                (i, owed)
            })
            .collect();
    }
    panel.tickets = tickets::Entity::find()
        .filter(tickets::Column::CustomerId.eq(customer_id))
        .filter(tickets::Column::Id.ne(id))
        .filter(scope_condition(db, actor).await?)
        .order_by_desc(tickets::Column::Id)
        .limit(PANEL_ROWS)
        .all(db)
        .await?;
    Ok(panel)
}

/// The tickets of one customer (the customer page's tab), newest first.
pub async fn of_customer(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    customer_id: i64,
) -> Result<Vec<tickets::Model>> {
    let actor = reader(actor)?;
    Ok(tickets::Entity::find()
        .filter(tickets::Column::CustomerId.eq(customer_id))
        .filter(scope_condition(db, actor).await?)
        .order_by_desc(tickets::Column::Id)
        .limit(200)
        .all(db)
        .await?)
}

/// Open tickets of a customer (for the customer page's figures).
pub async fn open_count(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    customer_id: i64,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    let actor = reader(actor)?;
    Ok(tickets::Entity::find()
        .filter(tickets::Column::CustomerId.eq(customer_id))
        .filter(tickets::Column::Status.is_in(ACTIVE))
        .filter(scope_condition(db, actor).await?)
        .count(db)
        .await?)
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

/// What the rating page shows: the ticket's number and subject, if the
/// link is valid and unused.
pub async fn rating_form(db: &impl ConnectionTrait, token: &str) -> Result<(String, String)> {
    let token = token.trim();
    if token.is_empty() || token.len() > 64 {
        return Err(Error::NotFound);
    }
    tickets::Entity::find()
        .filter(tickets::Column::RatingToken.eq(token))
        .filter(tickets::Column::Rating.is_null())
        .one(db)
        .await?
        .map(|t| (t.number, t.subject))
        .ok_or(Error::NotFound)
}

/// Records the requester's rating through the one-time link (no sign-in).
/// A used, withdrawn or unknown link changes nothing and is refused.
pub async fn rate(db: &impl crate::db::Tx, token: &str, score: i32, comment: &str) -> Result<()> {
    let token = token.trim();
    let mut errors = FieldErrors::new();
    if !(1..=5).contains(&score) {
        errors.insert("score".into(), messages::RATING_RANGE.into());
    }
    let comment = comment.trim().to_owned();
    if comment.chars().count() > 1000 {
        errors.insert("comment".into(), messages::MAX_1000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if token.is_empty() || token.len() > 64 {
        return Err(Error::Conflict(messages::RATING_LINK_USED.into()));
    }
    let txn = db.begin().await?;
    let Some(ticket) = tickets::Entity::find()
        .filter(tickets::Column::RatingToken.eq(token))
        .filter(tickets::Column::Rating.is_null())
        .one(&txn)
        .await?
    else {
        return Err(Error::Conflict(messages::RATING_LINK_USED.into()));
    };
    let now = Utc::now();
    let done = tickets::Entity::update_many()
        .col_expr(tickets::Column::Rating, Expr::value(score))
        .col_expr(tickets::Column::RatingComment, Expr::value(comment.clone()))
        .col_expr(tickets::Column::RatedAt, Expr::value(now))
        .col_expr(
            tickets::Column::RatingToken,
            Expr::value(Option::<String>::None),
        )
        .filter(tickets::Column::Id.eq(ticket.id))
        .filter(tickets::Column::RatingToken.eq(token))
        .filter(tickets::Column::Rating.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict(messages::RATING_LINK_USED.into()));
    }
    audit::record(
        &txn,
        Who::System,
        Entry::new("ticket.rated", "ticket", Some(ticket.id.to_string()))
            .after(json!({"rating": score, "comment": comment})),
    )
    .await?;
    outbox::publish(
        &txn,
        "ticket.rated",
        "ticket",
        ticket.id,
        json!({"number": ticket.number, "customer_id": ticket.customer_id, "rating": score}),
    )
    .await?;
    timeline::append(
        &txn,
        None,
        Event {
            customer_id: ticket.customer_id,
            kind: "ticket.rated",
            summary: format!("{} · {score}/5", ticket.number),
            link: link(ticket.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Satisfaction over tickets rated in `[from, to)`: (ratings, average ×
/// 100, rounded) in the actor's scope — the reports' figure.
pub async fn satisfaction(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(u64, i64)> {
    let actor = reader(actor)?;
    let start = from.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    let end = to.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Error::field("from", messages::DATE_INVALID));
    };
    let rated = tickets::Entity::find()
        .filter(scope_condition(db, actor).await?)
        .filter(tickets::Column::RatedAt.gte(start))
        .filter(tickets::Column::RatedAt.lt(end))
        .all(db)
        .await?;
    let scores: Vec<i64> = rated
        .iter()
        .filter_map(|t| t.rating)
        .map(i64::from)
        .collect();
    let n = scores.len() as i64;
    if n == 0 {
        return Ok((0, 0));
    }
    let sum: i64 = scores.iter().sum();
    let average = crate::money::div_round_half_up(i128::from(sum) * 100, i128::from(n));
    Ok((n as u64, i64::try_from(average).unwrap_or(0)))
}
