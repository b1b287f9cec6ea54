//! Moving a purchase order between states: send, cancel, close.

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::purchase_orders,
    messages, Error, Result,
    {
        access::audit::{self, Entry, Who},
        platform::outbox,
    },
};

use super::{CANCELLED, CLOSED, DRAFT, PARTIALLY_RECEIVED, RECEIVED, SENT};

/// Moves a purchase order from one of `from` to `to` (a repeated request
/// that finds it already in `to` changes nothing).
async fn transition(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    from: &[&str],
    to: &str,
    event: &'static str,
) -> Result<purchase_orders::Model> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut update = purchase_orders::Entity::update_many()
        .col_expr(purchase_orders::Column::State, Expr::value(to))
        .col_expr(purchase_orders::Column::UpdatedAt, Expr::value(now))
        .filter(purchase_orders::Column::Id.eq(id))
        .filter(purchase_orders::Column::State.is_in(from.iter().copied()));
    if to == SENT {
        update = update.col_expr(purchase_orders::Column::SentAt, Expr::value(now));
    }
    if to == CLOSED || to == CANCELLED {
        update = update.col_expr(purchase_orders::Column::ClosedAt, Expr::value(now));
    }
    let changed = update.exec(&txn).await?;
    let po = purchase_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if changed.rows_affected == 0 {
        if po.state == to {
            txn.commit().await?;
            return Ok(po);
        }
        return Err(Error::Conflict(messages::PO_TRANSITION_REFUSED.into()));
    }
    let payload = json!({"number": po.number, "supplier_id": po.supplier_id, "state": to});
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(event, "purchase_order", Some(id.to_string())).after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, event, "purchase_order", id, payload).await?;
    txn.commit().await?;
    Ok(po)
}

/// Sends a draft to the supplier.
pub async fn send(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    transition(db, actor, id, &[DRAFT], SENT, "purchase_order.sent").await
}

/// Cancels a draft or sent order (nothing has arrived).
pub async fn cancel(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    transition(
        db,
        actor,
        id,
        &[DRAFT, SENT],
        CANCELLED,
        "purchase_order.cancelled",
    )
    .await
}

/// Closes a received order, or a partly received one short (the rest is no
/// longer expected).
pub async fn close(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    transition(
        db,
        actor,
        id,
        &[RECEIVED, PARTIALLY_RECEIVED],
        CLOSED,
        "purchase_order.closed",
    )
    .await
}

/// Takes the step named `step` (`send`, `close` or `cancel`); an unknown
/// step is not found.
pub async fn step(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    step: &str,
) -> Result<purchase_orders::Model> {
    match step {
        "send" => send(db, actor, id).await,
        "close" => close(db, actor, id).await,
        "cancel" => cancel(db, actor, id).await,
        _ => Err(Error::NotFound),
    }
}
