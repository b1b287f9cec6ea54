//! One ticket as its page shows it: links, comments, status history,
//! clocks, returns and credit notes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::Actor,
    entities::{
        contacts, credit_notes, customers, queues, sales_orders, shipments, ticket_comments,
        ticket_returns, ticket_status_changes, tickets, users,
    },
    Result,
};

use super::{
    deadlines::{clocks, Sla},
    in_scope, reader,
};

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
    actor: &Actor,
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
            .map(|o| (o.number, o.state.as_str().to_owned())),
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
