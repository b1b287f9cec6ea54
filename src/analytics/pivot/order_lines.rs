//! Order line facts: from the product summary when every dimension is one
//! it keeps, from the lines of the period's booked orders otherwise.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use super::{bucket, Fact, Query};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards,
    entities::{product_stats, products, sales_order_lines, sales_orders},
    Result,
};

/// Order lines of the period's booked orders.
pub(super) async fn lines(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
    currency: &str,
) -> Result<Vec<Fact>> {
    let scope = policy::scope(actor, Permission::OrdersRead, Permission::OrdersReadAll)?;
    let slice = dashboards::Slice {
        from: f.from,
        to: f.to,
        currency: currency.to_owned(),
        warehouse_id: f.warehouse_id,
        owners: dashboards::owners(db, scope, f).await?,
        segment: f.segment.clone(),
    };
    let catalogue: HashMap<i64, (String, i64)> = products::Entity::find()
        .select_only()
        .columns([
            products::Column::Id,
            products::Column::Category,
            products::Column::CostPriceMinor,
        ])
        .into_tuple::<(i64, String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, cat, cost)| (id, (cat, cost)))
        .collect();
    // Margin at today's cost price (no cost history is kept).
    let value = |product: i64, quantity: i64, net: i64| match q.measure.as_str() {
        "quantity" => quantity,
        "margin" => net - quantity * catalogue.get(&product).map_or(0, |c| c.1),
        _ => net,
    };
    let summary_dims = ["product", "category", "warehouse", "month", ""];
    if let Some(cond) = slice
        .product_stats()
        .filter(|_| summary_dims.contains(&q.rows.as_str()))
        .filter(|_| summary_dims.contains(&q.columns.as_str()))
    {
        // Lines by product, warehouse and day from the product summary.
        use product_stats::Column as P;
        let rows: Vec<(i64, i64, NaiveDate, i64, i64)> = product_stats::Entity::find()
            .select_only()
            .columns([
                P::ProductId,
                P::WarehouseId,
                P::Day,
                P::Quantity,
                P::NetMinor,
            ])
            .filter(cond)
            .into_tuple()
            .all(db)
            .await?;
        let pick = |dim: &str, r: &(i64, i64, NaiveDate, i64, i64)| -> String {
            match dim {
                "product" => r.0.to_string(),
                "category" => catalogue.get(&r.0).map(|c| c.0.clone()).unwrap_or_default(),
                "warehouse" => r.1.to_string(),
                "" => String::new(),
                other => bucket(other, r.2).unwrap_or_default(),
            }
        };
        let raw = rows
            .iter()
            .map(|r| (pick(&q.rows, r), pick(&q.columns, r), value(r.0, r.3, r.4)))
            .collect();
        return Ok(raw);
    }
    let orders: HashMap<i64, (i64, Option<i64>, i64, DateTime<Utc>)> = sales_orders::Entity::find()
        .select_only()
        .columns([
            sales_orders::Column::Id,
            sales_orders::Column::CustomerId,
            sales_orders::Column::OwnerId,
            sales_orders::Column::WarehouseId,
            sales_orders::Column::CreatedAt,
        ])
        .filter(slice.orders())
        .into_tuple::<(i64, i64, Option<i64>, i64, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, c, o, w, at)| (id, (c, o, w, at)))
        .collect();
    // The lines of the same orders, in one query.
    let rows: Vec<(i64, i64, i64, i64)> = sales_order_lines::Entity::find()
        .select_only()
        .columns([
            sales_order_lines::Column::OrderId,
            sales_order_lines::Column::ProductId,
            sales_order_lines::Column::Quantity,
            sales_order_lines::Column::NetMinor,
        ])
        .filter(
            sales_order_lines::Column::OrderId.in_subquery(
                sales_orders::Entity::find()
                    .select_only()
                    .column(sales_orders::Column::Id)
                    .filter(slice.orders())
                    .into_query(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let pick = |dim: &str, l: &(i64, i64, i64, i64)| -> String {
        let o = orders.get(&l.0);
        match dim {
            "product" => l.1.to_string(),
            "category" => catalogue.get(&l.1).map(|c| c.0.clone()).unwrap_or_default(),
            "customer" => o.map(|o| o.0.to_string()).unwrap_or_default(),
            "owner" => o.and_then(|o| o.1).unwrap_or(0).to_string(),
            "warehouse" => o.map(|o| o.2.to_string()).unwrap_or_default(),
            "" => String::new(),
            other => o
                .and_then(|o| bucket(other, o.3.date_naive()))
                .unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|l| (pick(&q.rows, l), pick(&q.columns, l), value(l.1, l.2, l.3)))
        .collect();
    Ok(raw)
}
