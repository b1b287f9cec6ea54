//! Supplier prices: a supplier with its price list, setting and removing a
//! price, and the best offer for each product.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{products, supplier_prices, suppliers},
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        platform::outbox,
        sales::orders::MAX_QUANTITY,
    },
};

use super::product_map;

/// A supplier price with its product.
#[derive(Clone, Debug)]
pub struct PriceRow {
    /// The price.
    pub price: supplier_prices::Model,
    /// SKU.
    pub sku: String,
    /// Product name.
    pub name: String,
}

/// A supplier with its prices.
#[derive(Clone, Debug)]
pub struct SupplierDetail {
    /// The supplier.
    pub supplier: suppliers::Model,
    /// Its prices by SKU.
    pub prices: Vec<PriceRow>,
}

/// One supplier and its prices.
pub async fn supplier(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<SupplierDetail> {
    policy::require(actor, Permission::PurchasingRead)?;
    let supplier = suppliers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let prices = supplier_prices::Entity::find()
        .filter(supplier_prices::Column::SupplierId.eq(id))
        .all(db)
        .await?;
    let products = product_map(db, prices.iter().map(|p| p.product_id)).await?;
    let mut prices: Vec<PriceRow> = prices
        .into_iter()
        .map(|price| {
            let p = products.get(&price.product_id);
            PriceRow {
                sku: p.map(|p| p.sku.clone()).unwrap_or_default(),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                price,
            }
        })
        .collect();
    prices.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok(SupplierDetail { supplier, prices })
}

/// Sets (adds or replaces) what a supplier charges for a product.
pub async fn set_price(
    db: &impl crate::db::Tx,
    actor: &Actor,
    supplier_id: i64,
    product_id: i64,
    price_minor: i64,
    min_quantity: i64,
) -> Result<supplier_prices::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let mut errors = FieldErrors::new();
    if price_minor < 0 {
        errors.insert("price".into(), messages::NOT_NEGATIVE.into());
    }
    if !(1..=MAX_QUANTITY).contains(&min_quantity) {
        errors.insert("min_quantity".into(), messages::QUANTITY_RANGE.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    suppliers::Entity::find_by_id(supplier_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    products::Entity::find_by_id(product_id)
        .filter(products::Column::Active.eq(true))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::field("product_id", messages::PRODUCT_MISSING))?;
    let now = Utc::now();
    supplier_prices::Entity::insert(supplier_prices::ActiveModel {
        supplier_id: Set(supplier_id),
        product_id: Set(product_id),
        price_minor: Set(price_minor),
        min_quantity: Set(min_quantity),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            supplier_prices::Column::SupplierId,
            supplier_prices::Column::ProductId,
        ])
        .update_columns([
            supplier_prices::Column::PriceMinor,
            supplier_prices::Column::MinQuantity,
            supplier_prices::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let price = supplier_prices::Entity::find()
        .filter(supplier_prices::Column::SupplierId.eq(supplier_id))
        .filter(supplier_prices::Column::ProductId.eq(product_id))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("supplier.price_set", "supplier", Some(supplier_id.to_string())).after(
            json!({"product_id": product_id, "price_minor": price_minor, "min_quantity": min_quantity}),
        ),
    )
    .await?;
    outbox::publish(
        &txn,
        "supplier.price_set",
        "supplier",
        supplier_id,
        json!({"product_id": product_id, "price_minor": price_minor, "min_quantity": min_quantity}),
    )
    .await?;
    txn.commit().await?;
    Ok(price)
}

/// Removes a supplier price.
pub async fn remove_price(
    db: &impl crate::db::Tx,
    actor: &Actor,
    supplier_id: i64,
    product_id: i64,
) -> Result<()> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let txn = db.begin().await?;
    let gone = supplier_prices::Entity::delete_many()
        .filter(supplier_prices::Column::SupplierId.eq(supplier_id))
        .filter(supplier_prices::Column::ProductId.eq(product_id))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 1 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new(
                "supplier.price_removed",
                "supplier",
                Some(supplier_id.to_string()),
            )
            .after(json!({"product_id": product_id})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The cheapest active supplier offer for each product (ties: shorter lead
/// time, then lower id).
pub async fn best_offers(
    db: &impl ConnectionTrait,
    product_ids: &[i64],
) -> Result<HashMap<i64, (suppliers::Model, supplier_prices::Model)>> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let prices = supplier_prices::Entity::find()
        .filter(supplier_prices::Column::ProductId.is_in(product_ids.iter().copied()))
        .all(db)
        .await?;
    let active: HashMap<i64, suppliers::Model> = suppliers::Entity::find()
        .filter(suppliers::Column::Active.eq(true))
        .filter(suppliers::Column::Id.is_in(prices.iter().map(|p| p.supplier_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut best: HashMap<i64, (suppliers::Model, supplier_prices::Model)> = HashMap::new();
    for price in prices {
        let Some(supplier) = active.get(&price.supplier_id) else {
            continue;
        };
        let better = match best.get(&price.product_id) {
            None => true,
            Some((s, p)) => {
                (price.price_minor, supplier.lead_time_days, supplier.id)
                    < (p.price_minor, s.lead_time_days, s.id)
            }
        };
        if better {
            best.insert(price.product_id, (supplier.clone(), price));
        }
    }
    Ok(best)
}
