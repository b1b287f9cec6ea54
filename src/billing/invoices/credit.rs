//! Credit notes: reversing all or part of an invoice's lines.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{credit_note_lines, credit_notes, invoice_lines},
    messages, money, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        crm::timeline::{self, Event},
        platform::numbers,
        platform::outbox,
    },
};

use super::{
    amounts::{credit_amounts, owed},
    balance::{credit_move, lock_invoice, write_settled},
    link,
    settle::settle_order,
    CANCELLED,
};

/// What a credit note reverses.
#[derive(Clone, Debug, Default)]
pub struct CreditInput {
    /// The invoice.
    pub invoice_id: i64,
    /// (invoice line, quantity); empty for everything not yet credited.
    pub lines: Vec<(i64, i64)>,
    /// Why (required).
    pub reason: String,
}

/// Issues a credit note reversing all or part of an invoice's lines. What
/// the invoice still owes goes down first; the rest becomes customer
/// credit (the customer had already paid it).
pub async fn credit(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &CreditInput,
    today: NaiveDate,
) -> Result<credit_notes::Model> {
    let actor = policy::require(actor, Permission::InvoicesWrite)?;
    credit_as(db, actor, input, today).await
}

/// [`credit`] for an actor whose right to credit the caller has checked
/// (a return or complaint approved with `tickets.returns`).
pub(crate) async fn credit_as(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &CreditInput,
    today: NaiveDate,
) -> Result<credit_notes::Model> {
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(Error::field("reason", messages::REASON_REQUIRED));
    }
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let invoice = lock_invoice(&txn, input.invoice_id).await?;
    if invoice.state == CANCELLED {
        return Err(Error::Conflict(messages::INVOICE_CANCELLED.into()));
    }
    let lines: HashMap<i64, invoice_lines::Model> = invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(invoice.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let mut picked: Vec<(&invoice_lines::Model, i64)> = Vec::new();
    if input.lines.is_empty() {
        let mut all: Vec<&invoice_lines::Model> = lines.values().collect();
        all.sort_by_key(|l| l.id);
        for l in all {
            if l.quantity > l.credited_quantity {
                picked.push((l, l.quantity - l.credited_quantity));
            }
        }
    } else {
        let mut errors = FieldErrors::new();
        for (i, (line_id, quantity)) in input.lines.iter().enumerate() {
            match lines.get(line_id) {
                None => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(_) if *quantity == 0 => {}
                Some(l) if *quantity < 0 || *quantity > l.quantity - l.credited_quantity => {
                    errors.insert(
                        format!("lines.{i}.quantity"),
                        messages::CREDIT_TOO_MUCH.into(),
                    );
                }
                Some(l) if picked.iter().any(|(p, _)| p.id == l.id) => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(l) => picked.push((l, *quantity)),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
    }
    if picked.is_empty() {
        return Err(Error::Conflict(messages::NOTHING_TO_CREDIT.into()));
    }
    let mut rows = Vec::new();
    let (mut subtotal, mut tax) = (0, 0);
    for (line, quantity) in &picked {
        let (net, line_tax) = credit_amounts(line, line.credited_quantity, *quantity);
        subtotal += net;
        tax += line_tax;
        rows.push((*line, *quantity, net, line_tax));
    }
    let total = subtotal + tax;
    if total <= 0 {
        return Err(Error::Conflict(messages::NOTHING_TO_CREDIT.into()));
    }
    let applied = total.min(owed(&invoice));
    let excess = total - applied;
    let after = write_settled(
        &txn,
        &invoice,
        invoice.paid_minor,
        invoice.credited_minor + applied,
        today,
    )
    .await?;
    let now = Utc::now();
    let number = numbers::next(&txn, "CN", today.year()).await?;
    let note = credit_notes::ActiveModel {
        number: Set(number),
        invoice_id: Set(invoice.id),
        customer_id: Set(invoice.customer_id),
        currency: Set(invoice.currency.clone()),
        reason: Set(reason.clone()),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(total),
        applied_minor: Set(applied),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    credit_note_lines::Entity::insert_many(rows.iter().map(|(line, quantity, net, line_tax)| {
        credit_note_lines::ActiveModel {
            credit_note_id: Set(note.id),
            invoice_line_id: Set(line.id),
            quantity: Set(*quantity),
            net_minor: Set(*net),
            tax_minor: Set(*line_tax),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    for (line, quantity, net, line_tax) in &rows {
        let moved = invoice_lines::Entity::update_many()
            .col_expr(
                invoice_lines::Column::CreditedQuantity,
                Expr::col(invoice_lines::Column::CreditedQuantity).add(*quantity),
            )
            .col_expr(
                invoice_lines::Column::CreditedNetMinor,
                Expr::col(invoice_lines::Column::CreditedNetMinor).add(*net),
            )
            .col_expr(
                invoice_lines::Column::CreditedTaxMinor,
                Expr::col(invoice_lines::Column::CreditedTaxMinor).add(*line_tax),
            )
            .filter(invoice_lines::Column::Id.eq(line.id))
            .filter(invoice_lines::Column::CreditedQuantity.eq(line.credited_quantity))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(Error::Conflict(messages::INVOICE_CHANGED.into()));
        }
    }
    if excess > 0 {
        credit_move(
            &txn,
            invoice.customer_id,
            &invoice.currency,
            excess,
            "credit_note",
            note.id,
            &note.number,
            actor.user_id,
        )
        .await?;
    }
    settle_order(&txn, invoice.order_id).await?;
    let payload = json!({
        "number": note.number, "invoice": invoice.number, "customer_id": invoice.customer_id,
        "currency": invoice.currency, "total_minor": total, "applied_minor": applied,
        "credit_minor": excess, "reason": reason, "owed_minor": owed(&after),
        "lines": rows.iter().map(|(l, q, n, t)| json!({"invoice_line_id": l.id, "product_id": l.product_id,
            "quantity": q, "net_minor": n, "tax_minor": t})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "credit_note.issued",
            "invoice",
            Some(invoice.id.to_string()),
        )
        .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "credit_note.issued", "invoice", invoice.id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: invoice.customer_id,
            kind: "credit_note.issued",
            summary: format!(
                "{} · {} · {} {}",
                note.number,
                invoice.number,
                money::format_minor(total),
                invoice.currency
            ),
            link: link(invoice.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(note)
}

/// Records that the credit note `note_id` settles the ticket `ticket_id`
/// (a return approved on that ticket).
pub(crate) async fn link_ticket(
    db: &impl sea_orm::ConnectionTrait,
    note_id: i64,
    ticket_id: i64,
) -> Result<()> {
    credit_notes::Entity::update_many()
        .col_expr(
            credit_notes::Column::TicketId,
            sea_orm::sea_query::Expr::value(ticket_id),
        )
        .filter(credit_notes::Column::Id.eq(note_id))
        .exec(db)
        .await?;
    Ok(())
}
