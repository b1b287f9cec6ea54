//! Returns (RMA) and complaint credits, from tickets. A support user asks
//! for a return of chosen order lines and quantities; approving it, in one
//! transaction, counts the quantities back on the order lines (never more
//! than shipped minus already returned), receives the goods into a
//! warehouse as return moves, and issues the credit notes that reverse
//! them on their invoices. A complaint can be settled with a credit note
//! alone.
//!
//! Lock order: the order's row, then its invoices, then stock levels by
//! product — the order-before-levels order of every ERP path.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{
        credit_notes, invoice_lines, invoices, sales_order_lines, sales_orders,
        ticket_return_lines, ticket_returns, tickets, warehouses,
    },
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        billing::invoices::{self as invoice_service, CreditInput},
        crm::timeline::{self, Event},
        inventory::stock::{self, Doc, MoveKind},
        platform::numbers,
        platform::outbox,
        sales::orders::{self, OrderState},
        service::tickets as ticket_service,
    },
};

/// Order states in which goods have left and may come back.
const RETURNABLE: [OrderState; 4] = [
    OrderState::PartiallyShipped,
    OrderState::Shipped,
    OrderState::Invoiced,
    OrderState::Closed,
];

/// What a return request sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReturnInput {
    /// The order.
    pub order_id: i64,
    /// Where the goods go back (default: the order's warehouse).
    pub warehouse_id: Option<i64>,
    /// (order line, quantity); zero quantities are skipped.
    pub lines: Vec<(i64, i64)>,
    /// Why.
    pub reason: String,
}

/// Quantities of each order line in requests not yet decided.
async fn pending(db: &impl ConnectionTrait, order_id: i64) -> Result<HashMap<i64, i64>> {
    let open: Vec<i64> = ticket_returns::Entity::find()
        .filter(ticket_returns::Column::OrderId.eq(order_id))
        .filter(ticket_returns::Column::State.eq("requested"))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut by_line = HashMap::new();
    for line in ticket_return_lines::Entity::find()
        .filter(ticket_return_lines::Column::ReturnId.is_in(open))
        .all(db)
        .await?
    {
        *by_line.entry(line.order_line_id).or_insert(0) += line.quantity;
    }
    Ok(by_line)
}

