//! Opening a ticket: by an agent ([`create`]) or, already validated, by
//! any caller inside its own transaction ([`insert`]).

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::{
    access::audit::{self, Entry, Who},
    access::{notifications, policy, Actor, Permission},
    crm::timeline::{self, Event},
    entities::tickets,
    platform::{numbers, outbox},
    service::service_desk,
    Error, Result,
};

use super::{
    deadlines::refresh_sla,
    input::{validate, TicketInput, Valid},
    link,
    trail::{event, record_status, snapshot},
    ASSIGNED,
};

/// Creates a ticket. Needs `tickets.write`; giving it to someone else
/// needs `tickets.assign`. Without an assignee, a round-robin queue picks one.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
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
