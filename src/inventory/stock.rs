//! The stock ledger. Every change of stock is an append-only move (receipt,
//! shipment, adjustment, transfer out / in, return); per product and
//! warehouse, `stock_levels` holds on hand (the sum of the moves) and
//! reserved (the sum of the open reservations of order lines), changed in
//! the same transaction as the moves and reservations that change them.
//!
//! Every change goes through [`lock`] + [`change`]: the level row is read
//! with a row lock (`FOR UPDATE` on PostgreSQL; SQLite has one writer), the
//! new quantities are checked, then written. The database's CHECK
//! constraints (on hand ≥ 0, 0 ≤ reserved ≤ on hand) are the backstop.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{
        products, sales_order_lines, sales_orders, shipment_lines, shipments, stock_levels,
        stock_moves, warehouses,
    },
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::users,
        inventory::warehouses as warehouse_service,
        platform::numbers,
        platform::outbox,
        platform::page::{paginate_after, Page},
    },
};

/// The kinds of stock move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveKind {
    /// Goods received (purchase, opening stock).
    Receipt,
    /// Goods shipped to a customer.
    Shipment,
    /// A correction after a count, damage, loss.
    Adjustment,
    /// Leaving for another warehouse.
    TransferOut,
    /// Arriving from another warehouse.
    TransferIn,
    /// Returned by a customer.
    Return,
}

impl MoveKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MoveKind::Receipt => "receipt",
            MoveKind::Shipment => "shipment",
            MoveKind::Adjustment => "adjustment",
            MoveKind::TransferOut => "transfer_out",
            MoveKind::TransferIn => "transfer_in",
            MoveKind::Return => "return",
        }
    }
}

/// The document a move belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Doc<'a> {
    pub kind: MoveKind,
    pub doc_type: &'a str,
    pub doc_id: Option<i64>,
    pub number: &'a str,
    pub reason: &'a str,
}

/// The outbox payload of a level.
fn level_event(level: &stock_levels::Model) -> serde_json::Value {
    json!({
        "product_id": level.product_id, "warehouse_id": level.warehouse_id,
        "on_hand": level.on_hand, "reserved": level.reserved,
        "available": level.on_hand - level.reserved,
    })
}

async fn find_locked(
    db: &impl ConnectionTrait,
    product_id: i64,
    warehouse_id: i64,
) -> Result<Option<stock_levels::Model>> {
    Ok(stock_levels::Entity::find_by_id((product_id, warehouse_id))
        .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
        .one(db)
        .await?)
}

