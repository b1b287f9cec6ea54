//! Suppliers, supplier prices, purchase orders and receipts.
//!
//! A purchase order goes draft → sent → partially received → received →
//! closed (draft and sent ones may be cancelled; a partly received one may
//! be closed short). A receipt records what arrived: receipt moves into
//! the order's warehouse, and — in the same transaction — the backordered
//! sales-order lines of the received products in that warehouse are
//! reserved, oldest confirmed order first.
//!
//! Locks: a receipt takes the purchase order's row, then the rows of the
//! sales orders it may serve (by id), then the stock levels (by product) —
//! the same order (orders before levels) as confirming, shipping and
//! cancelling sales orders take them, so none of them deadlock. An order
//! confirmed while the receipt waited for a level is picked up after the
//! levels are held, with SKIP LOCKED, so it neither deadlocks nor is
//! forgotten.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use serde_json::json;

use crate::{
    auth::{policy, Actor, Permission},
    entities::{
        products, purchase_order_lines, purchase_orders, receipt_lines, receipts,
        sales_order_lines, sales_orders, supplier_prices, suppliers, warehouses,
    },
    messages,
    services::{
        audit::{self, Entry, Who},
        numbers,
        orders::{self, OrderState},
        outbox,
        page::{paginate, paginate_after, Page},
        scope::search_text,
        stock::{self, Doc, MoveKind},
        warehouses as warehouse_service,
    },
    Error, FieldErrors, Result,
};

/// Being prepared.
pub const DRAFT: &str = "draft";
/// Sent to the supplier.
pub const SENT: &str = "sent";
/// Some goods arrived.
pub const PARTIALLY_RECEIVED: &str = "partially_received";
/// Everything arrived.
pub const RECEIVED: &str = "received";
/// Done with (fully received, or closed short).
pub const CLOSED: &str = "closed";
/// Cancelled before anything arrived.
pub const CANCELLED: &str = "cancelled";
/// Every state, in the order of the flow.
pub const STATES: [&str; 6] = [DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CLOSED, CANCELLED];
/// States whose unreceived quantities count as incoming.
pub const OPEN_STATES: [&str; 3] = [DRAFT, SENT, PARTIALLY_RECEIVED];

use crate::services::orders::{MAX_LINES, MAX_QUANTITY};

/// Where a purchase order lives in the UI.
pub fn link(id: i64) -> String {
    format!("/purchase-orders/{id}")
}

/// What the supplier form sends.
#[derive(Clone, Debug, Default)]
pub struct SupplierInput {
    /// Name (unique, ignoring case).
    pub name: String,
    /// Contact person.
    pub contact_name: String,
    /// E-mail (optional).
    pub email: String,
    /// Phone (optional).
    pub phone: String,
    /// Days from order to arrival, 0–365.
    pub lead_time_days: i32,
    /// ISO currency of its prices.
    pub currency: String,
    /// Notes.
    pub notes: String,
    /// Offered for new purchase orders.
    pub active: bool,
}

fn check_supplier(input: &SupplierInput) -> Result<SupplierInput> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), messages::MAX_200.into());
    }
    let contact_name = input.contact_name.trim().to_owned();
    if contact_name.chars().count() > 200 {
        errors.insert("contact_name".into(), messages::MAX_200.into());
    }
    let email = input.email.trim().to_owned();
    if !email.is_empty() && crate::services::users::validate_email(&email).is_err() {
        errors.insert("email".into(), messages::EMAIL_INVALID.into());
    }
    let phone = input.phone.trim().to_owned();
    if phone.chars().count() > 50 {
        errors.insert("phone".into(), messages::MAX_60.into());
    }
    if !(0..=365).contains(&input.lead_time_days) {
        errors.insert("lead_time_days".into(), messages::LEAD_TIME_RANGE.into());
    }
    let currency =
        crate::services::normalize::currency_code(&input.currency).unwrap_or_else(|| {
            errors.insert("currency".into(), messages::CURRENCY_INVALID.into());
            String::new()
        });
    if input.notes.chars().count() > 2000 {
        errors.insert("notes".into(), messages::MAX_2000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(SupplierInput {
        name,
        contact_name,
        email,
        phone,
        currency,
        notes: input.notes.trim().to_owned(),
        ..input.clone()
    })
}

/// The key a supplier's name is unique and found by (the import looks
/// suppliers up by it): the name as entered, trimmed, in lower case.
pub fn supplier_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn name_taken(e: sea_orm::DbErr) -> Error {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            Error::field("name", messages::SUPPLIER_NAME_TAKEN)
        }
        _ => e.into(),
    }
}

