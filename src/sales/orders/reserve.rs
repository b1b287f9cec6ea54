//! Reserving stock for order lines: at confirmation, and later for the
//! backordered quantities once stock has arrived.

use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{
    rows::{in_scope, lines_of, lock_in},
    state::OrderState,
};
use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::sales_order_lines,
    inventory::stock,
    messages, Error, Result,
};

/// Reserves what each line still lacks (ordered − shipped − reserved), as
/// much as the warehouse has available, updating `lines` in place; returns
/// the units reserved. Lines go in product order, so concurrent callers
/// take the level rows' locks in the same order.
pub(crate) async fn reserve_lines(
    db: &impl ConnectionTrait,
    actor_id: i64,
    warehouse_id: i64,
    lines: &mut [sales_order_lines::Model],
) -> Result<i64> {
    let mut order_of: Vec<usize> = (0..lines.len()).collect();
    order_of.sort_by_key(|&i| (lines[i].product_id, lines[i].id));
    let mut total = 0;
    for i in order_of {
        let line = &mut lines[i];
        let want = line.quantity - line.shipped - line.reserved;
        let taken = stock::reserve(db, Some(actor_id), line.product_id, warehouse_id, want).await?;
        if taken > 0 {
            sales_order_lines::Entity::update_many()
                .col_expr(
                    sales_order_lines::Column::Reserved,
                    Expr::value(line.reserved + taken),
                )
                .filter(sales_order_lines::Column::Id.eq(line.id))
                .exec(db)
                .await?;
            line.reserved += taken;
            total += taken;
        }
    }
    Ok(total)
}

/// Reserves what has become available for a confirmed order's backordered
/// quantities (after stock arrived). Returns how many units it reserved.
pub async fn reserve_backorders(db: &impl crate::db::Tx, actor: &Actor, id: i64) -> Result<i64> {
    let actor = policy::require(actor, Permission::OrdersConfirm)?;
    let txn = db.begin().await?;
    in_scope(&txn, actor, id).await?;
    let Some(order) = lock_in(
        &txn,
        id,
        &[OrderState::Confirmed, OrderState::PartiallyShipped],
    )
    .await?
    else {
        return Err(Error::Conflict(messages::TRANSITION_REFUSED.into()));
    };
    let mut lines = lines_of(&txn, id).await?;
    let total = reserve_lines(&txn, actor.user_id, order.warehouse_id, &mut lines).await?;
    if total > 0 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("order.reserved", "order", Some(id.to_string()))
                .after(json!({"reserved": total})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(total)
}