/// Asks for a return on a return ticket. Needs `tickets.write`. Each
/// quantity is at most what shipped, minus what came back and what other
/// open requests ask for.
pub async fn request(
    db: &impl crate::db::Tx,
    actor: &Actor,
    ticket_id: i64,
    input: &ReturnInput,
) -> Result<ticket_returns::Model> {
    let actor = policy::require(actor, Permission::TicketsWrite)?;
    let reason = input.reason.trim().to_owned();
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let ticket = ticket_service::in_scope(&txn, actor, ticket_id, true).await?;
    if ticket.kind != "return" {
        return Err(Error::Conflict(messages::RETURN_NEEDS_RETURN_TICKET.into()));
    }
    let order = orders::lock_in(&txn, input.order_id, &RETURNABLE)
        .await?
        .filter(|o| o.customer_id == ticket.customer_id)
        .ok_or_else(|| Error::field("order_id", messages::RETURN_ORDER_INVALID))?;
    let warehouse_id = input.warehouse_id.unwrap_or(order.warehouse_id);
    let warehouse_ok = warehouses::Entity::find_by_id(warehouse_id)
        .one(&txn)
        .await?
        .is_some_and(|w| w.active);
    let mut errors = FieldErrors::new();
    if !warehouse_ok {
        errors.insert("warehouse_id".into(), messages::WAREHOUSE_MISSING.into());
    }
    let lines: HashMap<i64, sales_order_lines::Model> = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let waiting = pending(&txn, order.id).await?;
    let mut picked: Vec<(&sales_order_lines::Model, i64)> = Vec::new();
    for (i, (line_id, quantity)) in input.lines.iter().enumerate() {
        match lines.get(line_id) {
            None => {
                errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
            }
            Some(_) if *quantity == 0 => {}
            Some(l) if picked.iter().any(|(p, _)| p.id == l.id) => {
                errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
            }
            Some(l) => {
                let left = l.shipped - l.returned - waiting.get(&l.id).copied().unwrap_or(0);
                if *quantity < 0 || *quantity > left {
                    errors.insert(
                        format!("lines.{i}.quantity"),
                        messages::RETURN_TOO_MUCH.into(),
                    );
                } else {
                    picked.push((l, *quantity));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if picked.is_empty() {
        return Err(Error::field("lines", messages::RETURN_NOTHING));
    }
    let now = Utc::now();
    use chrono::Datelike;
    let number = numbers::next(&txn, "RMA", now.year()).await?;
    let created = ticket_returns::ActiveModel {
        number: Set(number),
        ticket_id: Set(ticket.id),
        order_id: Set(order.id),
        warehouse_id: Set(warehouse_id),
        state: Set("requested".into()),
        reason: Set(reason.clone()),
        credit_note_id: Set(None),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    ticket_return_lines::Entity::insert_many(picked.iter().map(|(l, q)| {
        ticket_return_lines::ActiveModel {
            return_id: Set(created.id),
            order_line_id: Set(l.id),
            product_id: Set(l.product_id),
            quantity: Set(*q),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    if ticket.order_id.is_none() {
        tickets::Entity::update_many()
            .col_expr(tickets::Column::OrderId, Expr::value(order.id))
            .filter(tickets::Column::Id.eq(ticket.id))
            .exec(&txn)
            .await?;
    }
    let payload = json!({
        "number": created.number, "ticket": ticket.number, "order": order.number,
        "warehouse_id": warehouse_id, "reason": reason,
        "lines": picked.iter().map(|(l, q)| json!({"order_line_id": l.id, "product_id": l.product_id, "quantity": q})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("return.requested", "ticket", Some(ticket.id.to_string()))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "return.requested", "ticket", ticket.id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: ticket.customer_id,
            kind: "return.requested",
            summary: format!("{} · {} · {}", created.number, ticket.number, order.number),
            link: ticket_service::link(ticket.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// An approved return: the return and the credit notes it issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approved {
    /// The return, approved.
    pub ret: ticket_returns::Model,
    /// One credit note per invoice the returned quantities were billed on.
    pub credit_notes: Vec<credit_notes::Model>,
}

/// Approves a return. Needs `tickets.returns`. In one transaction: the
/// returned quantities are counted on the order lines (refused if that
/// would exceed what shipped), the goods are received into the return's
/// warehouse as `return` moves, and credit notes reverse the quantities
/// on the invoices that billed them (oldest invoice first). Quantities not
/// yet invoiced are refused: raise the invoice first, so that the credit
/// note has something to reverse.
pub async fn approve(
    db: &impl crate::db::Tx,
    actor: &Actor,
    return_id: i64,
    today: NaiveDate,
) -> Result<Approved> {
    let actor = policy::require(actor, Permission::TicketsReturns)?;
    let txn = db.begin().await?;
    let ret = ticket_returns::Entity::find_by_id(return_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let ticket = ticket_service::in_scope(&txn, actor, ret.ticket_id, false).await?;
    // The order first (the ERP lock order), then the return.
    let order = orders::lock_in(&txn, ret.order_id, &RETURNABLE)
        .await?
        .ok_or_else(|| Error::Conflict(messages::RETURN_ORDER_INVALID.into()))?;
    let ret = ticket_returns::Entity::find_by_id(return_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if ret.state != "requested" {
        return Err(Error::Conflict(messages::RETURN_DECIDED.into()));
    }
    let lines = ticket_return_lines::Entity::find()
        .filter(ticket_return_lines::Column::ReturnId.eq(ret.id))
        .order_by_asc(ticket_return_lines::Column::Id)
        .all(&txn)
        .await?;
    for line in &lines {
        if !crate::sales::orders::add_returned(&txn, line.order_line_id, line.quantity).await? {
            return Err(Error::Conflict(messages::RETURN_TOO_MUCH.into()));
        }
    }
    // Which invoice lines billed the returned quantities, oldest first.
    let live: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::OrderId.eq(order.id))
        .filter(invoices::Column::State.ne("cancelled"))
        .order_by_asc(invoices::Column::Id)
        .all(&txn)
        .await?;
    let invoice_ids: Vec<i64> = live.iter().map(|i| i.id).collect();
    let billed = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.is_in(invoice_ids))
        .order_by_asc(invoice_lines::Column::Id)
        .all(&txn)
        .await?;
    let mut per_invoice: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for line in &lines {
        let mut left = line.quantity;
        for billed in billed
            .iter()
            .filter(|b| b.order_line_id == line.order_line_id)
        {
            let room = billed.quantity - billed.credited_quantity;
            let take = room.min(left);
            if take > 0 {
                per_invoice
                    .entry(billed.invoice_id)
                    .or_default()
                    .push((billed.id, take));
                left -= take;
            }
        }
        if left > 0 {
            return Err(Error::Conflict(messages::RETURN_NOT_INVOICED.into()));
        }
    }
    let reason = if ret.reason.is_empty() {
        format!("{} · {}", ret.number, ticket.number)
    } else {
        format!("{} · {} · {}", ret.number, ticket.number, ret.reason)
    };
    let mut notes = Vec::new();
    for (invoice_id, credit_lines) in per_invoice {
        let note = invoice_service::credit_as(
            &txn,
            actor,
            &CreditInput {
                invoice_id,
                lines: credit_lines,
                reason: reason.chars().take(500).collect(),
            },
            today,
        )
        .await?;
        crate::billing::invoices::link_ticket(&txn, note.id, ticket.id).await?;
        notes.push(note);
    }
    // Goods back into stock, levels locked in product order.
    let mut by_product: BTreeMap<i64, i64> = BTreeMap::new();
    for line in &lines {
        *by_product.entry(line.product_id).or_insert(0) += line.quantity;
    }
    for (product_id, quantity) in &by_product {
        let level = stock::lock(&txn, *product_id, ret.warehouse_id).await?;
        stock::change(
            &txn,
            Some(actor.user_id),
            &level,
            *quantity,
            0,
            Some(Doc {
                kind: MoveKind::Return,
                doc_type: "return",
                doc_id: Some(ret.id),
                number: &ret.number,
                reason: &ticket.number,
            }),
        )
        .await?;
    }
    let now = Utc::now();
    let mut row: ticket_returns::ActiveModel = ret.clone().into();
    row.state = Set("approved".into());
    row.credit_note_id = Set(notes.first().map(|n| n.id));
    row.decided_by = Set(Some(actor.user_id));
    row.decided_at = Set(Some(now));
    let approved = row.update(&txn).await?;
    let credited: i64 = notes.iter().map(|n| n.total_minor).sum();
    let payload = json!({
        "number": approved.number, "ticket": ticket.number, "order": order.number,
        "warehouse_id": approved.warehouse_id,
        "credit_notes": notes.iter().map(|n| n.number.clone()).collect::<Vec<_>>(),
        "credited_minor": credited, "currency": order.currency,
        "lines": lines.iter().map(|l| json!({"order_line_id": l.order_line_id, "product_id": l.product_id, "quantity": l.quantity})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("return.approved", "ticket", Some(ticket.id.to_string()))
            .before(json!({"state": ret.state}))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "return.approved", "ticket", ticket.id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: ticket.customer_id,
            kind: "return.approved",
            summary: format!(
                "{} · {} · {} {}",
                approved.number,
                ticket.number,
                crate::money::format_minor(credited),
                order.currency
            ),
            link: ticket_service::link(ticket.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Approved {
        ret: approved,
        credit_notes: notes,
    })
}

/// Rejects a requested return. Needs `tickets.returns`.
pub async fn reject(
    db: &impl crate::db::Tx,
    actor: &Actor,
    return_id: i64,
) -> Result<ticket_returns::Model> {
    let actor = policy::require(actor, Permission::TicketsReturns)?;
    let txn = db.begin().await?;
    let ret = ticket_returns::Entity::find_by_id(return_id)
        .lock(LockType::Update)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let ticket = ticket_service::in_scope(&txn, actor, ret.ticket_id, false).await?;
    let done = ticket_returns::Entity::update_many()
        .col_expr(ticket_returns::Column::State, Expr::value("rejected"))
        .col_expr(
            ticket_returns::Column::DecidedBy,
            Expr::value(actor.user_id),
        )
        .col_expr(ticket_returns::Column::DecidedAt, Expr::value(Utc::now()))
        .filter(ticket_returns::Column::Id.eq(ret.id))
        .filter(ticket_returns::Column::State.eq("requested"))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict(messages::RETURN_DECIDED.into()));
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("return.rejected", "ticket", Some(ticket.id.to_string()))
            .before(json!({"number": ret.number, "state": ret.state}))
            .after(json!({"number": ret.number, "state": "rejected"})),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: ticket.customer_id,
            kind: "return.rejected",
            summary: format!("{} · {}", ret.number, ticket.number),
            link: ticket_service::link(ticket.id),
        },
    )
    .await?;
    let after = ticket_returns::Entity::find_by_id(ret.id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    txn.commit().await?;
    Ok(after)
}

/// Settles a complaint with a credit note on one of the customer's
/// invoices (chosen lines, or everything not yet credited). Needs
/// `tickets.returns`.
pub async fn credit_complaint(
    db: &impl crate::db::Tx,
    actor: &Actor,
    ticket_id: i64,
    input: &CreditInput,
    today: NaiveDate,
) -> Result<credit_notes::Model> {
    let actor = policy::require(actor, Permission::TicketsReturns)?;
    let txn = db.begin().await?;
    let ticket = ticket_service::in_scope(&txn, actor, ticket_id, false).await?;
    if ticket.kind != "complaint" {
        return Err(Error::Conflict(messages::CREDIT_NEEDS_COMPLAINT.into()));
    }
    let belongs = invoices::Entity::find_by_id(input.invoice_id)
        .one(&txn)
        .await?
        .is_some_and(|i| i.customer_id == ticket.customer_id);
    if !belongs {
        return Err(Error::field("invoice_id", messages::INVOICE_NOT_CUSTOMERS));
    }
    let reason = format!("{} · {}", ticket.number, input.reason.trim());
    if input.reason.trim().is_empty() {
        return Err(Error::field("reason", messages::REASON_REQUIRED));
    }
    let note = invoice_service::credit_as(
        &txn,
        actor,
        &CreditInput {
            invoice_id: input.invoice_id,
            lines: input.lines.clone(),
            reason: reason.chars().take(500).collect(),
        },
        today,
    )
    .await?;
    crate::billing::invoices::link_ticket(&txn, note.id, ticket.id).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("ticket.credited", "ticket", Some(ticket.id.to_string()))
            .after(json!({"credit_note": note.number, "total_minor": note.total_minor})),
    )
    .await?;
    txn.commit().await?;
    Ok(note)
}

/// A return's line with the order line's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnLine {
    /// Order line.
    pub order_line_id: i64,
    /// Description.
    pub description: String,
    /// Quantity.
    pub quantity: i64,
}

/// The lines of a ticket's returns, by return id.
pub async fn lines_of_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: i64,
) -> Result<BTreeMap<i64, Vec<ReturnLine>>> {
    let actor = policy::require_any(
        actor,
        &[Permission::TicketsRead, Permission::TicketsReadAll],
    )?;
    ticket_service::in_scope(db, actor, ticket_id, false).await?;
    let ids: Vec<i64> = ticket_returns::Entity::find()
        .filter(ticket_returns::Column::TicketId.eq(ticket_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let lines = ticket_return_lines::Entity::find()
        .filter(ticket_return_lines::Column::ReturnId.is_in(ids))
        .order_by_asc(ticket_return_lines::Column::Id)
        .all(db)
        .await?;
    let words: HashMap<i64, String> = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::Id.is_in(lines.iter().map(|l| l.order_line_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.description))
        .collect();
    let mut out: BTreeMap<i64, Vec<ReturnLine>> = BTreeMap::new();
    for l in lines {
        out.entry(l.return_id).or_default().push(ReturnLine {
            order_line_id: l.order_line_id,
            description: words.get(&l.order_line_id).cloned().unwrap_or_default(),
            quantity: l.quantity,
        });
    }
    Ok(out)
}

/// The order a return belongs to (number), for the ticket page.
pub async fn order_number(db: &impl ConnectionTrait, order_id: i64) -> Result<String> {
    Ok(sales_orders::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .map(|o| o.number)
        .unwrap_or_default())
}

/// Active warehouses goods can come back to (the return form's choice).
/// Needs `tickets.write`.
pub async fn warehouses(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<(i64, String)>> {
    policy::require(actor, Permission::TicketsWrite)?;
    Ok(warehouses::Entity::find()
        .filter(warehouses::Column::Active.eq(true))
        .order_by_asc(warehouses::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, format!("{} · {}", w.code, w.name)))
        .collect())
}
