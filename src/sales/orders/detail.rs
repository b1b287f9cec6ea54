//! One order with everything its page shows: lines with availability,
//! shipments and the names of the people involved.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    rows::{in_scope, lines_of},
    state::OrderState,
};
use crate::{
    access::{users, Actor},
    entities::{customers, products, sales_order_lines, sales_orders, shipments, warehouses},
    inventory::stock,
    Error, Result,
};

/// A line with what a page shows beside it.
#[derive(Clone, Debug)]
pub struct LineView {
    /// The line.
    pub line: sales_order_lines::Model,
    /// The product's SKU.
    pub sku: String,
    /// The product's unit.
    pub unit: String,
    /// Available now in the order's warehouse.
    pub available: i64,
    /// Quantity in open (not yet shipped) shipments.
    pub in_shipments: i64,
}

impl LineView {
    /// Ordered but neither reserved nor shipped.
    pub fn backordered(&self) -> i64 {
        self.line.quantity - self.line.shipped - self.line.reserved
    }
}

/// An order with everything its page shows.
#[derive(Clone, Debug)]
pub struct OrderDetail {
    /// The order.
    pub order: sales_orders::Model,
    /// Its state.
    pub state: OrderState,
    /// The customer.
    pub customer: customers::Model,
    /// The warehouse.
    pub warehouse: warehouses::Model,
    /// The lines.
    pub lines: Vec<LineView>,
    /// Its shipments, oldest first.
    pub shipments: Vec<shipments::Model>,
    /// Names of the owner, creator and approver.
    pub names: HashMap<i64, String>,
}

/// One order in the actor's scope, with lines, availability and shipments.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<OrderDetail> {
    let order = in_scope(db, actor, id).await?;
    detail_of(db, order).await
}

/// The detail of an order the caller already holds: the one [`get`] found
/// in scope, or the one a write ([`create`](fn@super::create), [`confirm`](fn@super::confirm),
/// [`cancel`](fn@super::cancel)) returned, completed in that write's own transaction. It checks no
/// permission itself: the read's or the write's own check stood for it, so
/// a caller who may write an order but not read it still gets what it wrote.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    order: sales_orders::Model,
) -> Result<OrderDetail> {
    let id = order.id;
    let customer = customers::Entity::find_by_id(order.customer_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let warehouse = warehouses::Entity::find_by_id(order.warehouse_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let lines = lines_of(db, id).await?;
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let products: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::Id.is_in(product_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let available = stock::available_in(db, &product_ids, order.warehouse_id).await?;
    let shipments = shipments::Entity::find()
        .filter(shipments::Column::OrderId.eq(id))
        .order_by_asc(shipments::Column::Id)
        .all(db)
        .await?;
    let open = crate::sales::shipments::open_quantities(db, id).await?;
    let names = users::names(
        db,
        [order.owner_id, order.created_by, order.approved_by]
            .into_iter()
            .flatten(),
    )
    .await?;
    Ok(OrderDetail {
        state: order.state,
        lines: lines
            .into_iter()
            .map(|line| {
                let product = products.get(&line.product_id);
                LineView {
                    sku: product.map(|p| p.sku.clone()).unwrap_or_default(),
                    unit: product.map(|p| p.unit.clone()).unwrap_or_default(),
                    available: available.get(&line.product_id).copied().unwrap_or(0),
                    in_shipments: open.get(&line.id).copied().unwrap_or(0),
                    line,
                }
            })
            .collect(),
        order,
        customer,
        warehouse,
        shipments,
        names,
    })
}
