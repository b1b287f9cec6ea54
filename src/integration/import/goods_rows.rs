//! Importing one row of products, opening stock or supplier prices through
//! the inventory and purchasing services.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    access::Actor,
    entities::{products as product_rows, stock_levels, suppliers, warehouses},
    inventory::products::{self, ProductInput},
    inventory::stock::{self, AdjustInput},
    messages,
    money::parse_rate,
    purchasing::purchase_orders as purchasing,
    Error, FieldErrors, Result,
};

use super::{
    row::{flag, money, number, refuse, required, Cache, Done, Row},
    Duplicates,
};

async fn product_by_sku(
    db: &impl ConnectionTrait,
    sku: &str,
) -> Result<Option<product_rows::Model>> {
    Ok(product_rows::Entity::find()
        .filter(product_rows::Column::Sku.eq(sku.trim().to_uppercase()))
        .one(db)
        .await?)
}

pub(super) async fn product_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let sku = required(row, "sku", &mut errors);
    let name = required(row, "name", &mut errors);
    required(row, "list_price", &mut errors);
    let list = money(row, "list_price", &mut errors);
    let cost = money(row, "cost_price", &mut errors);
    let tax = match row.get("tax_rate") {
        t if t.is_empty() => None,
        t => match parse_rate(&t, "tax_rate") {
            Ok(bp) => Some(bp),
            Err(Error::Validation(e)) => {
                errors.extend(e);
                None
            }
            Err(other) => return Err(other),
        },
    };
    let active = row.get("active");
    if !active.is_empty() && flag(&active).is_none() {
        errors.insert("active".into(), messages::IMPORT_YES_NO.into());
    }
    refuse(errors)?;
    let unit = row.get("unit");
    let input = ProductInput {
        sku: sku.clone(),
        name,
        description: row.get("description"),
        category: row.get("category"),
        unit: if unit.is_empty() { "pcs".into() } else { unit },
        list_price_minor: list.unwrap_or(0),
        cost_price_minor: cost,
        tax_rate_bp: tax.unwrap_or(0),
        barcode: row.get("barcode"),
        active: flag(&active).unwrap_or(true),
    };
    if let Some(existing) = product_by_sku(db, &sku).await? {
        match duplicates {
            Duplicates::Skip => return Ok(Done::Skipped),
            Duplicates::Update => {
                products::update(db, actor, existing.id, &input).await?;
                return Ok(Done::Updated);
            }
            // A SKU names one product: the service refuses the second.
            Duplicates::Create => {}
        }
    }
    products::create(db, actor, &input).await?;
    Ok(Done::Created)
}

pub(super) async fn stock_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let sku = required(row, "sku", &mut errors);
    let code = required(row, "warehouse", &mut errors);
    required(row, "quantity", &mut errors);
    let quantity = number::<i64>(row, "quantity", &mut errors);
    if quantity.is_some_and(|q| q < 0) {
        errors.insert("quantity".into(), messages::NOT_NEGATIVE.into());
    }
    refuse(errors)?;
    let product = product_by_sku(db, &sku)
        .await?
        .ok_or_else(|| Error::field("sku", messages::IMPORT_PRODUCT_UNKNOWN))?;
    let key = code.trim().to_uppercase();
    let warehouse = match cache.warehouses.get(&key) {
        Some(found) => *found,
        None => {
            let found = warehouses::Entity::find()
                .filter(warehouses::Column::Code.eq(key.clone()))
                .one(db)
                .await?
                .map(|w| w.id);
            cache.warehouses.insert(key, found);
            found
        }
    }
    .ok_or_else(|| Error::field("warehouse", messages::IMPORT_WAREHOUSE_UNKNOWN))?;
    let on_hand = stock_levels::Entity::find_by_id((product.id, warehouse))
        .one(db)
        .await?
        .map_or(0, |l| l.on_hand);
    let quantity = quantity.unwrap_or(0);
    // A product with stock there already is a duplicate: skip it, set it
    // to the file's count (update), or add the file's count (create).
    let (delta, done) = match (on_hand != 0, duplicates) {
        (true, Duplicates::Skip) => return Ok(Done::Skipped),
        (true, Duplicates::Update) => (quantity - on_hand, Done::Updated),
        (_, _) => (quantity, Done::Created),
    };
    if delta != 0 {
        stock::adjust(
            db,
            actor,
            &AdjustInput {
                product_id: product.id,
                warehouse_id: warehouse,
                quantity: delta,
                reason: "opening stock (import)".into(),
            },
        )
        .await?;
    }
    Ok(done)
}

pub(super) async fn price_row(
    db: &impl crate::db::Tx,
    actor: &Actor,
    cache: &mut Cache,
    row: &Row<'_>,
    duplicates: Duplicates,
) -> Result<Done> {
    let mut errors = FieldErrors::new();
    let supplier = required(row, "supplier", &mut errors);
    let sku = required(row, "sku", &mut errors);
    required(row, "price", &mut errors);
    let price = money(row, "price", &mut errors);
    let min = number::<i64>(row, "min_quantity", &mut errors);
    refuse(errors)?;
    let product = product_by_sku(db, &sku)
        .await?
        .ok_or_else(|| Error::field("sku", messages::IMPORT_PRODUCT_UNKNOWN))?;
    let key = purchasing::supplier_key(&supplier);
    let supplier_id = match cache.suppliers.get(&key) {
        Some(found) => *found,
        None => {
            let found = suppliers::Entity::find()
                .filter(suppliers::Column::NameKey.eq(key.clone()))
                .one(db)
                .await?
                .map(|s| s.id);
            cache.suppliers.insert(key, found);
            found
        }
    }
    .ok_or_else(|| Error::field("supplier", messages::IMPORT_SUPPLIER_UNKNOWN))?;
    let exists = crate::entities::supplier_prices::Entity::find()
        .filter(crate::entities::supplier_prices::Column::SupplierId.eq(supplier_id))
        .filter(crate::entities::supplier_prices::Column::ProductId.eq(product.id))
        .one(db)
        .await?
        .is_some();
    if exists && duplicates == Duplicates::Skip {
        return Ok(Done::Skipped);
    }
    // One price per supplier and product: "create" replaces it like "update".
    purchasing::set_price(
        db,
        actor,
        supplier_id,
        product.id,
        price.unwrap_or(0),
        min.unwrap_or(1),
    )
    .await?;
    Ok(if exists { Done::Updated } else { Done::Created })
}
