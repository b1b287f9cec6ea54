//! Editing a ticket: its classification and links, and its queue and
//! assignee.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::{
    access::{notifications, policy, Actor, Permission},
    entities::{contacts, customers, queues, tickets, users},
    messages,
    service::service_desk,
    Error, FieldErrors, Result,
};

use super::{
    deadlines::refresh_sla,
    in_scope,
    input::{check_links, tags_of},
    link,
    trail::{finish_change, write_if_unchanged},
    ASSIGNED, KINDS,
};

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
    actor: &Actor,
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

/// Puts a ticket in a queue and/or with an agent (none: unassigned).
/// Needs `tickets.assign`; the new assignee is notified.
pub async fn assign(
    db: &impl crate::db::Tx,
    actor: &Actor,
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