/// Creates a supplier.
pub async fn create_supplier(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    input: &SupplierInput,
) -> Result<suppliers::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let input = check_supplier(input)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let supplier = suppliers::ActiveModel {
        name: Set(input.name.clone()),
        name_key: Set(supplier_key(&input.name)),
        contact_name: Set(input.contact_name.clone()),
        email: Set(input.email.clone()),
        phone: Set(input.phone.clone()),
        lead_time_days: Set(input.lead_time_days),
        currency: Set(input.currency.clone()),
        notes: Set(input.notes.clone()),
        active: Set(input.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(name_taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "supplier.created",
            "supplier",
            Some(supplier.id.to_string()),
        )
        .after(json!({"name": supplier.name, "lead_time_days": supplier.lead_time_days})),
    )
    .await?;
    outbox::publish(
        &txn,
        "supplier.created",
        "supplier",
        supplier.id,
        json!({"name": supplier.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(supplier)
}

/// Changes a supplier.
pub async fn update_supplier(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    input: &SupplierInput,
) -> Result<suppliers::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let input = check_supplier(input)?;
    let txn = db.begin().await?;
    let before = suppliers::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut model: suppliers::ActiveModel = before.clone().into();
    model.name = Set(input.name.clone());
    model.name_key = Set(supplier_key(&input.name));
    model.contact_name = Set(input.contact_name.clone());
    model.email = Set(input.email.clone());
    model.phone = Set(input.phone.clone());
    model.lead_time_days = Set(input.lead_time_days);
    model.currency = Set(input.currency.clone());
    model.notes = Set(input.notes.clone());
    model.active = Set(input.active);
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await.map_err(name_taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("supplier.updated", "supplier", Some(id.to_string()))
            .before(json!({"name": before.name, "lead_time_days": before.lead_time_days, "active": before.active}))
            .after(json!({"name": after.name, "lead_time_days": after.lead_time_days, "active": after.active})),
    )
    .await?;
    outbox::publish(
        &txn,
        "supplier.updated",
        "supplier",
        id,
        json!({"name": after.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Suppliers by name (active ones only unless `all`), optionally matching `q`.
pub async fn suppliers(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    q: Option<&str>,
    all: bool,
    page: u64,
    per_page: u64,
) -> Result<Page<suppliers::Model>> {
    policy::require(actor, Permission::PurchasingRead)?;
    let mut query = suppliers::Entity::find().order_by_asc(suppliers::Column::NameKey);
    if !all {
        query = query.filter(suppliers::Column::Active.eq(true));
    }
    if let Some(text) = search_text(q)? {
        query = query.filter(suppliers::Column::NameKey.contains(text.to_lowercase()));
    }
    paginate(db, query, page, per_page, 500).await
}

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
pub async fn supplier(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<SupplierDetail> {
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

async fn product_map(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, products::Model>> {
    let ids: BTreeSet<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(products::Entity::find()
        .filter(products::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Sets (adds or replaces) what a supplier charges for a product.
pub async fn set_price(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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

/// Moves a purchase order from one of `from` to `to` (a repeated request
/// that finds it already in `to` changes nothing).
async fn transition(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    from: &[&str],
    to: &str,
    event: &'static str,
) -> Result<purchase_orders::Model> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut update = purchase_orders::Entity::update_many()
        .col_expr(purchase_orders::Column::State, Expr::value(to))
        .col_expr(purchase_orders::Column::UpdatedAt, Expr::value(now))
        .filter(purchase_orders::Column::Id.eq(id))
        .filter(purchase_orders::Column::State.is_in(from.iter().copied()));
    if to == SENT {
        update = update.col_expr(purchase_orders::Column::SentAt, Expr::value(now));
    }
    if to == CLOSED || to == CANCELLED {
        update = update.col_expr(purchase_orders::Column::ClosedAt, Expr::value(now));
    }
    let changed = update.exec(&txn).await?;
    let po = purchase_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if changed.rows_affected == 0 {
        if po.state == to {
            txn.commit().await?;
            return Ok(po);
        }
        return Err(Error::Conflict(messages::PO_TRANSITION_REFUSED.into()));
    }
    let payload = json!({"number": po.number, "supplier_id": po.supplier_id, "state": to});
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(event, "purchase_order", Some(id.to_string())).after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, event, "purchase_order", id, payload).await?;
    txn.commit().await?;
    Ok(po)
}

/// Sends a draft to the supplier.
pub async fn send(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    transition(db, actor, id, &[DRAFT], SENT, "purchase_order.sent").await
}

/// Cancels a draft or sent order (nothing has arrived).
pub async fn cancel(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    transition(
        db,
        actor,
        id,
        &[DRAFT, SENT],
        CANCELLED,
        "purchase_order.cancelled",
    )
    .await
}

/// Closes a received order, or a partly received one short (the rest is no
/// longer expected).
pub async fn close(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
) -> Result<purchase_orders::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    transition(
        db,
        actor,
        id,
        &[RECEIVED, PARTIALLY_RECEIVED],
        CLOSED,
        "purchase_order.closed",
    )
    .await
}

/// What a receipt did.
#[derive(Clone, Debug)]
pub struct Received {
    /// The receipt.
    pub receipt: receipts::Model,
    /// The purchase order after it.
    pub order: purchase_orders::Model,
    /// Units reserved for backordered sales orders, per sales order number.
    pub reserved: Vec<(String, i64)>,
}

/// Records goods arriving for a sent purchase order: `lines` are (purchase
/// order line, quantity); none receives everything outstanding. Writes
/// receipt moves and reserves backorders oldest first, in one transaction.
pub async fn receive(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    lines: &[(i64, i64)],
) -> Result<Received> {
    let actor = policy::require(actor, Permission::PurchasingReceive)?;
    let txn = db.begin().await?;
    let po = purchase_orders::Entity::find_by_id(id)
        .lock(LockType::NoKeyUpdate)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if po.state != SENT && po.state != PARTIALLY_RECEIVED {
        return Err(Error::Conflict(messages::PO_NOT_RECEIVABLE.into()));
    }
    let po_lines: HashMap<i64, purchase_order_lines::Model> = purchase_order_lines::Entity::find()
        .filter(purchase_order_lines::Column::PurchaseOrderId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let mut taking: Vec<(&purchase_order_lines::Model, i64)> = Vec::new();
    if lines.is_empty() {
        let mut all: Vec<&purchase_order_lines::Model> = po_lines.values().collect();
        all.sort_by_key(|l| l.id);
        for l in all {
            if l.quantity > l.received {
                taking.push((l, l.quantity - l.received));
            }
        }
    } else {
        let mut errors = FieldErrors::new();
        for (i, (line_id, quantity)) in lines.iter().enumerate() {
            match po_lines.get(line_id) {
                None => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(_) if *quantity == 0 => {}
                Some(l) if taking.iter().any(|(t, _)| t.id == l.id) => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(l) if *quantity < 0 || *quantity > l.quantity - l.received => {
                    errors.insert(
                        format!("lines.{i}.quantity"),
                        messages::RECEIVE_TOO_MUCH.into(),
                    );
                }
                Some(l) => taking.push((l, *quantity)),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
    }
    if taking.is_empty() {
        return Err(Error::Conflict(messages::NOTHING_TO_RECEIVE.into()));
    }
    let products: BTreeSet<i64> = taking.iter().map(|(l, _)| l.product_id).collect();
    // The sales orders waiting for these products here, locked oldest id
    // first before any stock level (see the module's note on locks).
    let waiting = waiting_orders(&txn, po.warehouse_id, &products).await?;
    let mut locked = Vec::new();
    for order_id in &waiting {
        if let Some(order) = orders::lock_in(
            &txn,
            *order_id,
            &[OrderState::Confirmed, OrderState::PartiallyShipped],
        )
        .await?
        {
            locked.push(order);
        }
    }
    let now = Utc::now();
    let number = numbers::next(&txn, "RC", now.year()).await?;
    let receipt = receipts::ActiveModel {
        number: Set(number),
        purchase_order_id: Set(po.id),
        warehouse_id: Set(po.warehouse_id),
        received_by: Set(Some(actor.user_id)),
        received_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    receipt_lines::Entity::insert_many(taking.iter().map(|(l, q)| receipt_lines::ActiveModel {
        receipt_id: Set(receipt.id),
        purchase_order_line_id: Set(l.id),
        product_id: Set(l.product_id),
        quantity: Set(*q),
        ..Default::default()
    }))
    .exec_without_returning(&txn)
    .await?;
    let mut by_product = taking.clone();
    by_product.sort_by_key(|(l, _)| (l.product_id, l.id));
    for (line, quantity) in &by_product {
        let level = stock::lock(&txn, line.product_id, po.warehouse_id).await?;
        stock::change(
            &txn,
            Some(actor.user_id),
            &level,
            *quantity,
            0,
            Some(Doc {
                kind: MoveKind::Receipt,
                doc_type: "receipt",
                doc_id: Some(receipt.id),
                number: &receipt.number,
                reason: &po.number,
            }),
        )
        .await?;
        let moved = purchase_order_lines::Entity::update_many()
            .col_expr(
                purchase_order_lines::Column::Received,
                Expr::col(purchase_order_lines::Column::Received).add(*quantity),
            )
            .filter(purchase_order_lines::Column::Id.eq(line.id))
            .filter(purchase_order_lines::Column::Received.eq(line.received))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(Error::Conflict(messages::RECEIVE_TOO_MUCH.into()));
        }
    }
    let complete = purchase_order_lines::Entity::find()
        .filter(purchase_order_lines::Column::PurchaseOrderId.eq(id))
        .all(&txn)
        .await?
        .iter()
        .all(|l| l.received == l.quantity);
    let state = if complete {
        RECEIVED
    } else {
        PARTIALLY_RECEIVED
    };
    purchase_orders::Entity::update_many()
        .col_expr(purchase_orders::Column::State, Expr::value(state))
        .col_expr(purchase_orders::Column::UpdatedAt, Expr::value(now))
        .filter(purchase_orders::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    // Orders confirmed (with a backorder) while we waited for the levels
    // committed before we got them: take those too, skipping any another
    // transaction holds (shipping or cancelling it) rather than waiting for
    // it with the levels held.
    for order_id in waiting_orders(&txn, po.warehouse_id, &products).await? {
        if locked.iter().any(|o| o.id == order_id) {
            continue;
        }
        if let Some(order) = orders::try_lock_in(
            &txn,
            order_id,
            &[OrderState::Confirmed, OrderState::PartiallyShipped],
        )
        .await?
        {
            locked.push(order);
        }
    }
    // First come, first served: the oldest confirmed order takes first.
    locked.sort_by_key(|o| (o.confirmed_at, o.id));
    let mut reserved = Vec::new();
    for order in &locked {
        let mut lines: Vec<sales_order_lines::Model> = sales_order_lines::Entity::find()
            .filter(sales_order_lines::Column::OrderId.eq(order.id))
            .filter(sales_order_lines::Column::ProductId.is_in(products.iter().copied()))
            .all(&txn)
            .await?;
        let taken =
            orders::reserve_lines(&txn, actor.user_id, order.warehouse_id, &mut lines).await?;
        if taken > 0 {
            audit::record(
                &txn,
                Who::Actor(actor),
                Entry::new("order.reserved", "order", Some(order.id.to_string()))
                    .after(json!({"reserved": taken, "receipt": receipt.number})),
            )
            .await?;
            outbox::publish(
                &txn,
                "order.reserved",
                "order",
                order.id,
                json!({"number": order.number, "reserved": taken, "receipt": receipt.number}),
            )
            .await?;
            reserved.push((order.number.clone(), taken));
        }
    }
    let payload = json!({
        "number": po.number, "receipt": receipt.number, "warehouse_id": po.warehouse_id,
        "state": state,
        "lines": taking.iter().map(|(l, q)| json!({"product_id": l.product_id, "quantity": q}))
            .collect::<Vec<_>>(),
        "reserved": reserved.iter().map(|(n, q)| json!({"order": n, "quantity": q})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "purchase_order.received",
            "purchase_order",
            Some(id.to_string()),
        )
        .after(payload.clone()),
    )
    .await?;
    outbox::publish(
        &txn,
        "purchase_order.received",
        "purchase_order",
        id,
        payload,
    )
    .await?;
    let order = purchase_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    txn.commit().await?;
    Ok(Received {
        receipt,
        order,
        reserved,
    })
}

/// Confirmed or partly shipped sales orders in a warehouse with a line of
/// one of `products` still backordered, by id.
async fn waiting_orders(
    db: &impl ConnectionTrait,
    warehouse_id: i64,
    products: &BTreeSet<i64>,
) -> Result<Vec<i64>> {
    let backordered = sales_order_lines::Entity::find()
        .select_only()
        .column(sales_order_lines::Column::OrderId)
        .filter(sales_order_lines::Column::ProductId.is_in(products.iter().copied()))
        .filter(orders::backordered());
    Ok(sales_orders::Entity::find()
        .select_only()
        .column(sales_orders::Column::Id)
        .filter(sales_orders::Column::WarehouseId.eq(warehouse_id))
        .filter(sales_orders::Column::State.is_in([
            OrderState::Confirmed.as_str(),
            OrderState::PartiallyShipped.as_str(),
        ]))
        .filter(sales_orders::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(backordered)))
        .order_by_asc(sales_orders::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// Units on open purchase orders not yet received, per (product, warehouse).
pub async fn incoming(
    db: &impl ConnectionTrait,
    product_ids: Option<&[i64]>,
) -> Result<HashMap<(i64, i64), i64>> {
    let mut query = purchase_order_lines::Entity::find()
        .select_only()
        .column(purchase_order_lines::Column::ProductId)
        .column_as(
            Expr::col((
                purchase_orders::Entity,
                purchase_orders::Column::WarehouseId,
            )),
            "warehouse_id",
        )
        .column_as(
            Expr::expr(
                Expr::col(purchase_order_lines::Column::Quantity)
                    .sub(Expr::col(purchase_order_lines::Column::Received)),
            )
            .sum()
            .cast_as(Alias::new("BIGINT")),
            "open",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            purchase_order_lines::Entity::belongs_to(purchase_orders::Entity)
                .from(purchase_order_lines::Column::PurchaseOrderId)
                .to(purchase_orders::Column::Id)
                .into(),
        )
        .filter(purchase_orders::Column::State.is_in(OPEN_STATES))
        .group_by(purchase_order_lines::Column::ProductId)
        .group_by(Expr::col((
            purchase_orders::Entity,
            purchase_orders::Column::WarehouseId,
        )));
    if let Some(ids) = product_ids {
        query = query.filter(purchase_order_lines::Column::ProductId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i64, i64, Option<i64>)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(p, w, q)| ((p, w), q.unwrap_or(0)))
        .filter(|(_, q)| *q > 0)
        .collect())
}

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
pub async fn get(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<PoDetail> {
    policy::require(actor, Permission::PurchasingRead)?;
    let order = purchase_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    detail_of(db, order).await
}

/// The detail of a purchase order the caller already holds: the one [`get`]
/// found, or the one a write ([`create`], [`send`], [`cancel`],
/// [`receive`]) returned, completed in that write's own transaction. It
/// checks no permission itself: the read's or the write's own check stood
/// for it, so a caller who may write or receive purchase orders but not read
/// them still gets what it wrote.
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
    actor: Option<&Actor>,
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
