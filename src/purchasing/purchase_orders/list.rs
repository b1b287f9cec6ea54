//! The purchase order list: by state and supplier, newest first.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::{policy, Actor, Permission},
    entities::{purchase_orders, suppliers, warehouses},
    platform::page::{paginate_after, Page},
    Result,
};

use super::{OPEN_STATES, STATES};

/// A purchase order in a list.
#[derive(Clone, Debug)]
pub struct PoRow {
    /// The order.
    pub order: purchase_orders::Model,
    /// Supplier name.
    pub supplier_name: String,
    /// Warehouse code.
    pub warehouse_code: String,
}

/// Purchase orders, newest first: one state, `open` (draft, sent, partly
/// received) or all; of one supplier (or after the API's cursor, in id order).
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    state: Option<&str>,
    supplier_id: Option<i64>,
    after: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<Page<PoRow>> {
    policy::require(actor, Permission::PurchasingRead)?;
    let mut query = purchase_orders::Entity::find().order_by_desc(purchase_orders::Column::Id);
    match state {
        Some("open") => query = query.filter(purchase_orders::Column::State.is_in(OPEN_STATES)),
        Some(s) if STATES.contains(&s) => {
            query = query.filter(purchase_orders::Column::State.eq(s));
        }
        _ => {}
    }
    if let Some(s) = supplier_id {
        query = query.filter(purchase_orders::Column::SupplierId.eq(s));
    }
    let page = paginate_after(
        db,
        query,
        purchase_orders::Column::Id,
        after,
        page,
        per_page,
        200,
    )
    .await?;
    let suppliers: HashMap<i64, String> = suppliers::Entity::find()
        .filter(suppliers::Column::Id.is_in(page.items.iter().map(|o| o.supplier_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let codes: HashMap<i64, String> = warehouses::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect();
    Ok(page.map(|order| PoRow {
        supplier_name: suppliers
            .get(&order.supplier_id)
            .cloned()
            .unwrap_or_default(),
        warehouse_code: codes.get(&order.warehouse_id).cloned().unwrap_or_default(),
        order,
    }))
}
