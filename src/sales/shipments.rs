//! Shipments: the warehouse ships all or part of what an order has
//! reserved. Creating one sets quantities aside for picking (a picking
//! list); marking it shipped (carrier, tracking) writes the shipment moves,
//! lowers on hand and reserved, and moves the order to partially shipped
//! or shipped — all in one transaction.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Alias, Expr},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{customers, products, sales_order_lines, sales_orders, shipment_lines, shipments},
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::scope::owned,
        crm::customers as customer_service,
        crm::timeline::{self, Event},
        inventory::stock::{self, Doc, MoveKind},
        platform::numbers,
        platform::outbox,
        platform::page::{paginate_after, Page},
        sales::orders::{self, OrderState},
        sales::stats,
    },
};

/// Open shipment: being picked.
pub const OPEN: &str = "open";
/// Shipped.
pub const SHIPPED: &str = "shipped";
/// Cancelled.
pub const CANCELLED: &str = "cancelled";

/// Quantities of each line of an order in open shipments.
pub(crate) async fn open_quantities(
    db: &impl ConnectionTrait,
    order_id: i64,
) -> Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, Option<i64>)> = shipment_lines::Entity::find()
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
        .filter(shipments::Column::OrderId.eq(order_id))
        .filter(shipments::Column::State.eq(OPEN))
        .group_by(shipment_lines::Column::OrderLineId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(l, q)| (l, q.unwrap_or(0))).collect())
}

/// Where a shipment lives in the UI.
pub fn link(id: i64) -> String {
    format!("/shipments/{id}")
}

