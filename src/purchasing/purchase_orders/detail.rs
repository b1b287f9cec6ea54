//! One purchase order with what its page shows.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::{policy, Actor, Permission},
    entities::{purchase_order_lines, purchase_orders, receipts, suppliers, warehouses},
    Error, Result,
};

use super::product_map;

/// A purchase order line with its product.
#[derive(Clone, Debug)]
pub struct PoLineView {
    /// The line.
    pub line: purchase_order_lines::Model,
    /// SKU.
    pub sku: String,
    /// Product name.
    pub name: String,
}

/// A purchase order with what its page shows.
#[derive(Clone, Debug)]
pub struct PoDetail {
    /// The order.
    pub order: purchase_orders::Model,
    /// The supplier.
    pub supplier: suppliers::Model,
    /// Warehouse code.
    pub warehouse_code: String,
    /// Lines.
    pub lines: Vec<PoLineView>,
    /// Receipts, oldest first.
    pub receipts: Vec<receipts::Model>,
}

/// One purchase order.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<PoDetail> {
    policy::require(actor, Permission::PurchasingRead)?;
    let order = purchase_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    detail_of(db, order).await
}

/// The detail of a purchase order the caller already holds: the one [`get`]
/// found, or the one a write ([`create`](super::create),
/// [`send`](super::send), [`cancel`](super::cancel),
/// [`receive`](super::receive)) returned, completed in that write's own
/// transaction. It checks no permission itself: the read's or the write's
/// own check stood for it, so a caller who may write or receive purchase
/// orders but not read them still gets what it wrote.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    order: purchase_orders::Model,
) -> Result<PoDetail> {
    let id = order.id;
    let supplier = suppliers::Entity::find_by_id(order.supplier_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let warehouse_code = warehouses::Entity::find_by_id(order.warehouse_id)
        .one(db)
        .await?
        .map(|w| w.code)
        .unwrap_or_default();
    let lines = purchase_order_lines::Entity::find()
        .filter(purchase_order_lines::Column::PurchaseOrderId.eq(id))
        .order_by_asc(purchase_order_lines::Column::Id)
        .all(db)
        .await?;
    let products = product_map(db, lines.iter().map(|l| l.product_id)).await?;
    let receipts = receipts::Entity::find()
        .filter(receipts::Column::PurchaseOrderId.eq(id))
        .order_by_asc(receipts::Column::Id)
        .all(db)
        .await?;
    Ok(PoDetail {
        lines: lines
            .into_iter()
            .map(|line| {
                let p = products.get(&line.product_id);
                PoLineView {
                    sku: p.map(|p| p.sku.clone()).unwrap_or_default(),
                    name: p.map(|p| p.name.clone()).unwrap_or_default(),
                    line,
                }
            })
            .collect(),
        order,
        supplier,
        warehouse_code,
        receipts,
    })
}
