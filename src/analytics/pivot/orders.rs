//! Order facts: from the order summary when every dimension is one it
//! keeps, from the orders of the period otherwise.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{bucket, Fact, Query};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards::{self, BOOKED},
    entities::{order_stats, sales_orders},
    Result,
};

/// An order as the pivot reads it: customer, created, state, warehouse,
/// owner, net, total.
type OrderRow = (i64, DateTime<Utc>, String, i64, Option<i64>, i64, i64);

/// Orders: from the summary when every dimension is one it keeps.
pub(super) async fn orders(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
    currency: &str,
) -> Result<Vec<Fact>> {
    let scope = policy::scope(actor, Permission::OrdersRead, Permission::OrdersReadAll)?;
    let owners = dashboards::owners(db, scope, f).await?;
    let summary_dims = [
        "segment",
        "owner",
        "warehouse",
        "state",
        "day",
        "week",
        "month",
        "",
    ];
    if summary_dims.contains(&q.rows.as_str()) && summary_dims.contains(&q.columns.as_str()) {
        use order_stats::Column as C;
        let mut cond = Condition::all()
            .add(C::Day.gte(f.from))
            .add(C::Day.lte(f.to))
            .add(C::Currency.eq(currency));
        if q.measure != "count" || !(q.rows == "state" || q.columns == "state") {
            cond = cond.add(C::State.is_in(BOOKED.map(|s| s.as_str())));
        }
        if let Some(w) = f.warehouse_id {
            cond = cond.add(C::WarehouseId.eq(w));
        }
        if let Some(o) = &owners {
            cond = cond.add(C::OwnerId.is_in(o.clone()));
        }
        if let Some(s) = &f.segment {
            cond = cond.add(C::Segment.eq(s.clone()));
        }
        let rows = order_stats::Entity::find().filter(cond).all(db).await?;
        let pick = |dim: &str, r: &order_stats::Model| -> String {
            match dim {
                "segment" => r.segment.clone(),
                "owner" => r.owner_id.to_string(),
                "warehouse" => r.warehouse_id.to_string(),
                "state" => r.state.clone(),
                "" => String::new(),
                other => bucket(other, r.day).unwrap_or_default(),
            }
        };
        let raw = rows
            .iter()
            .map(|r| {
                let v = match q.measure.as_str() {
                    "count" => r.orders,
                    "total" => r.total_minor,
                    _ => r.net_minor,
                };
                (pick(&q.rows, r), pick(&q.columns, r), v)
            })
            .collect();
        return Ok(raw);
    }
    // By customer: from the orders of the period.
    let slice = dashboards::Slice {
        from: f.from,
        to: f.to,
        currency: currency.to_owned(),
        warehouse_id: f.warehouse_id,
        owners,
        segment: f.segment.clone(),
    };
    use sales_orders::Column as C;
    let rows: Vec<OrderRow> = sales_orders::Entity::find()
        .select_only()
        .columns([
            C::CustomerId,
            C::CreatedAt,
            C::State,
            C::WarehouseId,
            C::OwnerId,
            C::SubtotalMinor,
            C::TotalMinor,
        ])
        .filter(slice.orders())
        .into_tuple()
        .all(db)
        .await?;
    let segments: HashMap<i64, String> = if q.rows == "segment" || q.columns == "segment" {
        crate::crm::customers::segments(db, rows.iter().map(|r| r.0)).await?
    } else {
        HashMap::new()
    };
    let pick = |dim: &str, r: &OrderRow| -> String {
        match dim {
            "customer" => r.0.to_string(),
            "segment" => segments.get(&r.0).cloned().unwrap_or_default(),
            "owner" => r.4.unwrap_or(0).to_string(),
            "warehouse" => r.3.to_string(),
            "state" => r.2.clone(),
            "" => String::new(),
            other => bucket(other, r.1.date_naive()).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| {
            let v = match q.measure.as_str() {
                "count" => 1,
                "total" => r.6,
                _ => r.5,
            };
            (pick(&q.rows, r), pick(&q.columns, r), v)
        })
        .collect();
    Ok(raw)
}
