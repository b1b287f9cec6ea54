//! The shared steps of settling an invoice: locking it, writing its paid and
//! credited amounts, and moving the customer's credit balance.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, LockType},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::{
    entities::{customer_credits, invoices},
    messages, Error, Result,
};

use super::{amounts::state_for, CANCELLED};

pub(super) async fn lock_invoice(db: &impl ConnectionTrait, id: i64) -> Result<invoices::Model> {
    invoices::Entity::find_by_id(id)
        .lock(LockType::NoKeyUpdate)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Writes an invoice's settled amounts and the state they give.
pub(super) async fn write_settled(
    db: &impl ConnectionTrait,
    invoice: &invoices::Model,
    paid: i64,
    credited: i64,
    today: NaiveDate,
) -> Result<invoices::Model> {
    let state = state_for(invoice.total_minor, paid, credited, invoice.due_date, today);
    let now = Utc::now();
    let updated = invoices::Entity::update_many()
        .col_expr(invoices::Column::PaidMinor, Expr::value(paid))
        .col_expr(invoices::Column::CreditedMinor, Expr::value(credited))
        .col_expr(invoices::Column::State, Expr::value(state))
        .col_expr(invoices::Column::UpdatedAt, Expr::value(now))
        .filter(invoices::Column::Id.eq(invoice.id))
        .filter(invoices::Column::PaidMinor.eq(invoice.paid_minor))
        .filter(invoices::Column::CreditedMinor.eq(invoice.credited_minor))
        .filter(invoices::Column::State.ne(CANCELLED))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(Error::Conflict(messages::INVOICE_CHANGED.into()));
    }
    Ok(invoices::Model {
        paid_minor: paid,
        credited_minor: credited,
        state: state.into(),
        updated_at: now,
        ..invoice.clone()
    })
}

/// A customer's credit balance in a currency.
pub async fn credit_balance(
    db: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
) -> Result<i64> {
    let total: Option<Option<i64>> = customer_credits::Entity::find()
        .select_only()
        .column_as(
            Expr::col(customer_credits::Column::AmountMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .filter(customer_credits::Column::CustomerId.eq(customer_id))
        .filter(customer_credits::Column::Currency.eq(currency))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn credit_move(
    db: &impl ConnectionTrait,
    customer_id: i64,
    currency: &str,
    amount: i64,
    doc_type: &str,
    doc_id: i64,
    number: &str,
    actor_id: i64,
) -> Result<()> {
    customer_credits::Entity::insert(customer_credits::ActiveModel {
        customer_id: Set(customer_id),
        currency: Set(currency.to_owned()),
        amount_minor: Set(amount),
        doc_type: Set(doc_type.to_owned()),
        doc_id: Set(Some(doc_id)),
        doc_number: Set(number.to_owned()),
        created_by: Set(Some(actor_id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
