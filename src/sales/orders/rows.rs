//! Finding, scoping and locking order rows and their lines, an order's link,
//! and the snapshots the audit log keeps of them.

use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use super::state::OrderState;
use crate::{
    access::{scope, Actor, Scope},
    entities::{sales_order_lines, sales_orders},
    Error, Result,
};

/// The record scope for orders.
pub fn scope_of(actor: &Actor) -> Result<Scope> {
    crate::access::scope::records::scope(actor, crate::access::scope::records::Kind::Order)
}

pub(super) fn snapshot(o: &sales_orders::Model) -> serde_json::Value {
    json!({
        "number": o.number, "customer_id": o.customer_id, "warehouse_id": o.warehouse_id,
        "owner_id": o.owner_id, "state": o.state.as_str(), "currency": o.currency,
        "subtotal_minor": o.subtotal_minor, "tax_minor": o.tax_minor, "total_minor": o.total_minor,
        "ship_by": o.ship_by.to_string(), "approved_by": o.approved_by,
    })
}

pub(super) fn lines_snapshot(lines: &[sales_order_lines::Model]) -> serde_json::Value {
    json!(lines
        .iter()
        .map(|l| json!({
            "line_no": l.line_no, "product_id": l.product_id, "quantity": l.quantity,
            "unit_price_minor": l.unit_price_minor, "discount_bp": l.discount_bp,
            "tax_rate_bp": l.tax_rate_bp, "net_minor": l.net_minor, "tax_minor": l.tax_minor,
            "reserved": l.reserved, "shipped": l.shipped,
        }))
        .collect::<Vec<_>>())
}

/// Where an order lives in the UI.
pub fn link(id: i64) -> String {
    format!("/orders/{id}")
}

/// Takes the order's row for the rest of the transaction when it is in one
/// of `states` (`FOR NO KEY UPDATE` on PostgreSQL; SQLite has one writer),
/// and returns it; `None` when it is in another state.
pub(crate) async fn lock_in(
    db: &impl ConnectionTrait,
    id: i64,
    states: &[OrderState],
) -> Result<Option<sales_orders::Model>> {
    Ok(sales_orders::Entity::find_by_id(id)
        .filter(sales_orders::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
        .one(db)
        .await?)
}

/// Like [`lock_in`], but `None` at once when another transaction holds the
/// row (`SKIP LOCKED`), for callers already holding stock levels.
pub(crate) async fn try_lock_in(
    db: &impl ConnectionTrait,
    id: i64,
    states: &[OrderState],
) -> Result<Option<sales_orders::Model>> {
    Ok(sales_orders::Entity::find_by_id(id)
        .filter(sales_orders::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .lock_with_behavior(
            sea_orm::sea_query::LockType::NoKeyUpdate,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .one(db)
        .await?)
}

/// Order lines still waiting for stock: ordered > shipped + reserved.
pub(crate) fn backordered() -> sea_orm::sea_query::SimpleExpr {
    Expr::col(sales_order_lines::Column::Quantity).gt(Expr::col(sales_order_lines::Column::Shipped)
        .add(Expr::col(sales_order_lines::Column::Reserved)))
}

pub(super) async fn in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<sales_orders::Model> {
    let scope = scope_of(actor)?;
    sales_orders::Entity::find_by_id(id)
        .filter(scope::owned(scope, sales_orders::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

pub(super) async fn lines_of(
    db: &impl ConnectionTrait,
    order_id: i64,
) -> Result<Vec<sales_order_lines::Model>> {
    Ok(sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .order_by_asc(sales_order_lines::Column::LineNo)
        .all(db)
        .await?)
}
