//! Which warehouse a quote ships from. A new quote starts from the
//! company's default warehouse: the active warehouse whose code is the
//! `app_meta` setting `inventory.default_warehouse` (such as `MAIN`), else
//! the active warehouse created first (lowest id), never an accident of
//! alphabetical order. For a line the chosen warehouse cannot fill, the
//! quote builder is told which other active warehouse has more of it.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::{policy, Actor, Permission},
    entities::{stock_levels, warehouses},
    platform::meta,
    Result,
};

/// Setting: the code of the warehouse new quotes ship from.
pub const DEFAULT_WAREHOUSE_KEY: &str = "inventory.default_warehouse";

/// The warehouse a new quote starts from (see the module); `None` when no
/// warehouse is active. Needs `orders.write`: it serves the quote builder.
pub async fn default_warehouse(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Option<warehouses::Model>> {
    policy::require(actor, Permission::OrdersWrite)?;
    let active = warehouses::Entity::find()
        .filter(warehouses::Column::Active.eq(true))
        .order_by_asc(warehouses::Column::Id)
        .all(db)
        .await?;
    // Codes are stored upper case; an unknown or archived code falls back.
    let configured = meta::get(db, DEFAULT_WAREHOUSE_KEY)
        .await?
        .map(|code| code.trim().to_uppercase());
    Ok(configured
        .and_then(|code| active.iter().find(|w| w.code == code))
        .or(active.first())
        .cloned())
}

/// A product's stock in a warehouse other than the quote's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elsewhere {
    /// The warehouse.
    pub warehouse_id: i64,
    /// Its code (`MAIN`).
    pub code: String,
    /// Available there now (on hand − reserved).
    pub available: i64,
}

/// For each of `product_ids`, the active warehouse other than
/// `warehouse_id` with the most available (the lowest id among equals),
/// when one has any available at all.
pub(crate) async fn best_elsewhere(
    db: &impl ConnectionTrait,
    product_ids: &[i64],
    warehouse_id: i64,
) -> Result<HashMap<i64, Elsewhere>> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let codes: HashMap<i64, String> = warehouses::Entity::find()
        .filter(warehouses::Column::Active.eq(true))
        .filter(warehouses::Column::Id.ne(warehouse_id))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let levels = stock_levels::Entity::find()
        .filter(stock_levels::Column::ProductId.is_in(product_ids.iter().copied()))
        .filter(stock_levels::Column::WarehouseId.is_in(codes.keys().copied()))
        .order_by_asc(stock_levels::Column::WarehouseId)
        .all(db)
        .await?;
    let mut best: HashMap<i64, Elsewhere> = HashMap::new();
    for level in levels {
        let available = level.on_hand - level.reserved;
        let Some(code) = codes.get(&level.warehouse_id) else {
            continue;
        };
        let better = best
            .get(&level.product_id)
            .is_none_or(|b| available > b.available);
        if available > 0 && better {
            best.insert(
                level.product_id,
                Elsewhere {
                    warehouse_id: level.warehouse_id,
                    code: code.clone(),
                    available,
                },
            );
        }
    }
    Ok(best)
}
