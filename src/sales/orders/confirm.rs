//! Confirming a quote: the draft → confirmed flip, the approval check, the
//! reservations, and telling managers about a large order.

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{
    approval::{approval_for, request_approval},
    reserve::reserve_lines,
    rows::{in_scope, lines_of, lines_snapshot, link, snapshot},
    state::OrderState,
};
use crate::{
    access::audit::{self, Entry, Who},
    access::{notifications, policy, Actor, Permission},
    crm::timeline::{self, Event},
    entities::{sales_order_lines, sales_orders},
    messages, money,
    platform::{meta, outbox},
    sales::{pricing, stats},
    Error, Result,
};

/// Setting: from which total (minor units) a confirmed order is "large"
/// and its confirmation is told to managers.
pub const LARGE_ORDER_KEY: &str = "orders.large_order_minor";

/// Default large-order total: 10,000.00.
pub const DEFAULT_LARGE_ORDER_MINOR: i64 = 1_000_000;

/// The large-order total in force.
pub async fn large_order(db: &impl ConnectionTrait) -> Result<i64> {
    Ok(meta::get(db, LARGE_ORDER_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .filter(|v: &i64| *v > 0)
        .unwrap_or(DEFAULT_LARGE_ORDER_MINOR))
}

/// What a confirmation did.
#[derive(Clone, Debug)]
pub struct Confirmed {
    /// The order after it.
    pub order: sales_orders::Model,
    /// Its lines with what each reserved.
    pub lines: Vec<sales_order_lines::Model>,
    /// False when it was already confirmed (a repeated request): nothing changed.
    pub changed: bool,
}

/// Confirms a quote: checks the credit limit and the discount threshold
/// (refused without an approval unless the actor may approve, which then
/// records them as the approver; the refusal notes the request for an
/// approval, see [`awaits_approval`](super::awaits_approval)), then reserves each line in the
/// order's warehouse, as much as is available. A repeated confirm changes
/// nothing.
pub async fn confirm(db: &impl crate::db::Tx, actor: &Actor, id: i64) -> Result<Confirmed> {
    let actor = policy::require(actor, Permission::OrdersConfirm)?;
    let txn = db.begin().await?;
    let seen = in_scope(&txn, actor, id).await?;
    let now = Utc::now();
    // The draft → confirmed flip is the guard: of two identical requests
    // only one finds the order still a draft.
    let counted = stats::Snapshot::take(&txn, vec![id]).await?;
    let flipped = sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::State,
            Expr::value(OrderState::Confirmed.as_str()),
        )
        .col_expr(sales_orders::Column::ConfirmedAt, Expr::value(now))
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(OrderState::Draft.as_str()))
        .exec(&txn)
        .await?;
    if flipped.rows_affected == 0 {
        let order = sales_orders::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        if order.state == OrderState::Cancelled {
            return Err(Error::Conflict(messages::ORDER_CANCELLED.into()));
        }
        let lines = lines_of(&txn, id).await?;
        txn.commit().await?;
        return Ok(Confirmed {
            order,
            lines,
            changed: false,
        });
    }
    // Read it again under the row lock the flip took: an edit committed
    // since `seen` may have changed the lines and cleared the approval.
    let current = sales_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if !pricing::is_list_currency(&txn, &current.currency).await? {
        txn.rollback().await?;
        return Err(Error::Conflict(messages::QUOTE_CURRENCY_MISMATCH.into()));
    }
    let mut lines = lines_of(&txn, id).await?;
    let approval = approval_for(&txn, &current, &lines, true).await?;
    let mut approved_by = current.approved_by;
    if approval.needed() && approved_by.is_none() {
        if actor.has(Permission::OrdersApprove) {
            approved_by = Some(actor.user_id);
        } else {
            txn.rollback().await?;
            request_approval(db, actor, id, &approval).await?;
            return Err(Error::Conflict(approval.message().into()));
        }
    }
    reserve_lines(&txn, actor.user_id, current.warehouse_id, &mut lines).await?;
    if approved_by != current.approved_by {
        sales_orders::Entity::update_many()
            .col_expr(sales_orders::Column::ApprovedBy, Expr::value(approved_by))
            .col_expr(sales_orders::Column::ApprovedAt, Expr::value(now))
            .col_expr(
                sales_orders::Column::ApprovalReason,
                Expr::value(approval.reason()),
            )
            .filter(sales_orders::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    let order = sales_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let backordered: i64 = lines
        .iter()
        .map(|l| l.quantity - l.shipped - l.reserved)
        .sum();
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.confirmed", "order", Some(id.to_string()))
            .before(snapshot(&seen))
            .after(json!({"order": snapshot(&order), "lines": lines_snapshot(&lines)})),
    )
    .await?;
    outbox::publish(
        &txn,
        "order.confirmed",
        "order",
        id,
        json!({
            "number": order.number, "customer_id": order.customer_id,
            "warehouse_id": order.warehouse_id, "currency": order.currency,
            "total_minor": order.total_minor, "backordered": backordered,
            "lines": lines.iter().map(|l| json!({
                "product_id": l.product_id, "quantity": l.quantity, "reserved": l.reserved,
            })).collect::<Vec<_>>(),
        }),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: if backordered > 0 {
                "order.confirmed_backorder"
            } else {
                "order.confirmed"
            },
            summary: format!(
                "{} · {} {}",
                order.number,
                money::format_minor(order.total_minor),
                order.currency
            ),
            link: link(id),
        },
    )
    .await?;
    // The summary rows last, after the stock levels (see `cancel`).
    counted.apply(&txn).await?;
    if order.total_minor >= large_order(&txn).await? {
        let managers = notifications::holders(&txn, Permission::DashboardsViewAll).await?;
        let title = format!(
            "{} · {} {}",
            order.number,
            money::format_minor(order.total_minor),
            order.currency
        );
        notifications::notify(
            &txn,
            &managers,
            notifications::ORDER_LARGE,
            &title,
            &link(id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Confirmed {
        order,
        lines,
        changed: true,
    })
}
