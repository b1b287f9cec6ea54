//! Writing quotes: creating one with a new number and rewriting a draft.

use chrono::{Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::{
    quote::{price_lines, validate, OrderInput},
    rows::{in_scope, link, lock_in, snapshot},
    state::OrderState,
};
use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, scope, Actor, Permission},
    crm::customers as customer_service,
    crm::timeline::{self, Event},
    entities::{customers, sales_order_lines, sales_orders},
    inventory::warehouses as warehouse_service,
    messages, money,
    platform::numbers,
    sales::{pricing, stats},
    Error, Result,
};

async fn customer_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<customers::Model> {
    customer_service::get(db, actor, id)
        .await
        .map_err(|e| match e {
            Error::NotFound => Error::field("customer_id", messages::CUSTOMER_MISSING),
            other => other,
        })
        .and_then(|c| {
            if c.archived {
                Err(Error::field("customer_id", messages::CUSTOMER_MISSING))
            } else {
                Ok(c)
            }
        })
}

/// Creates a quote with a new number (`SO-2026-000123`).
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &OrderInput,
) -> Result<sales_orders::Model> {
    let actor = policy::require(actor, Permission::OrdersWrite)?;
    validate(input)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let customer = customer_for(&txn, actor, input.customer_id).await?;
    // Lines default to list prices, which are in the list currency only.
    pricing::require_list_currency(&txn, &customer.currency, "customer_id").await?;
    warehouse_service::active(&txn, input.warehouse_id, "warehouse_id").await?;
    let requested = input.owner_id.or(if actor.has(Permission::OrdersReadAll) {
        customer.owner_id
    } else {
        None
    });
    let owner = scope::assignee(&txn, actor, requested, Permission::OrdersReadAll).await?;
    let (lines, subtotal, tax) = price_lines(&txn, 0, &input.lines).await?;
    let number = numbers::next(&txn, "SO", now.year()).await?;
    let order = sales_orders::ActiveModel {
        number: Set(number),
        customer_id: Set(customer.id),
        warehouse_id: Set(input.warehouse_id),
        owner_id: Set(Some(owner)),
        state: Set(OrderState::Draft),
        currency: Set(customer.currency.clone()),
        subtotal_minor: Set(subtotal),
        tax_minor: Set(tax),
        total_minor: Set(subtotal + tax),
        ship_by: Set(input.ship_by.unwrap_or_else(|| now.date_naive())),
        notes: Set(input.notes.trim().to_owned()),
        approval_reason: Set(String::new()),
        approved_by: Set(None),
        approved_at: Set(None),
        confirmed_at: Set(None),
        cancelled_at: Set(None),
        cancel_reason: Set(String::new()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let lines: Vec<_> = lines
        .into_iter()
        .map(|mut l| {
            l.order_id = Set(order.id);
            l
        })
        .collect();
    sales_order_lines::Entity::insert_many(lines)
        .exec_without_returning(&txn)
        .await?;
    stats::Snapshot::inserted(vec![order.id])
        .apply(&txn)
        .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.created", "order", Some(order.id.to_string())).after(snapshot(&order)),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: "order.created",
            summary: format!(
                "{} · {} {}",
                order.number,
                money::format_minor(order.total_minor),
                order.currency
            ),
            link: link(order.id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(order)
}

/// Rewrites a quote (lines, warehouse, date, notes). Editing clears an
/// earlier approval: the approver approved the quote as it was.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    input: &OrderInput,
) -> Result<sales_orders::Model> {
    let actor = policy::require(actor, Permission::OrdersWrite)?;
    validate(input)?;
    let txn = db.begin().await?;
    let before = in_scope(&txn, actor, id).await?;
    if lock_in(&txn, id, &[OrderState::Draft]).await?.is_none() {
        return Err(Error::Conflict(messages::ORDER_NOT_DRAFT.into()));
    }
    pricing::require_list_currency(&txn, &before.currency, "customer_id").await?;
    warehouse_service::active(&txn, input.warehouse_id, "warehouse_id").await?;
    let owner = match input.owner_id {
        Some(owner) if Some(owner) != before.owner_id => {
            Some(scope::assignee(&txn, actor, Some(owner), Permission::OrdersReadAll).await?)
        }
        _ => before.owner_id,
    };
    let (lines, subtotal, tax) = price_lines(&txn, id, &input.lines).await?;
    let counted = stats::Snapshot::take(&txn, vec![id]).await?;
    sales_order_lines::Entity::delete_many()
        .filter(sales_order_lines::Column::OrderId.eq(id))
        .exec(&txn)
        .await?;
    sales_order_lines::Entity::insert_many(lines)
        .exec_without_returning(&txn)
        .await?;
    let mut row: sales_orders::ActiveModel = before.clone().into();
    row.warehouse_id = Set(input.warehouse_id);
    row.owner_id = Set(owner);
    row.subtotal_minor = Set(subtotal);
    row.tax_minor = Set(tax);
    row.total_minor = Set(subtotal + tax);
    row.ship_by = Set(input.ship_by.unwrap_or(before.ship_by));
    row.notes = Set(input.notes.trim().to_owned());
    row.approval_reason = Set(String::new());
    row.approved_by = Set(None);
    row.approved_at = Set(None);
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await?;
    counted.apply(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.updated", "order", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
