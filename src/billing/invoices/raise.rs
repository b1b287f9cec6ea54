//! Raising an invoice for the shipped, not yet invoiced quantities of an order.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{
        customers, invoice_lines, invoices, sales_order_lines, sales_orders, shipment_lines,
        shipments,
    },
    messages, money, Error, Result,
    {
        access::audit::{self, Entry, Who},
        crm::timeline::{self, Event},
        platform::numbers,
        platform::outbox,
        sales::orders::{self, OrderState},
        sales::shipments as shipment_service,
    },
};

use super::{amounts::invoice_amounts, link, settle::settle_order, CANCELLED, OPEN};

/// Raises an invoice for the shipped, not yet invoiced quantities of an
/// order — of one shipment when `shipment_id` is given — issued on
/// `issue_date` and due after the customer's payment terms.
pub async fn raise(
    db: &impl crate::db::Tx,
    actor: &Actor,
    order_id: i64,
    shipment_id: Option<i64>,
    issue_date: NaiveDate,
) -> Result<invoices::Model> {
    let actor = policy::require(actor, Permission::InvoicesWrite)?;
    let txn = db.begin().await?;
    let Some(order) = orders::lock_in(
        &txn,
        order_id,
        &[OrderState::PartiallyShipped, OrderState::Shipped],
    )
    .await?
    else {
        return Err(
            match sales_orders::Entity::find_by_id(order_id).one(&txn).await? {
                None => Error::NotFound,
                Some(_) => Error::Conflict(messages::NOTHING_TO_INVOICE.into()),
            },
        );
    };
    let lines: HashMap<i64, sales_order_lines::Model> = sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    // (order line, quantity) to bill.
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    if let Some(shipment_id) = shipment_id {
        let shipment = shipments::Entity::find_by_id(shipment_id)
            .filter(shipments::Column::OrderId.eq(order_id))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        if shipment.state != shipment_service::SHIPPED {
            return Err(Error::Conflict(messages::SHIPMENT_NOT_SHIPPED.into()));
        }
        let billed = invoices::Entity::find()
            .filter(invoices::Column::ShipmentId.eq(shipment_id))
            .filter(invoices::Column::State.ne(CANCELLED))
            .count(&txn)
            .await?;
        if billed > 0 {
            return Err(Error::Conflict(messages::SHIPMENT_INVOICED.into()));
        }
        for sl in shipment_lines::Entity::find()
            .filter(shipment_lines::Column::ShipmentId.eq(shipment_id))
            .order_by_asc(shipment_lines::Column::Id)
            .all(&txn)
            .await?
        {
            wanted.push((sl.order_line_id, sl.quantity));
        }
    } else {
        let mut all: Vec<&sales_order_lines::Model> = lines.values().collect();
        all.sort_by_key(|l| l.line_no);
        wanted.extend(all.into_iter().map(|l| (l.id, l.shipped)));
    }
    // Never more than shipped and not yet invoiced.
    let mut billing: Vec<(&sales_order_lines::Model, i64)> = Vec::new();
    let mut left: HashMap<i64, i64> = lines
        .values()
        .map(|l| (l.id, l.shipped - l.invoiced))
        .collect();
    for (line_id, quantity) in wanted {
        let Some(line) = lines.get(&line_id) else {
            continue;
        };
        let room = left.get(&line_id).copied().unwrap_or(0);
        let take = quantity.min(room);
        if take > 0 {
            left.insert(line_id, room - take);
            match billing.iter_mut().find(|(l, _)| l.id == line_id) {
                Some(entry) => entry.1 += take,
                None => billing.push((line, take)),
            }
        }
    }
    if billing.is_empty() {
        return Err(Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
    }
    billing.sort_by_key(|(l, _)| l.line_no);
    let customer = customers::Entity::find_by_id(order.customer_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut rows = Vec::new();
    let (mut subtotal, mut tax) = (0_i64, 0_i64);
    for (line, quantity) in &billing {
        let (net, line_tax) = invoice_amounts(line, line.invoiced, *quantity)?;
        subtotal += net;
        tax += line_tax;
        rows.push((*line, *quantity, net, line_tax));
    }
    let now = Utc::now();
    let due_date = issue_date + Duration::days(i64::from(customer.payment_terms_days.max(0)));
    let number = numbers::next(&txn, "INV", issue_date.year()).await?;
    let invoice = invoices::ActiveModel {
        number: Set(number),
        customer_id: Set(order.customer_id),
        order_id: Set(order.id),
        shipment_id: Set(shipment_id),
        owner_id: Set(order.owner_id),
        currency: Set(order.currency.clone()),
        state: Set(OPEN.into()),
        issue_date: Set(issue_date),
        due_date: Set(due_date),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(subtotal + tax),
        paid_minor: Set(0),
        credited_minor: Set(0),
        cancel_reason: Set(String::new()),
        cancelled_at: Set(None),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    invoice_lines::Entity::insert_many(rows.iter().map(|(line, quantity, net, line_tax)| {
        invoice_lines::ActiveModel {
            invoice_id: Set(invoice.id),
            order_line_id: Set(line.id),
            product_id: Set(line.product_id),
            description: Set(line.description.clone()),
            quantity: Set(*quantity),
            unit_price_minor: Set(line.unit_price_minor),
            discount_bp: Set(line.discount_bp),
            tax_rate_bp: Set(line.tax_rate_bp),
            net_minor: Set(*net),
            tax_minor: Set(*line_tax),
            credited_quantity: Set(0),
            credited_net_minor: Set(0),
            credited_tax_minor: Set(0),
            ..Default::default()
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    for (line, quantity, _, _) in &rows {
        if !orders::add_invoiced(&txn, line.id, *quantity).await? {
            return Err(Error::Conflict(messages::NOTHING_TO_INVOICE.into()));
        }
    }
    settle_order(&txn, order.id).await?;
    let payload = json!({
        "number": invoice.number, "order": order.number, "customer_id": order.customer_id,
        "currency": invoice.currency, "total_minor": invoice.total_minor,
        "due_date": invoice.due_date.to_string(), "shipment_id": shipment_id,
        "lines": rows.iter().map(|(l, q, n, t)| json!({"order_line_id": l.id, "product_id": l.product_id,
            "quantity": q, "net_minor": n, "tax_minor": t})).collect::<Vec<_>>(),
    });
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("invoice.issued", "invoice", Some(invoice.id.to_string()))
            .after(payload.clone()),
    )
    .await?;
    outbox::publish(&txn, "invoice.issued", "invoice", invoice.id, payload).await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: "invoice.issued",
            summary: format!(
                "{} · {} · {} {}",
                invoice.number,
                order.number,
                money::format_minor(invoice.total_minor),
                invoice.currency
            ),
            link: link(invoice.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(invoice)
}
