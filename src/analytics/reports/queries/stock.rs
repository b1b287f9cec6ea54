//! The inventory valuation report: stock per product, its value at cost,
//! what was shipped in the period and the turnover.

use std::collections::HashMap;

use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::n;
use crate::{
    access::{policy, Actor, Permission},
    analytics::{
        dashboards::{midnight, sum},
        reports::{col, Cell, Kind, Report},
    },
    entities::{products, stock_levels, stock_moves},
    Result,
};

/// Stock per product (of one warehouse or all): on hand, reserved, value
/// at cost (for those who may see it), shipped in the period and turnover
/// (shipped ÷ on hand).
pub async fn inventory(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
) -> Result<()> {
    policy::require(actor, Permission::StockRead)?;
    let warehouse = report.filter.warehouse_id;
    let mut levels = stock_levels::Entity::find()
        .select_only()
        .column(stock_levels::Column::ProductId)
        .column_as(sum(stock_levels::Column::OnHand), "on_hand")
        .column_as(sum(stock_levels::Column::Reserved), "reserved")
        .group_by(stock_levels::Column::ProductId);
    if let Some(w) = warehouse {
        levels = levels.filter(stock_levels::Column::WarehouseId.eq(w));
    }
    let levels: Vec<(i64, Option<i64>, Option<i64>)> = levels.into_tuple().all(db).await?;
    let mut moved = stock_moves::Entity::find()
        .select_only()
        .column(stock_moves::Column::ProductId)
        .column_as(sum(stock_moves::Column::Quantity), "qty")
        .filter(stock_moves::Column::Kind.eq("shipment"))
        .filter(stock_moves::Column::CreatedAt.gte(midnight(report.filter.from)))
        .filter(stock_moves::Column::CreatedAt.lt(midnight(report.filter.to + Duration::days(1))))
        .group_by(stock_moves::Column::ProductId);
    if let Some(w) = warehouse {
        moved = moved.filter(stock_moves::Column::WarehouseId.eq(w));
    }
    let shipped: HashMap<i64, i64> = moved
        .into_tuple::<(i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(p, q)| (p, -q.unwrap_or(0)))
        .collect();
    let catalogue: HashMap<i64, products::Model> = products::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let costs = actor.has(Permission::ProductsReadCost);
    report.columns = vec![
        col("sku", Kind::Text),
        col("product", Kind::Text),
        col("on_hand", Kind::Count),
        col("reserved", Kind::Count),
        col("shipped", Kind::Count),
        col("turnover", Kind::Percent),
    ];
    if costs {
        report.columns.push(col("value", Kind::Money));
    }
    let mut rows: Vec<(String, Vec<Cell>, i64)> = Vec::new();
    for (id, on_hand, reserved) in levels {
        let Some(p) = catalogue.get(&id) else {
            continue;
        };
        let on_hand = on_hand.unwrap_or(0);
        let out = shipped.get(&id).copied().unwrap_or(0);
        let mut row = vec![
            Cell::Text(p.sku.clone()),
            Cell::Text(p.name.clone()),
            n(on_hand),
            n(reserved.unwrap_or(0)),
            n(out),
            Cell::Number((on_hand > 0).then(|| out * 10_000 / on_hand)),
        ];
        if costs {
            row.push(n(on_hand * p.cost_price_minor));
        }
        rows.push((p.sku.clone(), row, id));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, row, id) in rows {
        report.rows.push(row);
        report.links.push(Some(format!("/products/{id}")));
    }
    Ok(())
}
