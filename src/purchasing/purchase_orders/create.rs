//! Creating a draft purchase order.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{purchase_order_lines, purchase_orders, supplier_prices, suppliers},
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        inventory::warehouses as warehouse_service,
        platform::numbers,
        platform::outbox,
        sales::orders::{MAX_LINES, MAX_QUANTITY},
    },
};

use super::{product_map, DRAFT};

/// A line of a new purchase order.
#[derive(Clone, Debug)]
pub struct PoLineInput {
    /// The product.
    pub product_id: i64,
    /// Quantity, 1–1,000,000.
    pub quantity: i64,
    /// Unit price; `None` takes the supplier's price, else the cost price.
    pub unit_price_minor: Option<i64>,
}

/// What a new purchase order holds.
#[derive(Clone, Debug)]
pub struct PoInput {
    /// The supplier.
    pub supplier_id: i64,
    /// Where the goods arrive.
    pub warehouse_id: i64,
    /// Expected arrival; `None` for today + the supplier's lead time.
    pub expected_on: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
    /// Lines.
    pub lines: Vec<PoLineInput>,
}

/// Creates a draft purchase order (`PO-2026-000123`).
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &PoInput,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let mut errors = FieldErrors::new();
    if input.lines.is_empty() {
        errors.insert("lines".into(), messages::ORDER_NO_LINES.into());
    } else if input.lines.len() > MAX_LINES {
        errors.insert("lines".into(), messages::ORDER_TOO_MANY_LINES.into());
    }
    for (i, line) in input.lines.iter().enumerate() {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            errors.insert(
                format!("lines.{i}.quantity"),
                messages::QUANTITY_RANGE.into(),
            );
        }
        if line.unit_price_minor.is_some_and(|p| p < 0) {
            errors.insert(
                format!("lines.{i}.unit_price"),
                messages::NOT_NEGATIVE.into(),
            );
        }
    }
    if input.notes.chars().count() > 2000 {
        errors.insert("notes".into(), messages::MAX_2000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let supplier = suppliers::Entity::find_by_id(input.supplier_id)
        .filter(suppliers::Column::Active.eq(true))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::field("supplier_id", messages::SUPPLIER_MISSING))?;
    warehouse_service::active(&txn, input.warehouse_id, "warehouse_id").await?;
    let product_ids: Vec<i64> = input.lines.iter().map(|l| l.product_id).collect();
    let products = product_map(&txn, product_ids.iter().copied()).await?;
    let prices: HashMap<i64, i64> = supplier_prices::Entity::find()
        .filter(supplier_prices::Column::SupplierId.eq(supplier.id))
        .filter(supplier_prices::Column::ProductId.is_in(product_ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.product_id, p.price_minor))
        .collect();
    let mut lines = Vec::new();
    let mut total: i64 = 0;
    for (i, line) in input.lines.iter().enumerate() {
        let Some(product) = products.get(&line.product_id).filter(|p| p.active) else {
            errors.insert(
                format!("lines.{i}.product_id"),
                messages::PRODUCT_MISSING.into(),
            );
            continue;
        };
        let price = line
            .unit_price_minor
            .or_else(|| prices.get(&product.id).copied())
            .unwrap_or(product.cost_price_minor);
        let Some(net) = line.quantity.checked_mul(price) else {
            errors.insert(
                format!("lines.{i}.unit_price"),
                messages::AMOUNT_TOO_LARGE.into(),
            );
            continue;
        };
        total = total.saturating_add(net);
        lines.push((product.id, line.quantity, price, net));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let now = Utc::now();
    let number = numbers::next(&txn, "PO", now.year()).await?;
    let expected = input.expected_on.unwrap_or_else(|| {
        now.date_naive() + chrono::Duration::days(i64::from(supplier.lead_time_days))
    });
    let po = purchase_orders::ActiveModel {
        number: Set(number),
        supplier_id: Set(supplier.id),
        warehouse_id: Set(input.warehouse_id),
        state: Set(DRAFT.into()),
        currency: Set(supplier.currency.clone()),
        total_minor: Set(total),
        expected_on: Set(Some(expected)),
        notes: Set(input.notes.trim().to_owned()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        sent_at: Set(None),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    purchase_order_lines::Entity::insert_many(lines.iter().map(
        |&(product, quantity, price, net)| purchase_order_lines::ActiveModel {
            purchase_order_id: Set(po.id),
            product_id: Set(product),
            quantity: Set(quantity),
            received: Set(0),
            unit_price_minor: Set(price),
            net_minor: Set(net),
            ..Default::default()
        },
    ))
    .exec_without_returning(&txn)
    .await?;
    let payload = json!({
        "number": po.number, "supplier_id": supplier.id, "warehouse_id": po.warehouse_id,
        "total_minor": total, "currency": po.currency,
        "lines": lines.iter().map(|(p, q, u, _)| json!({"product_id": p, "quantity": q, "unit_price_minor": u}))
            .collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "purchase_order.created",
            "purchase_order",
            Some(po.id.to_string()),
        )
        .after(payload.clone()),
    )
    .await?;
    outbox::publish(
        &txn,
        "purchase_order.created",
        "purchase_order",
        po.id,
        payload,
    )
    .await?;
    txn.commit().await?;
    Ok(po)
}
