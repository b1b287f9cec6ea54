//! Stock move facts: the moves of the period (of the filter's warehouse).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{bucket, Fact, Query};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards::{self, midnight},
    entities::{products, stock_moves},
    Result,
};

/// Stock moves of the period (of the filter's warehouse).
pub(super) async fn moves(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
) -> Result<Vec<Fact>> {
    use stock_moves::Column as C;
    policy::require(actor, Permission::StockRead)?;
    let mut find = stock_moves::Entity::find()
        .select_only()
        .columns([
            C::ProductId,
            C::WarehouseId,
            C::Kind,
            C::Quantity,
            C::CreatedAt,
        ])
        .filter(C::CreatedAt.gte(midnight(f.from)))
        .filter(C::CreatedAt.lt(midnight(f.to + Duration::days(1))));
    if let Some(w) = f.warehouse_id {
        find = find.filter(C::WarehouseId.eq(w));
    }
    type Row = (i64, i64, String, i64, DateTime<Utc>);
    let rows: Vec<Row> = find.into_tuple().all(db).await?;
    let categories: HashMap<i64, String> = products::Entity::find()
        .select_only()
        .columns([products::Column::Id, products::Column::Category])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let pick = |dim: &str, r: &Row| -> String {
        match dim {
            "product" => r.0.to_string(),
            "category" => categories.get(&r.0).cloned().unwrap_or_default(),
            "warehouse" => r.1.to_string(),
            "kind" => r.2.clone(),
            "" => String::new(),
            other => bucket(other, r.4.date_naive()).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| {
            (
                pick(&q.rows, r),
                pick(&q.columns, r),
                if q.measure == "count" { 1 } else { r.3 },
            )
        })
        .collect();
    Ok(raw)
}
