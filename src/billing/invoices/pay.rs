//! Recording a payment against an invoice.

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{sea_query::LockType, ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{customers, payments},
    messages, money, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        crm::timeline::{self, Event},
        platform::numbers,
        platform::outbox,
    },
};

use super::{
    amounts::owed,
    balance::{credit_balance, credit_move, lock_invoice, write_settled},
    link,
    settle::settle_order,
    CANCELLED, METHODS, METHOD_CREDIT, PAID,
};

/// A payment to record, typed: the form and the REST API parse their text
/// at the edge (`money::parse_minor`, ISO dates).
#[derive(Clone, Debug, Default)]
pub struct PaymentInput {
    /// The invoice paid.
    pub invoice_id: i64,
    /// Amount, minor units of the invoice's currency (more than 0).
    pub amount_minor: i64,
    /// One of [`METHODS`].
    pub method: String,
    /// Date received; `None` for today.
    pub paid_on: Option<NaiveDate>,
    /// Bank or cheque reference.
    pub reference: String,
    /// Keep what exceeds the amount owed as customer credit (else refused).
    pub keep_excess_as_credit: bool,
}

/// Records a payment against an invoice, as of `today`.
pub async fn pay(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &PaymentInput,
    today: NaiveDate,
) -> Result<payments::Model> {
    let actor = policy::require(actor, Permission::PaymentsWrite)?;
    let mut errors = FieldErrors::new();
    let amount = input.amount_minor;
    if amount <= 0 {
        errors.insert("amount".into(), messages::AMOUNT_POSITIVE.into());
    }
    let method = input.method.trim();
    if !METHODS.contains(&method) {
        errors.insert("method".into(), messages::METHOD_INVALID.into());
    }
    let paid_on = input.paid_on.unwrap_or(today);
    if paid_on > today || paid_on.year() < 2000 {
        errors.insert("paid_on".into(), messages::PAID_ON_INVALID.into());
    }
    let reference = input.reference.trim().to_owned();
    if reference.chars().count() > 100 {
        errors.insert("reference".into(), messages::MAX_100.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let invoice = lock_invoice(&txn, input.invoice_id).await?;
    if invoice.state == CANCELLED {
        return Err(Error::Conflict(messages::INVOICE_CANCELLED.into()));
    }
    let owed_now = owed(&invoice);
    if owed_now == 0 {
        return Err(Error::Conflict(messages::INVOICE_SETTLED.into()));
    }
    let from_credit = method == METHOD_CREDIT;
    if amount > owed_now && (from_credit || !input.keep_excess_as_credit) {
        return Err(Error::field("amount", messages::OVERPAYMENT));
    }
    if from_credit {
        // The customer's row orders concurrent uses of one credit balance.
        customers::Entity::find_by_id(invoice.customer_id)
            .lock(LockType::NoKeyUpdate)
            .one(&txn)
            .await?;
        if credit_balance(&txn, invoice.customer_id, &invoice.currency).await? < amount {
            return Err(Error::field("amount", messages::CREDIT_SHORT));
        }
    }
    let applied = amount.min(owed_now);
    let excess = amount - applied;
    let after = write_settled(
        &txn,
        &invoice,
        invoice.paid_minor + applied,
        invoice.credited_minor,
        today,
    )
    .await?;
    let number = numbers::next(&txn, "PAY", paid_on.year()).await?;
    let payment = payments::ActiveModel {
        number: Set(number),
        customer_id: Set(invoice.customer_id),
        invoice_id: Set(Some(invoice.id)),
        currency: Set(invoice.currency.clone()),
        amount_minor: Set(amount),
        applied_minor: Set(applied),
        method: Set(method.to_owned()),
        paid_on: Set(paid_on),
        reference: Set(reference),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if from_credit {
        credit_move(
            &txn,
            invoice.customer_id,
            &invoice.currency,
            -amount,
            "payment",
            payment.id,
            &payment.number,
            actor.user_id,
        )
        .await?;
    } else if excess > 0 {
        credit_move(
            &txn,
            invoice.customer_id,
            &invoice.currency,
            excess,
            "payment",
            payment.id,
            &payment.number,
            actor.user_id,
        )
        .await?;
    }
    settle_order(&txn, invoice.order_id).await?;
    let payload = json!({
        "number": payment.number, "invoice": invoice.number, "customer_id": invoice.customer_id,
        "currency": invoice.currency, "amount_minor": amount, "applied_minor": applied,
        "credit_minor": excess, "method": method, "paid_on": paid_on.to_string(),
        "owed_minor": owed(&after), "state": after.state,
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("payment.recorded", "invoice", Some(invoice.id.to_string()))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(
        &txn,
        "payment.received",
        "invoice",
        invoice.id,
        payload.clone(),
    )
    .await?;
    if after.state == PAID {
        outbox::publish(&txn, "invoice.paid", "invoice", invoice.id, payload).await?;
    }
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: invoice.customer_id,
            kind: "payment.received",
            summary: format!(
                "{} · {} · {} {}",
                payment.number,
                invoice.number,
                money::format_minor(amount),
                invoice.currency
            ),
            link: link(invoice.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(payment)
}
