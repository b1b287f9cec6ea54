//! Receiving goods for a purchase order and reserving the backorders they
//! serve (see the module's note on locks).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Utc};
use sea_orm::{
    sea_query::{Expr, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{purchase_order_lines, purchase_orders, receipt_lines, receipts, sales_order_lines},
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        inventory::stock::{self, Doc, MoveKind},
        platform::numbers,
        platform::outbox,
        sales::orders::{self, OrderState},
    },
};

use super::{waiting::waiting_orders, PARTIALLY_RECEIVED, RECEIVED, SENT};

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
    actor: &Actor,
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