/// Creates a shipment for `lines` ((order line, quantity)); with no lines,
/// for everything reserved that is not already in an open shipment.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    order_id: i64,
    lines: &[(i64, i64)],
) -> Result<shipments::Model> {
    let actor = policy::require(actor, Permission::ShipmentsWrite)?;
    let txn = db.begin().await?;
    let Some(order) = orders::lock_in(
        &txn,
        order_id,
        &[OrderState::Confirmed, OrderState::PartiallyShipped],
    )
    .await?
    else {
        return Err(
            match sales_orders::Entity::find_by_id(order_id).one(&txn).await? {
                None => Error::NotFound,
                Some(_) => Error::Conflict(messages::TRANSITION_REFUSED.into()),
            },
        );
    };
    let order_lines: HashMap<i64, sales_order_lines::Model> = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let open = open_quantities(&txn, order_id).await?;
    let free = |l: &sales_order_lines::Model| l.reserved - open.get(&l.id).copied().unwrap_or(0);
    let mut picked: Vec<(i64, i64, i64)> = Vec::new();
    if lines.is_empty() {
        let mut all: Vec<&sales_order_lines::Model> = order_lines.values().collect();
        all.sort_by_key(|l| l.line_no);
        for l in all {
            if free(l) > 0 {
                picked.push((l.id, l.product_id, free(l)));
            }
        }
        if picked.is_empty() {
            return Err(Error::Conflict(messages::NOTHING_TO_SHIP.into()));
        }
    } else {
        let mut errors = FieldErrors::new();
        for (i, (line_id, quantity)) in lines.iter().enumerate() {
            match order_lines.get(line_id) {
                None => {
                    errors.insert(format!("lines.{i}.line_id"), messages::LINE_MISMATCH.into());
                }
                Some(_) if *quantity == 0 => {}
                Some(l) if *quantity < 0 || *quantity > free(l) => {
                    errors.insert(
                        format!("lines.{i}.quantity"),
                        messages::SHIP_TOO_MUCH.into(),
                    );
                }
                Some(l) => picked.push((l.id, l.product_id, *quantity)),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if picked.is_empty() {
            return Err(Error::Conflict(messages::NOTHING_TO_SHIP.into()));
        }
    }
    let now = Utc::now();
    let number = numbers::next(&txn, "SH", now.year()).await?;
    let shipment = shipments::ActiveModel {
        number: Set(number),
        order_id: Set(order_id),
        warehouse_id: Set(order.warehouse_id),
        state: Set(OPEN.into()),
        carrier: Set(String::new()),
        tracking: Set(String::new()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        shipped_by: Set(None),
        shipped_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    shipment_lines::Entity::insert_many(picked.iter().map(|&(line, product, quantity)| {
        shipment_lines::ActiveModel {
            shipment_id: Set(shipment.id),
            order_line_id: Set(line),
            product_id: Set(product),
            quantity: Set(quantity),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("shipment.created", "shipment", Some(shipment.id.to_string())).after(json!({
            "number": shipment.number, "order": order.number,
            "lines": picked.iter().map(|(l, p, q)| json!({"line_id": l, "product_id": p, "quantity": q}))
                .collect::<Vec<_>>(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(shipment)
}

fn clean(text: &str, field: &str, required: bool, errors: &mut FieldErrors) -> String {
    let value = text.trim().to_owned();
    if required && value.is_empty() {
        errors.insert(field.into(), messages::CARRIER_REQUIRED.into());
    } else if value.chars().count() > 100 {
        errors.insert(field.into(), messages::MAX_100.into());
    }
    value
}

/// Marks an open shipment shipped with its carrier and tracking number:
/// the shipment moves leave the warehouse, on hand and reserved go down,
/// the order lines count what shipped, and the order becomes partially
/// shipped or shipped. Repeating it changes nothing.
pub async fn ship(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    carrier: &str,
    tracking: &str,
) -> Result<shipments::Model> {
    let actor = policy::require(actor, Permission::ShipmentsWrite)?;
    let mut errors = FieldErrors::new();
    let carrier = clean(carrier, "carrier", true, &mut errors);
    let tracking = clean(tracking, "tracking", false, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    let seen = shipments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    match seen.state.as_str() {
        SHIPPED => {
            txn.commit().await?;
            return Ok(seen);
        }
        OPEN => {}
        _ => return Err(Error::Conflict(messages::SHIPMENT_NOT_OPEN.into())),
    }
    // The order's row first, then the shipment's: the same order as
    // cancelling an order takes them, so the two cannot deadlock.
    let Some(order) = orders::lock_in(
        &txn,
        seen.order_id,
        &[OrderState::Confirmed, OrderState::PartiallyShipped],
    )
    .await?
    else {
        return Err(Error::Conflict(messages::TRANSITION_REFUSED.into()));
    };
    let flipped = shipments::Entity::update_many()
        .col_expr(shipments::Column::State, Expr::value(SHIPPED))
        .col_expr(shipments::Column::Carrier, Expr::value(carrier.clone()))
        .col_expr(shipments::Column::Tracking, Expr::value(tracking.clone()))
        .col_expr(shipments::Column::ShippedBy, Expr::value(actor.user_id))
        .col_expr(shipments::Column::ShippedAt, Expr::value(now))
        .filter(shipments::Column::Id.eq(id))
        .filter(shipments::Column::State.eq(OPEN))
        .exec(&txn)
        .await?;
    let shipment = shipments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if flipped.rows_affected == 0 {
        // Shipped (or cancelled) by someone else while we waited for the order.
        if shipment.state == SHIPPED {
            txn.commit().await?;
            return Ok(shipment);
        }
        return Err(Error::Conflict(messages::SHIPMENT_NOT_OPEN.into()));
    }
    let mut lines = shipment_lines::Entity::find()
        .filter(shipment_lines::Column::ShipmentId.eq(id))
        .all(&txn)
        .await?;
    lines.sort_by_key(|l| (l.product_id, l.id));
    for line in &lines {
        let level = stock::lock(&txn, line.product_id, shipment.warehouse_id).await?;
        stock::change(
            &txn,
            Some(actor.user_id),
            &level,
            -line.quantity,
            -line.quantity,
            Some(Doc {
                kind: MoveKind::Shipment,
                doc_type: "shipment",
                doc_id: Some(shipment.id),
                number: &shipment.number,
                reason: "",
            }),
        )
        .await?;
        let moved = sales_order_lines::Entity::update_many()
            .col_expr(
                sales_order_lines::Column::Reserved,
                Expr::col(sales_order_lines::Column::Reserved).sub(line.quantity),
            )
            .col_expr(
                sales_order_lines::Column::Shipped,
                Expr::col(sales_order_lines::Column::Shipped).add(line.quantity),
            )
            .filter(sales_order_lines::Column::Id.eq(line.order_line_id))
            .filter(sales_order_lines::Column::Reserved.gte(line.quantity))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(Error::Conflict(messages::SHIP_TOO_MUCH.into()));
        }
    }
    let order_lines = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order.id))
        .all(&txn)
        .await?;
    let complete = order_lines.iter().all(|l| l.shipped == l.quantity);
    let from = order.state;
    let to = if complete {
        OrderState::Shipped
    } else {
        OrderState::PartiallyShipped
    };
    if from != to {
        from.check(to)?;
        let counted = stats::Snapshot::take(&txn, vec![order.id]).await?;
        sales_orders::Entity::update_many()
            .col_expr(sales_orders::Column::State, Expr::value(to.as_str()))
            .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
            .filter(sales_orders::Column::Id.eq(order.id))
            .exec(&txn)
            .await?;
        counted.apply(&txn).await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("shipment.shipped", "shipment", Some(id.to_string())).after(json!({
            "number": shipment.number, "order": order.number, "carrier": carrier,
            "tracking": tracking, "order_state": to.as_str(),
            "lines": lines.iter().map(|l| json!({"line_id": l.order_line_id, "quantity": l.quantity}))
                .collect::<Vec<_>>(),
        })),
    )
    .await?;
    outbox::publish(
        &txn,
        "order.shipped",
        "order",
        order.id,
        json!({
            "number": order.number, "shipment": shipment.number, "customer_id": order.customer_id,
            "carrier": carrier, "tracking": tracking, "complete": complete,
            "lines": lines.iter().map(|l| json!({"product_id": l.product_id, "quantity": l.quantity}))
                .collect::<Vec<_>>(),
        }),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: "shipment.shipped",
            summary: if tracking.is_empty() {
                format!("{} · {} · {}", shipment.number, order.number, carrier)
            } else {
                format!(
                    "{} · {} · {} {}",
                    shipment.number, order.number, carrier, tracking
                )
            },
            link: orders::link(order.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(shipment)
}

/// Cancels an open shipment (the quantities stay reserved on the order).
pub async fn cancel(db: &impl crate::db::Tx, actor: &Actor, id: i64) -> Result<shipments::Model> {
    let actor = policy::require(actor, Permission::ShipmentsWrite)?;
    let txn = db.begin().await?;
    let flipped = shipments::Entity::update_many()
        .col_expr(shipments::Column::State, Expr::value(CANCELLED))
        .filter(shipments::Column::Id.eq(id))
        .filter(shipments::Column::State.eq(OPEN))
        .exec(&txn)
        .await?;
    let shipment = shipments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if flipped.rows_affected == 0 && shipment.state != CANCELLED {
        return Err(Error::Conflict(messages::SHIPMENT_NOT_OPEN.into()));
    }
    if flipped.rows_affected == 1 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("shipment.cancelled", "shipment", Some(id.to_string()))
                .after(json!({"number": shipment.number})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(shipment)
}

/// A line of a shipment, for the picking list.
#[derive(Clone, Debug)]
pub struct PickLine {
    /// The shipment line.
    pub line: shipment_lines::Model,
    /// SKU.
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Barcode.
    pub barcode: Option<String>,
}

/// A shipment with what its page and picking list show.
#[derive(Clone, Debug)]
pub struct ShipmentDetail {
    /// The shipment.
    pub shipment: shipments::Model,
    /// Its order.
    pub order: sales_orders::Model,
    /// The customer (name and address for the label).
    pub customer: customers::Model,
    /// Warehouse code.
    pub warehouse_code: String,
    /// The lines.
    pub lines: Vec<PickLine>,
}

/// Whether `actor` may ship or cancel `shipment`: it is open and the actor
/// holds `shipments.write`, which [`ship`] and [`cancel`] require.
pub fn can_ship(actor: &Actor, shipment: &shipments::Model) -> bool {
    shipment.state == OPEN && policy::require(actor, Permission::ShipmentsWrite).is_ok()
}

/// One shipment (`shipments.read`).
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<ShipmentDetail> {
    policy::require(actor, Permission::ShipmentsRead)?;
    let shipment = shipments::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let order = sales_orders::Entity::find_by_id(shipment.order_id)
        .filter(owned(
            orders::scope_of(actor)?,
            sales_orders::Column::OwnerId,
        ))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    detail_with(db, shipment, order).await
}

/// The detail of a shipment a write ([`create`], [`ship`], [`cancel`])
/// returned, completed in that write's own transaction. It checks no
/// permission itself: the write's own check stood for it, so a caller who
/// may write shipments but not read them still gets what it wrote.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    shipment: shipments::Model,
) -> Result<ShipmentDetail> {
    let order = sales_orders::Entity::find_by_id(shipment.order_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    detail_with(db, shipment, order).await
}

/// A shipment's detail, given its order.
async fn detail_with(
    db: &impl ConnectionTrait,
    shipment: shipments::Model,
    order: sales_orders::Model,
) -> Result<ShipmentDetail> {
    let id = shipment.id;
    let customer = customers::Entity::find_by_id(order.customer_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let warehouse_code = crate::entities::warehouses::Entity::find_by_id(shipment.warehouse_id)
        .one(db)
        .await?
        .map(|w| w.code)
        .unwrap_or_default();
    let lines = shipment_lines::Entity::find()
        .filter(shipment_lines::Column::ShipmentId.eq(id))
        .order_by_asc(shipment_lines::Column::Id)
        .all(db)
        .await?;
    let products: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::Id.is_in(lines.iter().map(|l| l.product_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(ShipmentDetail {
        lines: lines
            .into_iter()
            .map(|line| {
                let p = products.get(&line.product_id);
                PickLine {
                    sku: p.map(|p| p.sku.clone()).unwrap_or_default(),
                    name: p.map(|p| p.name.clone()).unwrap_or_default(),
                    unit: p.map(|p| p.unit.clone()).unwrap_or_default(),
                    barcode: p.and_then(|p| p.barcode.clone()),
                    line,
                }
            })
            .collect(),
        shipment,
        order,
        customer,
        warehouse_code,
    })
}

/// An order the warehouse should ship.
#[derive(Clone, Debug)]
pub struct ToShip {
    /// The order.
    pub order: sales_orders::Model,
    /// The customer's name.
    pub customer_name: String,
    /// Units reserved and not yet in a shipment.
    pub ready: i64,
    /// Units in open shipments (being picked).
    pub picking: i64,
    /// Units still backordered.
    pub backordered: i64,
}

/// Open orders due by `day` (in a warehouse, or all), oldest due first:
/// the warehouse's "to ship today".
pub async fn to_ship(
    db: &impl ConnectionTrait,
    actor: &Actor,
    day: NaiveDate,
    warehouse_id: Option<i64>,
    limit: u64,
) -> Result<Vec<ToShip>> {
    policy::require(actor, Permission::ShipmentsRead)?;
    let scope = orders::scope_of(actor)?;
    let mut query = sales_orders::Entity::find()
        .filter(owned(scope, sales_orders::Column::OwnerId))
        .filter(sales_orders::Column::State.is_in([
            OrderState::Confirmed.as_str(),
            OrderState::PartiallyShipped.as_str(),
        ]))
        .filter(sales_orders::Column::ShipBy.lte(day))
        .order_by_asc(sales_orders::Column::ShipBy)
        .order_by_asc(sales_orders::Column::Id)
        .limit(limit.clamp(1, 500));
    if let Some(w) = warehouse_id {
        query = query.filter(sales_orders::Column::WarehouseId.eq(w));
    }
    let due = query.all(db).await?;
    let ids: Vec<i64> = due.iter().map(|o| o.id).collect();
    let lines = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.is_in(ids.clone()))
        .all(db)
        .await?;
    let mut open_by_line: HashMap<i64, i64> = HashMap::new();
    for id in &ids {
        open_by_line.extend(open_quantities(db, *id).await?);
    }
    let names = customer_service::names(db, due.iter().map(|o| o.customer_id)).await?;
    Ok(due
        .into_iter()
        .map(|order| {
            let mine = lines.iter().filter(|l| l.order_id == order.id);
            let (mut ready, mut picking, mut backordered) = (0, 0, 0);
            for l in mine {
                let open = open_by_line.get(&l.id).copied().unwrap_or(0);
                picking += open;
                ready += l.reserved - open;
                backordered += l.quantity - l.shipped - l.reserved;
            }
            ToShip {
                customer_name: names.get(&order.customer_id).cloned().unwrap_or_default(),
                order,
                ready,
                picking,
                backordered,
            }
        })
        .collect())
}

/// A shipment in a list.
#[derive(Clone, Debug)]
pub struct ShipmentRow {
    /// The shipment.
    pub shipment: shipments::Model,
    /// Its order's number.
    pub order_number: String,
    /// The customer's name.
    pub customer_name: String,
    /// The customer.
    pub customer_id: i64,
}

/// Shipments, newest first: all, `open`, `shipped` or `cancelled`; of one
/// order or one customer (or after the API's cursor, in id order).
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    state: Option<&str>,
    customer_id: Option<i64>,
    after: Option<i64>,
    page: u64,
    per_page: u64,
) -> Result<Page<ShipmentRow>> {
    policy::require(actor, Permission::ShipmentsRead)?;
    let mut query = shipments::Entity::find().order_by_desc(shipments::Column::Id);
    if let Some(state) = state.filter(|s| [OPEN, SHIPPED, CANCELLED].contains(s)) {
        query = query.filter(shipments::Column::State.eq(state));
    }
    // Shipments of the orders in the actor's order scope (of one customer).
    let scope = orders::scope_of(actor)?;
    if customer_id.is_some() || scope != crate::access::Scope::All {
        let mut orders_seen = sales_orders::Entity::find()
            .select_only()
            .column(sales_orders::Column::Id)
            .filter(owned(scope, sales_orders::Column::OwnerId));
        if let Some(customer) = customer_id {
            orders_seen = orders_seen.filter(sales_orders::Column::CustomerId.eq(customer));
        }
        query = query.filter(
            shipments::Column::OrderId.in_subquery(sea_orm::QueryTrait::into_query(orders_seen)),
        );
    }
    let page = paginate_after(db, query, shipments::Column::Id, after, page, per_page, 200).await?;
    let orders: HashMap<i64, sales_orders::Model> = sales_orders::Entity::find()
        .filter(sales_orders::Column::Id.is_in(page.items.iter().map(|s| s.order_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let names = customer_service::names(db, orders.values().map(|o| o.customer_id)).await?;
    Ok(page.map(|shipment| {
        let order = orders.get(&shipment.order_id);
        let customer_id = order.map_or(0, |o| o.customer_id);
        ShipmentRow {
            order_number: order.map(|o| o.number.clone()).unwrap_or_default(),
            customer_name: names.get(&customer_id).cloned().unwrap_or_default(),
            customer_id,
            shipment,
        }
    }))
}
