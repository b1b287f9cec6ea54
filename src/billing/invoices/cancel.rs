//! Cancelling an invoice nothing has settled yet.

use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, LockType},
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{invoice_lines, invoices, sales_orders},
    messages, Error, Result,
    {
        access::audit::{self, Entry, Who},
        crm::timeline::{self, Event},
        platform::outbox,
        sales::orders,
    },
};

use super::{balance::lock_invoice, link, settle::settle_order, CANCELLED};

/// Cancels an invoice nothing has settled yet; its quantities become
/// invoiceable again.
pub async fn cancel(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<invoices::Model> {
    let actor = policy::require(actor, Permission::InvoicesWrite)?;
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(Error::field("reason", messages::REASON_REQUIRED));
    }
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let seen = invoices::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if seen.state == CANCELLED {
        txn.commit().await?;
        return Ok(seen);
    }
    // The order's row first (as raising takes it), then the invoice's.
    sales_orders::Entity::find_by_id(seen.order_id)
        .lock(LockType::NoKeyUpdate)
        .one(&txn)
        .await?;
    let invoice = lock_invoice(&txn, id).await?;
    if invoice.state == CANCELLED {
        txn.commit().await?;
        return Ok(invoice);
    }
    if invoice.paid_minor > 0 || invoice.credited_minor > 0 {
        return Err(Error::Conflict(messages::INVOICE_HAS_SETTLEMENTS.into()));
    }
    let now = Utc::now();
    invoices::Entity::update_many()
        .col_expr(invoices::Column::State, Expr::value(CANCELLED))
        .col_expr(invoices::Column::CancelReason, Expr::value(reason.clone()))
        .col_expr(invoices::Column::CancelledAt, Expr::value(now))
        .col_expr(invoices::Column::UpdatedAt, Expr::value(now))
        .filter(invoices::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    for line in invoice_lines::Entity::find()
        .filter(invoice_lines::Column::InvoiceId.eq(id))
        .all(&txn)
        .await?
    {
        orders::remove_invoiced(&txn, line.order_line_id, line.quantity).await?;
    }
    settle_order(&txn, invoice.order_id).await?;
    let payload =
        json!({"number": invoice.number, "reason": reason, "customer_id": invoice.customer_id});
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("invoice.cancelled", "invoice", Some(id.to_string())).after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "invoice.cancelled", "invoice", id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: invoice.customer_id,
            kind: "invoice.cancelled",
            summary: format!("{} · {}", invoice.number, reason),
            link: link(id),
        },
    )
    .await?;
    txn.commit().await?;
    invoices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}
