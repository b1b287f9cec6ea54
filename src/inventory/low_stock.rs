//! The low-stock latch: after a stock change, warehouse users are told once
//! when a product's available + incoming units in a warehouse fall below
//! its reorder point. Inventory owns it because every stock change runs
//! it; purchasing keeps the reorder rules and the suggestions, and feeds
//! the incoming quantities through its purchase orders' table.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    sea_query::{Alias, Expr},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{notifications, Permission},
    entities::{products, purchase_order_lines, purchase_orders, reorder_rules, warehouses},
    platform::outbox,
    Result,
};

/// Units on open purchase orders not yet received, per (product, warehouse).
pub async fn incoming(
    db: &impl ConnectionTrait,
    product_ids: Option<&[i64]>,
) -> Result<HashMap<(i64, i64), i64>> {
    let mut query = purchase_order_lines::Entity::find()
        .select_only()
        .column(purchase_order_lines::Column::ProductId)
        .column_as(
            Expr::col((
                purchase_orders::Entity,
                purchase_orders::Column::WarehouseId,
            )),
            "warehouse_id",
        )
        .column_as(
            Expr::expr(
                Expr::col(purchase_order_lines::Column::Quantity)
                    .sub(Expr::col(purchase_order_lines::Column::Received)),
            )
            .sum()
            .cast_as(Alias::new("BIGINT")),
            "open",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            purchase_order_lines::Entity::belongs_to(purchase_orders::Entity)
                .from(purchase_order_lines::Column::PurchaseOrderId)
                .to(purchase_orders::Column::Id)
                .into(),
        )
        .filter(purchase_orders::Column::State.is_in(purchase_orders::OPEN_STATES))
        .group_by(purchase_order_lines::Column::ProductId)
        .group_by(Expr::col((
            purchase_orders::Entity,
            purchase_orders::Column::WarehouseId,
        )));
    if let Some(ids) = product_ids {
        query = query.filter(purchase_order_lines::Column::ProductId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i64, i64, Option<i64>)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(p, w, q)| ((p, w), q.unwrap_or(0)))
        .filter(|(_, q)| *q > 0)
        .collect())
}

/// After a stock change, and when a rule is set: tells warehouse users
/// once when a product's available + incoming in a warehouse is below its
/// reorder point, and re-arms when it recovers. Runs in the transaction of
/// the change. (A notification latch, not a count: the boards count
/// `purchasing::replenishment::below_reorder_point`.)
pub(crate) async fn check_low(
    db: &impl ConnectionTrait,
    product_id: i64,
    warehouse_id: i64,
    available: i64,
) -> Result<()> {
    let Some(rule) = reorder_rules::Entity::find_by_id((product_id, warehouse_id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    // Cheap test first: plenty available means not low, whatever is incoming.
    let low = if available >= rule.reorder_point {
        false
    } else {
        let incoming = incoming(db, Some(&[product_id]))
            .await?
            .get(&(product_id, warehouse_id))
            .copied()
            .unwrap_or(0);
        available + incoming < rule.reorder_point
    };
    match (low, rule.low_notified_at.is_some()) {
        (true, false) => {
            // Set only if still unset: of two writers that both saw it
            // unset (two rules saved at once), one tells.
            let latched = reorder_rules::Entity::update_many()
                .col_expr(
                    reorder_rules::Column::LowNotifiedAt,
                    Expr::value(Utc::now()),
                )
                .filter(reorder_rules::Column::ProductId.eq(product_id))
                .filter(reorder_rules::Column::WarehouseId.eq(warehouse_id))
                .filter(reorder_rules::Column::LowNotifiedAt.is_null())
                .exec(db)
                .await?;
            if latched.rows_affected == 0 {
                return Ok(());
            }
            let product = products::Entity::find_by_id(product_id).one(db).await?;
            let code = warehouses::Entity::find_by_id(warehouse_id)
                .one(db)
                .await?
                .map(|w| w.code)
                .unwrap_or_default();
            let (sku, name) = product.map(|p| (p.sku, p.name)).unwrap_or_default();
            let users = notifications::holders(db, Permission::ReplenishmentManage).await?;
            notifications::notify(
                db,
                &users,
                notifications::STOCK_LOW,
                &format!(
                    "{sku} {name} · {code} · {available} / {}",
                    rule.reorder_point
                ),
                &format!("/products/{product_id}"),
            )
            .await?;
            outbox::publish(
                db,
                "stock.low",
                "stock_level",
                format!("{product_id}:{warehouse_id}"),
                json!({"product_id": product_id, "warehouse_id": warehouse_id, "sku": sku,
                    "available": available, "reorder_point": rule.reorder_point}),
            )
            .await?;
        }
        (false, true) => {
            reorder_rules::Entity::update_many()
                .col_expr(
                    reorder_rules::Column::LowNotifiedAt,
                    Expr::value(Option::<chrono::DateTime<Utc>>::None),
                )
                .filter(reorder_rules::Column::ProductId.eq(product_id))
                .filter(reorder_rules::Column::WarehouseId.eq(warehouse_id))
                .exec(db)
                .await?;
        }
        _ => {}
    }
    Ok(())
}