/// The level of a product in a warehouse, row-locked for the rest of the
/// transaction (created at zero when the product never had stock there).
pub(crate) async fn lock(
    db: &impl ConnectionTrait,
    product_id: i64,
    warehouse_id: i64,
) -> Result<stock_levels::Model> {
    if let Some(level) = find_locked(db, product_id, warehouse_id).await? {
        return Ok(level);
    }
    stock_levels::Entity::insert(stock_levels::ActiveModel {
        product_id: Set(product_id),
        warehouse_id: Set(warehouse_id),
        on_hand: Set(0),
        reserved: Set(0),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            stock_levels::Column::ProductId,
            stock_levels::Column::WarehouseId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    find_locked(db, product_id, warehouse_id)
        .await?
        .ok_or_else(|| Error::Internal("stock level vanished".into()))
}

/// Changes a locked level by `on_hand` and `reserved`, writing the move
/// (when `doc` is given: the move's quantity is `on_hand`) and the outbox
/// event. Refuses what would make on hand negative or below reserved.
pub(crate) async fn change(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    level: &stock_levels::Model,
    on_hand: i64,
    reserved: i64,
    doc: Option<Doc<'_>>,
) -> Result<stock_levels::Model> {
    let new_on_hand = level.on_hand + on_hand;
    let new_reserved = level.reserved + reserved;
    if new_on_hand < 0 || new_reserved < 0 || new_reserved > new_on_hand {
        return Err(Error::field("quantity", messages::STOCK_BELOW_RESERVED));
    }
    let now = Utc::now();
    stock_levels::Entity::update_many()
        .col_expr(stock_levels::Column::OnHand, Expr::value(new_on_hand))
        .col_expr(stock_levels::Column::Reserved, Expr::value(new_reserved))
        .col_expr(stock_levels::Column::UpdatedAt, Expr::value(now))
        .filter(stock_levels::Column::ProductId.eq(level.product_id))
        .filter(stock_levels::Column::WarehouseId.eq(level.warehouse_id))
        .exec(db)
        .await?;
    if let Some(doc) = doc.filter(|_| on_hand != 0) {
        stock_moves::Entity::insert(stock_moves::ActiveModel {
            product_id: Set(level.product_id),
            warehouse_id: Set(level.warehouse_id),
            kind: Set(doc.kind.as_str().to_owned()),
            quantity: Set(on_hand),
            reason: Set(doc.reason.to_owned()),
            doc_type: Set(doc.doc_type.to_owned()),
            doc_id: Set(doc.doc_id),
            doc_number: Set(doc.number.to_owned()),
            actor_id: Set(actor_id),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
    }
    let after = stock_levels::Model {
        on_hand: new_on_hand,
        reserved: new_reserved,
        updated_at: now,
        ..level.clone()
    };
    crate::inventory::low_stock::check_low(
        db,
        level.product_id,
        level.warehouse_id,
        new_on_hand - new_reserved,
    )
    .await?;
    outbox::publish(
        db,
        "stock.changed",
        "stock_level",
        format!("{}:{}", level.product_id, level.warehouse_id),
        level_event(&after),
    )
    .await?;
    Ok(after)
}

/// Reserves up to `want` of a product in a warehouse for an order line:
/// what is available (on hand − reserved) under the row lock, never more.
/// Returns the quantity reserved.
pub(crate) async fn reserve(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    product_id: i64,
    warehouse_id: i64,
    want: i64,
) -> Result<i64> {
    if want <= 0 {
        return Ok(0);
    }
    let Some(level) = find_locked(db, product_id, warehouse_id).await? else {
        return Ok(0);
    };
    let take = want.min(level.on_hand - level.reserved).max(0);
    if take > 0 {
        change(db, actor_id, &level, 0, take, None).await?;
    }
    Ok(take)
}

/// Releases `quantity` reserved of a product in a warehouse.
pub(crate) async fn release(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    product_id: i64,
    warehouse_id: i64,
    quantity: i64,
) -> Result<()> {
    if quantity <= 0 {
        return Ok(());
    }
    let level = lock(db, product_id, warehouse_id).await?;
    change(db, actor_id, &level, 0, -quantity, None).await?;
    Ok(())
}

/// Available (on hand − reserved) of each product in one warehouse.
pub(crate) async fn available_in(
    db: &impl ConnectionTrait,
    product_ids: &[i64],
    warehouse_id: i64,
) -> Result<HashMap<i64, i64>> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(stock_levels::Entity::find()
        .filter(stock_levels::Column::WarehouseId.eq(warehouse_id))
        .filter(stock_levels::Column::ProductId.is_in(product_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.product_id, l.on_hand - l.reserved))
        .collect())
}

/// What the adjustment form sends.
#[derive(Clone, Debug, Default)]
pub struct AdjustInput {
    /// The product.
    pub product_id: i64,
    /// The warehouse.
    pub warehouse_id: i64,
    /// Signed quantity: positive adds, negative removes.
    pub quantity: i64,
    /// Why (required).
    pub reason: String,
}

const MAX_QUANTITY: i64 = 1_000_000;

fn reason(text: &str, errors: &mut FieldErrors) -> String {
    let reason = text.trim().to_owned();
    if reason.is_empty() {
        errors.insert("reason".into(), messages::REASON_REQUIRED.into());
    } else if reason.chars().count() > 500 {
        errors.insert("reason".into(), messages::MAX_500.into());
    }
    reason
}

async fn active_product(db: &impl ConnectionTrait, id: i64) -> Result<products::Model> {
    products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::field("product_id", messages::PRODUCT_MISSING))
}

/// Adjusts stock after a count, damage or loss; needs `stock.adjust` and a
/// reason. Removing more than is unreserved is refused.
pub async fn adjust(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &AdjustInput,
) -> Result<stock_levels::Model> {
    let actor = policy::require(actor, Permission::StockAdjust)?;
    let mut errors = FieldErrors::new();
    let reason = reason(&input.reason, &mut errors);
    if input.quantity == 0 || input.quantity.abs() > MAX_QUANTITY {
        errors.insert("quantity".into(), messages::ADJUST_RANGE.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let product = active_product(&txn, input.product_id).await?;
    let warehouse = warehouse_service::active(&txn, input.warehouse_id, "warehouse_id").await?;
    let level = lock(&txn, product.id, warehouse.id).await?;
    let after = change(
        &txn,
        Some(actor.user_id),
        &level,
        input.quantity,
        0,
        Some(Doc {
            kind: MoveKind::Adjustment,
            doc_type: "adjustment",
            doc_id: None,
            number: "",
            reason: &reason,
        }),
    )
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "stock.adjusted",
            "stock_level",
            Some(format!("{}:{}", product.id, warehouse.id)),
        )
        .before(json!({"on_hand": level.on_hand, "reserved": level.reserved}))
        .after(json!({"on_hand": after.on_hand, "reserved": after.reserved,
                "quantity": input.quantity, "reason": reason})),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// What the transfer form sends.
#[derive(Clone, Debug, Default)]
pub struct TransferInput {
    /// The product.
    pub product_id: i64,
    /// From this warehouse.
    pub from_warehouse_id: i64,
    /// To this warehouse.
    pub to_warehouse_id: i64,
    /// How many.
    pub quantity: i64,
    /// Why (optional).
    pub reason: String,
}

/// Moves stock between warehouses in one transaction: a transfer-out and a
/// transfer-in move under one number (`TRF-2026-000001`). Only unreserved
/// stock can leave. Returns the number.
pub async fn transfer(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &TransferInput,
) -> Result<String> {
    let actor = policy::require(actor, Permission::StockTransfer)?;
    let mut errors = FieldErrors::new();
    if !(1..=MAX_QUANTITY).contains(&input.quantity) {
        errors.insert("quantity".into(), messages::QUANTITY_RANGE.into());
    }
    if input.from_warehouse_id == input.to_warehouse_id {
        errors.insert("to_warehouse_id".into(), messages::TRANSFER_SAME.into());
    }
    let reason = input.reason.trim().to_owned();
    if reason.chars().count() > 500 {
        errors.insert("reason".into(), messages::MAX_500.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let product = active_product(&txn, input.product_id).await?;
    let from =
        warehouse_service::active(&txn, input.from_warehouse_id, "from_warehouse_id").await?;
    let to = warehouse_service::active(&txn, input.to_warehouse_id, "to_warehouse_id").await?;
    let number = numbers::next(&txn, "TRF", chrono::Datelike::year(&Utc::now())).await?;
    // Lock both levels in warehouse order so two opposite transfers cannot deadlock.
    let (first, second) = if from.id < to.id {
        (from.id, to.id)
    } else {
        (to.id, from.id)
    };
    let a = lock(&txn, product.id, first).await?;
    let b = lock(&txn, product.id, second).await?;
    let (out_level, in_level) = if from.id == first { (a, b) } else { (b, a) };
    if out_level.on_hand - out_level.reserved < input.quantity {
        return Err(Error::field("quantity", messages::TRANSFER_SHORT));
    }
    let doc = |kind| Doc {
        kind,
        doc_type: "transfer",
        doc_id: None,
        number: &number,
        reason: &reason,
    };
    change(
        &txn,
        Some(actor.user_id),
        &out_level,
        -input.quantity,
        0,
        Some(doc(MoveKind::TransferOut)),
    )
    .await?;
    change(
        &txn,
        Some(actor.user_id),
        &in_level,
        input.quantity,
        0,
        Some(doc(MoveKind::TransferIn)),
    )
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("stock.transferred", "product", Some(product.id.to_string())).after(json!({
            "number": number, "from": from.code, "to": to.code,
            "quantity": input.quantity, "reason": reason,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(number)
}

/// A product's stock in one warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelRow {
    /// The warehouse.
    pub warehouse: warehouses::Model,
    /// On hand.
    pub on_hand: i64,
    /// Reserved for orders.
    pub reserved: i64,
}

/// A product's stock in every warehouse (zero where it has none).
pub async fn levels(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
) -> Result<Vec<LevelRow>> {
    policy::require(actor, Permission::StockRead)?;
    let stored: HashMap<i64, stock_levels::Model> = stock_levels::Entity::find()
        .filter(stock_levels::Column::ProductId.eq(product_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.warehouse_id, l))
        .collect();
    Ok(warehouses::Entity::find()
        .order_by_asc(warehouses::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .filter(|w| w.active || stored.contains_key(&w.id))
        .map(|w| {
            let level = stored.get(&w.id);
            LevelRow {
                on_hand: level.map_or(0, |l| l.on_hand),
                reserved: level.map_or(0, |l| l.reserved),
                warehouse: w,
            }
        })
        .collect())
}

/// A move with the names a page shows.
#[derive(Clone, Debug)]
pub struct MoveRow {
    /// The move.
    pub entry: stock_moves::Model,
    /// Its warehouse's code.
    pub warehouse_code: String,
    /// Who made it.
    pub actor_name: Option<String>,
}

/// A product's moves, newest first (or after the API's cursor, in id order).
pub async fn moves(
    db: &impl ConnectionTrait,
    actor: &Actor,
    product_id: i64,
    warehouse_id: Option<i64>,
    after: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<Page<MoveRow>> {
    policy::require(actor, Permission::StockRead)?;
    let mut query = stock_moves::Entity::find()
        .filter(stock_moves::Column::ProductId.eq(product_id))
        .order_by_desc(stock_moves::Column::Id);
    if let Some(w) = warehouse_id {
        query = query.filter(stock_moves::Column::WarehouseId.eq(w));
    }
    let page = paginate_after(
        db,
        query,
        stock_moves::Column::Id,
        after,
        page,
        per_page,
        200,
    )
    .await?;
    let codes: HashMap<i64, String> = warehouses::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect();
    let names = users::names(db, page.items.iter().filter_map(|m| m.actor_id)).await?;
    Ok(page.map(|m| MoveRow {
        warehouse_code: codes.get(&m.warehouse_id).cloned().unwrap_or_default(),
        actor_name: m.actor_id.and_then(|id| names.get(&id).cloned()),
        entry: m,
    }))
}

/// One difference the ledger check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The product.
    pub product_id: i64,
    /// Its SKU.
    pub sku: String,
    /// The warehouse.
    pub warehouse_id: i64,
    /// Its code.
    pub warehouse_code: String,
    /// `on_hand`, `reserved` or `shipped` (an order line's shipped quantity
    /// against its shipped shipments).
    pub field: &'static str,
    /// What `stock_levels` (or the order line) holds.
    pub stored: i64,
    /// What the moves, reservations (or shipments) add up to.
    pub computed: i64,
}

#[derive(FromQueryResult)]
struct Sum {
    product_id: i64,
    warehouse_id: i64,
    total: Option<i64>,
}

/// Recomputes on hand from the moves and reserved from the open order
/// lines, and every line's shipped quantity from its shipments, and lists
/// what differs from what is stored. It reports; it never fixes.
pub async fn check_ledger(db: &impl ConnectionTrait) -> Result<Vec<Difference>> {
    let big = Alias::new("BIGINT");
    let moved: Vec<Sum> = stock_moves::Entity::find()
        .select_only()
        .column(stock_moves::Column::ProductId)
        .column(stock_moves::Column::WarehouseId)
        .column_as(
            Expr::col(stock_moves::Column::Quantity)
                .sum()
                .cast_as(big.clone()),
            "total",
        )
        .group_by(stock_moves::Column::ProductId)
        .group_by(stock_moves::Column::WarehouseId)
        .into_model()
        .all(db)
        .await?;
    let reserved: Vec<Sum> = sales_order_lines::Entity::find()
        .select_only()
        .column(sales_order_lines::Column::ProductId)
        .column_as(
            Expr::col((sales_orders::Entity, sales_orders::Column::WarehouseId)),
            "warehouse_id",
        )
        .column_as(
            Expr::col((
                sales_order_lines::Entity,
                sales_order_lines::Column::Reserved,
            ))
            .sum()
            .cast_as(big),
            "total",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            sales_order_lines::Entity::belongs_to(sales_orders::Entity)
                .from(sales_order_lines::Column::OrderId)
                .to(sales_orders::Column::Id)
                .into(),
        )
        .group_by(sales_order_lines::Column::ProductId)
        .group_by(Expr::col((
            sales_orders::Entity,
            sales_orders::Column::WarehouseId,
        )))
        .into_model()
        .all(db)
        .await?;
    let stored = stock_levels::Entity::find().all(db).await?;
    let mut keys: BTreeMap<(i64, i64), [i64; 4]> = BTreeMap::new();
    for l in &stored {
        let e = keys.entry((l.product_id, l.warehouse_id)).or_default();
        e[0] = l.on_hand;
        e[1] = l.reserved;
    }
    for s in moved {
        keys.entry((s.product_id, s.warehouse_id)).or_default()[2] = s.total.unwrap_or(0);
    }
    for s in reserved {
        keys.entry((s.product_id, s.warehouse_id)).or_default()[3] = s.total.unwrap_or(0);
    }
    let skus: HashMap<i64, String> = products::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.sku))
        .collect();
    let codes: HashMap<i64, String> = warehouses::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.code))
        .collect();
    let mut out = Vec::new();
    let named = |product_id: i64, warehouse_id: i64, field, stored, computed| Difference {
        product_id,
        sku: skus.get(&product_id).cloned().unwrap_or_default(),
        warehouse_id,
        warehouse_code: codes.get(&warehouse_id).cloned().unwrap_or_default(),
        field,
        stored,
        computed,
    };
    for ((p, w), [on_hand, reserved, moved, open]) in keys {
        if on_hand != moved {
            out.push(named(p, w, "on_hand", on_hand, moved));
        }
        if reserved != open {
            out.push(named(p, w, "reserved", reserved, open));
        }
    }
    // Each line's shipped quantity against its shipped shipments.
    let shipped: HashMap<i64, i64> = shipment_lines::Entity::find()
        .select_only()
        .column(shipment_lines::Column::OrderLineId)
        .column_as(
            Expr::col((shipment_lines::Entity, shipment_lines::Column::Quantity))
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            shipment_lines::Entity::belongs_to(shipments::Entity)
                .from(shipment_lines::Column::ShipmentId)
                .to(shipments::Column::Id)
                .into(),
        )
        .filter(shipments::Column::State.eq("shipped"))
        .group_by(shipment_lines::Column::OrderLineId)
        .into_tuple::<(i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(line, total)| (line, total.unwrap_or(0)))
        .collect();
    let lines = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::Shipped.gt(0))
        .all(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    for line in lines {
        seen.insert(line.id);
        let computed = shipped.get(&line.id).copied().unwrap_or(0);
        if computed != line.shipped {
            out.push(named(line.product_id, 0, "shipped", line.shipped, computed));
        }
    }
    for (line_id, computed) in shipped.into_iter().filter(|(id, _)| !seen.contains(id)) {
        if let Some(line) = sales_order_lines::Entity::find_by_id(line_id)
            .one(db)
            .await?
        {
            out.push(named(line.product_id, 0, "shipped", line.shipped, computed));
        }
    }
    Ok(out)
}

/// The ledger check for the admin page (`admin.audit`).
pub async fn check(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Difference>> {
    policy::require(actor, Permission::AdminAudit)?;
    check_ledger(db).await
}

/// Receives goods into a warehouse (opening stock, purchase receipts):
/// a receipt move under the given document.
pub(crate) async fn receive(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    product_id: i64,
    warehouse_id: i64,
    quantity: i64,
    number: &str,
    reason: &str,
) -> Result<stock_levels::Model> {
    let level = lock(db, product_id, warehouse_id).await?;
    change(
        db,
        actor_id,
        &level,
        quantity,
        0,
        Some(Doc {
            kind: MoveKind::Receipt,
            doc_type: "receipt",
            doc_id: None,
            number,
            reason,
        }),
    )
    .await
}
