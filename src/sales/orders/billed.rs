//! What billing and service report about an order: units invoiced and
//! returned on its lines, and the state that follows from its invoices.
//! Only sales writes an order's rows; the other areas of this crate call
//! these in their own transaction, after their own permission check (they
//! take no actor, so they are not offered outside the crate).

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    entities::{sales_order_lines, sales_orders},
    sales::stats,
    Result,
};

use super::OrderState;

/// Adds `quantity` invoiced units to the order line `line_id`, unless that
/// would invoice more than was shipped. Whether it did.
pub(crate) async fn add_invoiced(
    db: &impl ConnectionTrait,
    line_id: i64,
    quantity: i64,
) -> Result<bool> {
    add_within_shipped(db, line_id, sales_order_lines::Column::Invoiced, quantity).await
}

/// Takes back `quantity` invoiced units of the order line `line_id` (its
/// invoice was cancelled).
pub(crate) async fn remove_invoiced(
    db: &impl ConnectionTrait,
    line_id: i64,
    quantity: i64,
) -> Result<()> {
    let moved = sales_order_lines::Entity::update_many()
        .col_expr(
            sales_order_lines::Column::Invoiced,
            Expr::col(sales_order_lines::Column::Invoiced).sub(quantity),
        )
        .filter(sales_order_lines::Column::Id.eq(line_id))
        .filter(sales_order_lines::Column::Invoiced.gte(quantity))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        // Never below zero: the invoice being cancelled billed these units.
        return Err(crate::Error::Internal(format!(
            "order line {line_id} has fewer than {quantity} units invoiced"
        )));
    }
    Ok(())
}

/// Adds `quantity` returned units to the order line `line_id`, unless that
/// would return more than was shipped. Whether it did.
pub(crate) async fn add_returned(
    db: &impl ConnectionTrait,
    line_id: i64,
    quantity: i64,
) -> Result<bool> {
    add_within_shipped(db, line_id, sales_order_lines::Column::Returned, quantity).await
}

/// `column += quantity` on one line, only while `column` stays ≤ shipped
/// (one conditional update, so two writers cannot both overshoot).
async fn add_within_shipped(
    db: &impl ConnectionTrait,
    line_id: i64,
    column: sales_order_lines::Column,
    quantity: i64,
) -> Result<bool> {
    let moved = sales_order_lines::Entity::update_many()
        .col_expr(column, Expr::col(column).add(quantity))
        .filter(sales_order_lines::Column::Id.eq(line_id))
        .filter(
            Expr::expr(Expr::col(column).add(quantity))
                .lte(Expr::col(sales_order_lines::Column::Shipped)),
        )
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// Moves an order on from what its invoices say: shipped and all invoiced →
/// invoiced; invoiced and nothing owed → closed; invoiced but no longer
/// all invoiced (an invoice was cancelled) → shipped. `nothing_owed`:
/// whether none of the order's invoices is still unpaid (billing's word).
pub(crate) async fn settle(
    db: &impl ConnectionTrait,
    order_id: i64,
    nothing_owed: bool,
) -> Result<()> {
    let Some(order) = sales_orders::Entity::find_by_id(order_id).one(db).await? else {
        return Ok(());
    };
    let mut state = order.state;
    let now = Utc::now();
    let lines = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .all(db)
        .await?;
    let all_invoiced = lines.iter().all(|l| l.invoiced == l.quantity);
    let mut to = state;
    if state == OrderState::Shipped && all_invoiced {
        to = OrderState::Invoiced;
    } else if state == OrderState::Invoiced && !all_invoiced {
        to = OrderState::Shipped;
    }
    if to == OrderState::Invoiced && nothing_owed {
        if state != OrderState::Invoiced {
            set_state(db, order_id, state, OrderState::Invoiced, now).await?;
            state = OrderState::Invoiced;
        }
        to = OrderState::Closed;
    }
    if to != state {
        set_state(db, order_id, state, to, now).await?;
    }
    Ok(())
}

async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: OrderState,
    to: OrderState,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    from.check(to)?;
    let counted = stats::Snapshot::take(db, vec![id]).await?;
    sales_orders::Entity::update_many()
        .col_expr(sales_orders::Column::State, Expr::value(to.as_str()))
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(from.as_str()))
        .exec(db)
        .await?;
    counted.apply(db).await
}
