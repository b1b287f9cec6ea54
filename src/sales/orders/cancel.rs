//! Cancelling a quote or a confirmed order before anything shipped,
//! releasing its reservations and cancelling its open shipments.

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{
    rows::{in_scope, lines_of, lines_snapshot, link, snapshot},
    state::OrderState,
};
use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    crm::timeline::{self, Event},
    entities::{sales_order_lines, sales_orders, shipments},
    inventory::stock,
    messages,
    platform::outbox,
    sales::stats,
    Error, Result,
};

/// Cancels a quote (`orders.write`) or a confirmed order before anything
/// shipped (`orders.cancel`), releasing its reservations and cancelling
/// its open shipments. Cancelling a cancelled order changes nothing.
pub async fn cancel(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<sales_orders::Model> {
    let actor = policy::require_any(actor, &[Permission::OrdersWrite, Permission::OrdersCancel])?;
    let reason = reason.trim().to_owned();
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let seen = in_scope(&txn, actor, id).await?;
    let state = seen.state;
    if state == OrderState::Cancelled {
        txn.commit().await?;
        return Ok(seen);
    }
    state.check(OrderState::Cancelled)?;
    let needed = if state == OrderState::Draft {
        Permission::OrdersWrite
    } else {
        Permission::OrdersCancel
    };
    policy::require(actor, needed)?;
    let now = Utc::now();
    let counted = stats::Snapshot::take(&txn, vec![id]).await?;
    let flipped = sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::State,
            Expr::value(OrderState::Cancelled.as_str()),
        )
        .col_expr(sales_orders::Column::CancelledAt, Expr::value(now))
        .col_expr(
            sales_orders::Column::CancelReason,
            Expr::value(reason.clone()),
        )
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(state.as_str()))
        .exec(&txn)
        .await?;
    if flipped.rows_affected == 0 {
        // Someone changed it meanwhile (shipped, cancelled): decide on the new state.
        let now_state = sales_orders::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|o| o.state)
            .unwrap_or(OrderState::Cancelled);
        if now_state == OrderState::Cancelled {
            let order = sales_orders::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(Error::NotFound)?;
            txn.commit().await?;
            return Ok(order);
        }
        return Err(Error::Conflict(messages::ORDER_CANNOT_CANCEL.into()));
    }
    let lines = lines_of(&txn, id).await?;
    let mut sorted: Vec<&sales_order_lines::Model> =
        lines.iter().filter(|l| l.reserved > 0).collect();
    sorted.sort_by_key(|l| (l.product_id, l.id));
    for line in sorted {
        stock::release(
            &txn,
            Some(actor.user_id),
            line.product_id,
            seen.warehouse_id,
            line.reserved,
        )
        .await?;
    }
    sales_order_lines::Entity::update_many()
        .col_expr(sales_order_lines::Column::Reserved, Expr::value(0_i64))
        .filter(sales_order_lines::Column::OrderId.eq(id))
        .exec(&txn)
        .await?;
    shipments::Entity::update_many()
        .col_expr(shipments::Column::State, Expr::value("cancelled"))
        .filter(shipments::Column::OrderId.eq(id))
        .filter(shipments::Column::State.eq("open"))
        .exec(&txn)
        .await?;
    // The summary rows last, after the stock levels: every transaction
    // takes them at its end, so none waits for a level while holding one.
    counted.apply(&txn).await?;
    let order = sales_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.cancelled", "order", Some(id.to_string()))
            .before(json!({"order": snapshot(&seen), "lines": lines_snapshot(&lines)}))
            .after(snapshot(&order)),
    )
    .await?;
    if state != OrderState::Draft {
        outbox::publish(
            &txn,
            "order.cancelled",
            "order",
            id,
            json!({"number": order.number, "customer_id": order.customer_id, "reason": reason}),
        )
        .await?;
    }
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: "order.cancelled",
            summary: if reason.is_empty() {
                order.number.clone()
            } else {
                format!("{} · {}", order.number, reason)
            },
            link: link(id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(order)
}
