//! Sales orders from quote to shipment. A quote (draft) is edited freely;
//! **confirm** reserves stock per line (in part when short; the rest is
//! backordered), after checking the customer's credit limit, each line's
//! effective discount against the threshold and its tax rate against the
//! product's ([`super::pricing`]; any of them needs an approval by
//! `orders.approve`); **cancel** (before anything shipped) releases the
//! reservations. Quotes are in the list prices' currency only. Shipments
//! live in [`super::shipments`].
//!
//! States: draft → confirmed → partially shipped → shipped → invoiced →
//! closed, and draft / confirmed → cancelled. Every state change is a
//! conditional update on the state the caller saw, so a double-submitted
//! confirm confirms once and two people cannot both win a race.

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
    auth::{policy, Actor, Permission, Scope},
    entities::{customers, products, sales_order_lines, sales_orders, shipments, warehouses},
    messages, money,
    services::{
        audit::{self, Entry, Who},
        customers as customer_service, meta, notifications, numbers, outbox,
        page::{paginate_after, Page},
        pricing, scope, sourcing, stats, stock,
        timeline::{self, Event},
        users, warehouses as warehouse_service,
    },
    Error, FieldErrors, Result,
};

/// An order's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderState {
    /// A quote, still editable.
    Draft,
    /// Confirmed: stock reserved (in part when short).
    Confirmed,
    /// Some lines or quantities shipped.
    PartiallyShipped,
    /// Everything shipped.
    Shipped,
    /// Everything shipped is invoiced («Money and supply»).
    Invoiced,
    /// Paid in full.
    Closed,
    /// Cancelled before anything shipped.
    Cancelled,
}

impl OrderState {
    /// Every state, in the order of the flow.
    pub const ALL: [OrderState; 7] = [
        OrderState::Draft,
        OrderState::Confirmed,
        OrderState::PartiallyShipped,
        OrderState::Shipped,
        OrderState::Invoiced,
        OrderState::Closed,
        OrderState::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Draft => "draft",
            OrderState::Confirmed => "confirmed",
            OrderState::PartiallyShipped => "partially_shipped",
            OrderState::Shipped => "shipped",
            OrderState::Invoiced => "invoiced",
            OrderState::Closed => "closed",
            OrderState::Cancelled => "cancelled",
        }
    }

    /// The state stored as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the flow allows going from `self` to `to`.
    pub fn allows(self, to: OrderState) -> bool {
        use OrderState::*;
        matches!(
            (self, to),
            (Draft, Confirmed)
                | (Draft, Cancelled)
                | (Confirmed, PartiallyShipped)
                | (Confirmed, Shipped)
                | (Confirmed, Cancelled)
                | (PartiallyShipped, Shipped)
                | (Shipped, Invoiced)
                | (Invoiced, Shipped)
                | (Invoiced, Closed)
        )
    }

    /// Refuses a transition the flow does not allow, with a clear message.
    pub fn check(self, to: OrderState) -> Result<()> {
        if self.allows(to) {
            Ok(())
        } else if self == OrderState::Cancelled {
            Err(Error::Conflict(messages::ORDER_CANCELLED.into()))
        } else if to == OrderState::Cancelled {
            Err(Error::Conflict(messages::ORDER_CANNOT_CANCEL.into()))
        } else {
            Err(Error::Conflict(messages::TRANSITION_REFUSED.into()))
        }
    }

    /// Whether its lines hold reservations.
    pub fn holds_stock(self) -> bool {
        matches!(self, OrderState::Confirmed | OrderState::PartiallyShipped)
    }
}

fn state_of(order: &sales_orders::Model) -> OrderState {
    OrderState::parse(&order.state).unwrap_or(OrderState::Draft)
}

/// States whose orders count towards a customer's credit exposure:
/// confirmed and not yet invoiced.
const EXPOSURE_STATES: [OrderState; 3] = [
    OrderState::Confirmed,
    OrderState::PartiallyShipped,
    OrderState::Shipped,
];

/// A line of the quote form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    /// The product.
    pub product_id: i64,
    /// Quantity.
    pub quantity: i64,
    /// Unit price in minor units; the product's list price when none.
    pub unit_price_minor: Option<i64>,
    /// Discount in basis points.
    pub discount_bp: i32,
    /// Tax rate in basis points; the product's when none.
    pub tax_rate_bp: Option<i32>,
}

/// What the quote form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderInput {
    /// The customer (fixed once the quote exists).
    pub customer_id: i64,
    /// The warehouse it ships from.
    pub warehouse_id: i64,
    /// When it should ship (today when none).
    pub ship_by: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
    /// The sales user it belongs to (the customer's owner, else the actor).
    pub owner_id: Option<i64>,
    /// The lines.
    pub lines: Vec<LineInput>,
}

/// Most lines on one document (orders, purchase orders).
pub(crate) const MAX_LINES: usize = 200;
/// Largest quantity on one line.
pub(crate) const MAX_QUANTITY: i64 = 1_000_000;
/// The default discount above which an order needs an approval, basis
/// points; stored in `app_meta` under [`DISCOUNT_THRESHOLD_KEY`].
pub const DEFAULT_DISCOUNT_THRESHOLD_BP: i32 = 2000;
/// Where the discount threshold is configured.
pub const DISCOUNT_THRESHOLD_KEY: &str = "orders.discount_approval_bp";

/// The record scope for orders.
pub fn scope_of(actor: Option<&Actor>) -> Result<Scope> {
    policy::scope(actor, Permission::OrdersRead, Permission::OrdersReadAll)
}

fn validate(input: &OrderInput) -> Result<()> {
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
        if !(0..=10_000).contains(&line.discount_bp) {
            errors.insert(format!("lines.{i}.discount"), messages::RATE_RANGE.into());
        }
        if line.tax_rate_bp.is_some_and(|t| !(0..=10_000).contains(&t)) {
            errors.insert(format!("lines.{i}.tax_rate"), messages::RATE_RANGE.into());
        }
    }
    if input.notes.chars().count() > 10_000 {
        errors.insert("notes".into(), messages::TOO_LONG.into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// The products of some lines, by id.
async fn products_by_id(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, products::Model>> {
    Ok(products::Entity::find()
        .filter(products::Column::Id.is_in(ids.collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Lines priced by the one rounding rule ([`money::line_amounts`]).
async fn price_lines(
    db: &impl ConnectionTrait,
    order_id: i64,
    input: &[LineInput],
) -> Result<(Vec<sales_order_lines::ActiveModel>, i64, i64)> {
    let found = products_by_id(db, input.iter().map(|l| l.product_id)).await?;
    let mut errors = FieldErrors::new();
    let mut rows = Vec::with_capacity(input.len());
    let (mut subtotal, mut tax_total) = (0_i64, 0_i64);
    for (i, line) in input.iter().enumerate() {
        let Some(product) = found.get(&line.product_id).filter(|p| p.active) else {
            errors.insert(
                format!("lines.{i}.product_id"),
                messages::PRODUCT_MISSING.into(),
            );
            continue;
        };
        let price = line.unit_price_minor.unwrap_or(product.list_price_minor);
        let tax_rate = line.tax_rate_bp.unwrap_or(product.tax_rate_bp);
        let amounts = money::line_amounts(line.quantity, price, line.discount_bp, tax_rate);
        let Some((net, tax)) = amounts.filter(|(n, t)| {
            subtotal.checked_add(*n).is_some() && tax_total.checked_add(*t).is_some()
        }) else {
            errors.insert(
                format!("lines.{i}.unit_price"),
                messages::AMOUNT_INVALID.into(),
            );
            continue;
        };
        subtotal += net;
        tax_total += tax;
        rows.push(sales_order_lines::ActiveModel {
            order_id: Set(order_id),
            line_no: Set(i as i32 + 1),
            product_id: Set(product.id),
            description: Set(product.name.clone()),
            quantity: Set(line.quantity),
            unit_price_minor: Set(price),
            discount_bp: Set(line.discount_bp),
            tax_rate_bp: Set(tax_rate),
            net_minor: Set(net),
            tax_minor: Set(tax),
            reserved: Set(0),
            shipped: Set(0),
            ..Default::default()
        });
    }
    if subtotal.checked_add(tax_total).is_none() {
        errors.insert("lines".into(), messages::AMOUNT_INVALID.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok((rows, subtotal, tax_total))
}

fn snapshot(o: &sales_orders::Model) -> serde_json::Value {
    json!({
        "number": o.number, "customer_id": o.customer_id, "warehouse_id": o.warehouse_id,
        "owner_id": o.owner_id, "state": o.state, "currency": o.currency,
        "subtotal_minor": o.subtotal_minor, "tax_minor": o.tax_minor, "total_minor": o.total_minor,
        "ship_by": o.ship_by.to_string(), "approved_by": o.approved_by,
    })
}

fn lines_snapshot(lines: &[sales_order_lines::Model]) -> serde_json::Value {
    json!(lines
        .iter()
        .map(|l| json!({
            "line_no": l.line_no, "product_id": l.product_id, "quantity": l.quantity,
            "unit_price_minor": l.unit_price_minor, "discount_bp": l.discount_bp,
            "tax_rate_bp": l.tax_rate_bp, "net_minor": l.net_minor, "tax_minor": l.tax_minor,
            "reserved": l.reserved, "shipped": l.shipped,
        }))
        .collect::<Vec<_>>())
}

/// Where an order lives in the UI.
pub fn link(id: i64) -> String {
    format!("/orders/{id}")
}

async fn customer_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<customers::Model> {
    customer_service::get(db, Some(actor), id)
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
    actor: Option<&Actor>,
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
        state: Set(OrderState::Draft.as_str().into()),
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

/// Takes the order's row for the rest of the transaction when it is in one
/// of `states` (`FOR NO KEY UPDATE` on PostgreSQL; SQLite has one writer),
/// and returns it; `None` when it is in another state.
pub(crate) async fn lock_in(
    db: &impl ConnectionTrait,
    id: i64,
    states: &[OrderState],
) -> Result<Option<sales_orders::Model>> {
    Ok(sales_orders::Entity::find_by_id(id)
        .filter(sales_orders::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .lock(sea_orm::sea_query::LockType::NoKeyUpdate)
        .one(db)
        .await?)
}

/// Like [`lock_in`], but `None` at once when another transaction holds the
/// row (`SKIP LOCKED`), for callers already holding stock levels.
pub(crate) async fn try_lock_in(
    db: &impl ConnectionTrait,
    id: i64,
    states: &[OrderState],
) -> Result<Option<sales_orders::Model>> {
    Ok(sales_orders::Entity::find_by_id(id)
        .filter(sales_orders::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .lock_with_behavior(
            sea_orm::sea_query::LockType::NoKeyUpdate,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .one(db)
        .await?)
}

/// Order lines still waiting for stock: ordered > shipped + reserved.
pub(crate) fn backordered() -> sea_orm::sea_query::SimpleExpr {
    Expr::col(sales_order_lines::Column::Quantity).gt(Expr::col(sales_order_lines::Column::Shipped)
        .add(Expr::col(sales_order_lines::Column::Reserved)))
}

async fn in_scope(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<sales_orders::Model> {
    let scope = scope_of(actor)?;
    sales_orders::Entity::find_by_id(id)
        .filter(scope::owned(scope, sales_orders::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Rewrites a quote (lines, warehouse, date, notes). Editing clears an
/// earlier approval: the approver approved the quote as it was.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    input: &OrderInput,
) -> Result<sales_orders::Model> {
    let actor = policy::require(actor, Permission::OrdersWrite)?;
    validate(input)?;
    let txn = db.begin().await?;
    let before = in_scope(&txn, Some(actor), id).await?;
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

/// Setting: from which total (minor units) a confirmed order is "large"
/// and its confirmation is told to managers.
pub const LARGE_ORDER_KEY: &str = "orders.large_order_minor";

/// Default large-order total: 10,000.00.
pub const DEFAULT_LARGE_ORDER_MINOR: i64 = 1_000_000;

/// The large-order total in force.
pub async fn large_order(db: &impl ConnectionTrait) -> Result<i64> {
    Ok(meta::get(db, LARGE_ORDER_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .filter(|v: &i64| *v > 0)
        .unwrap_or(DEFAULT_LARGE_ORDER_MINOR))
}

/// Why an order needs an approval before it is confirmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Approval {
    /// Confirming it takes the customer over the credit limit.
    pub over_credit: bool,
    /// A line's effective discount against its list price is above the
    /// threshold ([`pricing::check_line`]).
    pub over_discount: bool,
    /// A line's tax rate is not its product's.
    pub over_tax: bool,
    /// The customer's exposure without this order, minor units.
    pub exposure_minor: i64,
    /// The customer's credit limit (0: none set).
    pub credit_limit_minor: i64,
    /// The discount threshold, basis points.
    pub threshold_bp: i32,
}

impl Approval {
    /// Whether anything needs approving.
    pub fn needed(&self) -> bool {
        self.over_credit || self.over_discount || self.over_tax
    }

    /// The message refusing a confirmation without approval (one of
    /// `APPROVAL_REFUSALS`, which [`awaits_approval`] knows).
    pub fn message(&self) -> &'static str {
        match (self.over_credit, self.over_discount, self.over_tax) {
            (true, true, false) => messages::NEEDS_APPROVAL_BOTH,
            (true, false, false) => messages::NEEDS_APPROVAL_CREDIT,
            (false, false, true) => messages::NEEDS_APPROVAL_TAX,
            (_, _, true) => messages::NEEDS_APPROVAL_SEVERAL,
            _ => messages::NEEDS_APPROVAL_DISCOUNT,
        }
    }

    /// The reasons as stored and shown: `credit_limit`, `discount`, `tax`,
    /// comma-separated; empty when nothing needs approving.
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        if self.over_credit {
            parts.push("credit_limit");
        }
        if self.over_discount {
            parts.push("discount");
        }
        if self.over_tax {
            parts.push("tax");
        }
        parts.join(",")
    }
}

/// Every message of [`Approval::message`].
const APPROVAL_REFUSALS: [&str; 5] = [
    messages::NEEDS_APPROVAL_BOTH,
    messages::NEEDS_APPROVAL_CREDIT,
    messages::NEEDS_APPROVAL_TAX,
    messages::NEEDS_APPROVAL_SEVERAL,
    messages::NEEDS_APPROVAL_DISCOUNT,
];

/// Whether `err` is [`confirm`] refusing a quote that waits for an
/// approval. That refusal is not a failure that left nothing behind: before
/// answering it, `confirm` noted the request for an approval (so approvers
/// find the quote), and a caller that runs `confirm` inside a transaction
/// of its own (the REST API) must commit that note with the refusal.
pub fn awaits_approval(err: &Error) -> bool {
    matches!(err, Error::Conflict(message) if APPROVAL_REFUSALS.contains(&message.as_str()))
}

/// The discount above which an order needs an approval, basis points.
pub async fn discount_threshold(db: &impl ConnectionTrait) -> Result<i32> {
    Ok(meta::get(db, DISCOUNT_THRESHOLD_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_DISCOUNT_THRESHOLD_BP))
}

/// A customer's credit exposure in its currency, minor units: what unpaid
/// invoices still owe plus the not yet invoiced part of confirmed orders,
/// leaving out the order `except`.
pub async fn exposure(
    db: &impl ConnectionTrait,
    customer: &customers::Model,
    except: Option<i64>,
) -> Result<i64> {
    let mut open_orders = sales_orders::Entity::find()
        .filter(sales_orders::Column::CustomerId.eq(customer.id))
        .filter(sales_orders::Column::Currency.eq(customer.currency.clone()))
        .filter(sales_orders::Column::State.is_in(EXPOSURE_STATES.iter().map(|s| s.as_str())));
    if let Some(id) = except {
        open_orders = open_orders.filter(sales_orders::Column::Id.ne(id));
    }
    let total: Option<Option<i64>> = open_orders
        .clone()
        .select_only()
        .column_as(
            Expr::col(sales_orders::Column::TotalMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .into_tuple()
        .one(db)
        .await?;
    let ordered = total.flatten().unwrap_or(0);
    let invoiced = crate::services::invoices::invoiced_of_orders(db, open_orders).await?;
    let unpaid =
        crate::services::invoices::unpaid_total(db, customer.id, &customer.currency).await?;
    Ok(ordered - invoiced + unpaid)
}

/// Why `order` needs an approval: the one rule that confirm, approve and
/// the order page's approval notice all ask. `lock` takes the customer's
/// row for the rest of the transaction (confirming), so two confirmations
/// for one customer check the credit limit one after the other.
async fn approval_for(
    db: &impl ConnectionTrait,
    order: &sales_orders::Model,
    lines: &[sales_order_lines::Model],
    lock: bool,
) -> Result<Approval> {
    let mut query = customers::Entity::find_by_id(order.customer_id);
    if lock {
        // NO KEY UPDATE, not UPDATE: rows that merely refer to the customer
        // (timeline events of a shipment shipping meanwhile) take KEY SHARE
        // on it, which UPDATE would block — a deadlock with that shipment.
        query = query.lock(sea_orm::sea_query::LockType::NoKeyUpdate);
    }
    let customer = query.one(db).await?.ok_or(Error::NotFound)?;
    let exposure = exposure(db, &customer, Some(order.id)).await?;
    let threshold_bp = discount_threshold(db).await?;
    let products = products_by_id(db, lines.iter().map(|l| l.product_id)).await?;
    let (mut over_discount, mut over_tax) = (false, false);
    for line in lines {
        match products.get(&line.product_id) {
            Some(product) => {
                let check = pricing::check_line(
                    product,
                    line.unit_price_minor,
                    line.discount_bp,
                    line.tax_rate_bp,
                    threshold_bp,
                );
                over_discount |= check.over_discount;
                over_tax |= check.tax_differs;
            }
            // No list price to compare with: an approver decides.
            None => over_discount = true,
        }
    }
    Ok(Approval {
        over_credit: customer.credit_limit_minor > 0
            && customer.currency == order.currency
            && exposure + order.total_minor > customer.credit_limit_minor,
        over_discount,
        over_tax,
        exposure_minor: exposure,
        credit_limit_minor: customer.credit_limit_minor,
        threshold_bp,
    })
}

async fn lines_of(
    db: &impl ConnectionTrait,
    order_id: i64,
) -> Result<Vec<sales_order_lines::Model>> {
    Ok(sales_order_lines::Entity::find()
        .filter(sales_order_lines::Column::OrderId.eq(order_id))
        .order_by_asc(sales_order_lines::Column::LineNo)
        .all(db)
        .await?)
}

/// What a confirmation did.
#[derive(Clone, Debug)]
pub struct Confirmed {
    /// The order after it.
    pub order: sales_orders::Model,
    /// Its lines with what each reserved.
    pub lines: Vec<sales_order_lines::Model>,
    /// False when it was already confirmed (a repeated request): nothing changed.
    pub changed: bool,
}

/// Confirms a quote: checks the credit limit and the discount threshold
/// (refused without an approval unless the actor may approve, which then
/// records them as the approver; the refusal notes the request for an
/// approval, see [`awaits_approval`]), then reserves each line in the
/// order's warehouse, as much as is available. A repeated confirm changes
/// nothing.
pub async fn confirm(db: &impl crate::db::Tx, actor: Option<&Actor>, id: i64) -> Result<Confirmed> {
    let actor = policy::require(actor, Permission::OrdersConfirm)?;
    let txn = db.begin().await?;
    let seen = in_scope(&txn, Some(actor), id).await?;
    let now = Utc::now();
    // The draft → confirmed flip is the guard: of two identical requests
    // only one finds the order still a draft.
    let counted = stats::Snapshot::take(&txn, vec![id]).await?;
    let flipped = sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::State,
            Expr::value(OrderState::Confirmed.as_str()),
        )
        .col_expr(sales_orders::Column::ConfirmedAt, Expr::value(now))
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(OrderState::Draft.as_str()))
        .exec(&txn)
        .await?;
    if flipped.rows_affected == 0 {
        let order = sales_orders::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        if state_of(&order) == OrderState::Cancelled {
            return Err(Error::Conflict(messages::ORDER_CANCELLED.into()));
        }
        let lines = lines_of(&txn, id).await?;
        txn.commit().await?;
        return Ok(Confirmed {
            order,
            lines,
            changed: false,
        });
    }
    // Read it again under the row lock the flip took: an edit committed
    // since `seen` may have changed the lines and cleared the approval.
    let current = sales_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if !pricing::is_list_currency(&txn, &current.currency).await? {
        txn.rollback().await?;
        return Err(Error::Conflict(messages::QUOTE_CURRENCY_MISMATCH.into()));
    }
    let mut lines = lines_of(&txn, id).await?;
    let approval = approval_for(&txn, &current, &lines, true).await?;
    let mut approved_by = current.approved_by;
    if approval.needed() && approved_by.is_none() {
        if actor.has(Permission::OrdersApprove) {
            approved_by = Some(actor.user_id);
        } else {
            txn.rollback().await?;
            request_approval(db, actor, id, &approval).await?;
            return Err(Error::Conflict(approval.message().into()));
        }
    }
    reserve_lines(&txn, actor.user_id, current.warehouse_id, &mut lines).await?;
    if approved_by != current.approved_by {
        sales_orders::Entity::update_many()
            .col_expr(sales_orders::Column::ApprovedBy, Expr::value(approved_by))
            .col_expr(sales_orders::Column::ApprovedAt, Expr::value(now))
            .col_expr(
                sales_orders::Column::ApprovalReason,
                Expr::value(approval.reason()),
            )
            .filter(sales_orders::Column::Id.eq(id))
            .exec(&txn)
            .await?;
    }
    let order = sales_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let backordered: i64 = lines
        .iter()
        .map(|l| l.quantity - l.shipped - l.reserved)
        .sum();
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.confirmed", "order", Some(id.to_string()))
            .before(snapshot(&seen))
            .after(json!({"order": snapshot(&order), "lines": lines_snapshot(&lines)})),
    )
    .await?;
    outbox::publish(
        &txn,
        "order.confirmed",
        "order",
        id,
        json!({
            "number": order.number, "customer_id": order.customer_id,
            "warehouse_id": order.warehouse_id, "currency": order.currency,
            "total_minor": order.total_minor, "backordered": backordered,
            "lines": lines.iter().map(|l| json!({
                "product_id": l.product_id, "quantity": l.quantity, "reserved": l.reserved,
            })).collect::<Vec<_>>(),
        }),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: if backordered > 0 {
                "order.confirmed_backorder"
            } else {
                "order.confirmed"
            },
            summary: format!(
                "{} · {} {}",
                order.number,
                money::format_minor(order.total_minor),
                order.currency
            ),
            link: link(id),
        },
    )
    .await?;
    // The summary rows last, after the stock levels (see `cancel`).
    counted.apply(&txn).await?;
    if order.total_minor >= large_order(&txn).await? {
        let managers = notifications::holders(&txn, Permission::DashboardsViewAll).await?;
        let title = format!(
            "{} · {} {}",
            order.number,
            money::format_minor(order.total_minor),
            order.currency
        );
        notifications::notify(
            &txn,
            &managers,
            notifications::ORDER_LARGE,
            &title,
            &link(id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Confirmed {
        order,
        lines,
        changed: true,
    })
}

/// Reserves what each line still lacks (ordered − shipped − reserved), as
/// much as the warehouse has available, updating `lines` in place; returns
/// the units reserved. Lines go in product order, so concurrent callers
/// take the level rows' locks in the same order.
pub(crate) async fn reserve_lines(
    db: &impl ConnectionTrait,
    actor_id: i64,
    warehouse_id: i64,
    lines: &mut [sales_order_lines::Model],
) -> Result<i64> {
    let mut order_of: Vec<usize> = (0..lines.len()).collect();
    order_of.sort_by_key(|&i| (lines[i].product_id, lines[i].id));
    let mut total = 0;
    for i in order_of {
        let line = &mut lines[i];
        let want = line.quantity - line.shipped - line.reserved;
        let taken = stock::reserve(db, Some(actor_id), line.product_id, warehouse_id, want).await?;
        if taken > 0 {
            sales_order_lines::Entity::update_many()
                .col_expr(
                    sales_order_lines::Column::Reserved,
                    Expr::value(line.reserved + taken),
                )
                .filter(sales_order_lines::Column::Id.eq(line.id))
                .exec(db)
                .await?;
            line.reserved += taken;
            total += taken;
        }
    }
    Ok(total)
}

/// Notes on a draft why it waits for an approval (so approvers find it).
async fn request_approval(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    approval: &Approval,
) -> Result<()> {
    let txn = db.begin().await?;
    let updated = sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::ApprovalReason,
            Expr::value(approval.reason()),
        )
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(OrderState::Draft.as_str()))
        .filter(sales_orders::Column::ApprovedBy.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 1 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("order.approval_requested", "order", Some(id.to_string()))
                .after(json!({"reason": approval.reason()})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Whether confirming this quote now would need an approval.
pub async fn approval(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    id: i64,
) -> Result<Approval> {
    let order = in_scope(db, actor, id).await?;
    let lines = lines_of(db, id).await?;
    approval_for(db, &order, &lines, false).await
}

/// Approves a quote that needs it (`orders.approve`), recording who.
pub async fn approve(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
) -> Result<sales_orders::Model> {
    let actor = policy::require(actor, Permission::OrdersApprove)?;
    let txn = db.begin().await?;
    in_scope(&txn, Some(actor), id).await?;
    // The locked row, not an earlier read: the approval is of the quote as it is.
    let Some(before) = lock_in(&txn, id, &[OrderState::Draft]).await? else {
        return Err(Error::Conflict(messages::ORDER_NOT_DRAFT.into()));
    };
    let lines = lines_of(&txn, id).await?;
    let approval = approval_for(&txn, &before, &lines, true).await?;
    if !approval.needed() {
        return Err(Error::Conflict(messages::APPROVAL_NOT_NEEDED.into()));
    }
    let now = Utc::now();
    let mut row: sales_orders::ActiveModel = before.clone().into();
    row.approved_by = Set(Some(actor.user_id));
    row.approved_at = Set(Some(now));
    row.approval_reason = Set(approval.reason());
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.approved", "order", Some(id.to_string()))
            .before(snapshot(&before))
            .after(
                json!({"order": snapshot(&after), "reason": approval.reason(),
                "exposure_minor": approval.exposure_minor,
                "credit_limit_minor": approval.credit_limit_minor}),
            ),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Cancels a quote (`orders.write`) or a confirmed order before anything
/// shipped (`orders.cancel`), releasing its reservations and cancelling
/// its open shipments. Cancelling a cancelled order changes nothing.
pub async fn cancel(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
    reason: &str,
) -> Result<sales_orders::Model> {
    let actor = policy::require_any(actor, &[Permission::OrdersWrite, Permission::OrdersCancel])?;
    let reason = reason.trim().to_owned();
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", messages::MAX_500));
    }
    let txn = db.begin().await?;
    let seen = in_scope(&txn, Some(actor), id).await?;
    let state = state_of(&seen);
    if state == OrderState::Cancelled {
        txn.commit().await?;
        return Ok(seen);
    }
    state.check(OrderState::Cancelled)?;
    let needed = if state == OrderState::Draft {
        Permission::OrdersWrite
    } else {
        Permission::OrdersCancel
    };
    policy::require(Some(actor), needed)?;
    let now = Utc::now();
    let counted = stats::Snapshot::take(&txn, vec![id]).await?;
    let flipped = sales_orders::Entity::update_many()
        .col_expr(
            sales_orders::Column::State,
            Expr::value(OrderState::Cancelled.as_str()),
        )
        .col_expr(sales_orders::Column::CancelledAt, Expr::value(now))
        .col_expr(
            sales_orders::Column::CancelReason,
            Expr::value(reason.clone()),
        )
        .col_expr(sales_orders::Column::UpdatedAt, Expr::value(now))
        .filter(sales_orders::Column::Id.eq(id))
        .filter(sales_orders::Column::State.eq(state.as_str()))
        .exec(&txn)
        .await?;
    if flipped.rows_affected == 0 {
        // Someone changed it meanwhile (shipped, cancelled): decide on the new state.
        let now_state = sales_orders::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|o| state_of(&o))
            .unwrap_or(OrderState::Cancelled);
        if now_state == OrderState::Cancelled {
            let order = sales_orders::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(Error::NotFound)?;
            txn.commit().await?;
            return Ok(order);
        }
        return Err(Error::Conflict(messages::ORDER_CANNOT_CANCEL.into()));
    }
    let lines = lines_of(&txn, id).await?;
    let mut sorted: Vec<&sales_order_lines::Model> =
        lines.iter().filter(|l| l.reserved > 0).collect();
    sorted.sort_by_key(|l| (l.product_id, l.id));
    for line in sorted {
        stock::release(
            &txn,
            Some(actor.user_id),
            line.product_id,
            seen.warehouse_id,
            line.reserved,
        )
        .await?;
    }
    sales_order_lines::Entity::update_many()
        .col_expr(sales_order_lines::Column::Reserved, Expr::value(0_i64))
        .filter(sales_order_lines::Column::OrderId.eq(id))
        .exec(&txn)
        .await?;
    shipments::Entity::update_many()
        .col_expr(shipments::Column::State, Expr::value("cancelled"))
        .filter(shipments::Column::OrderId.eq(id))
        .filter(shipments::Column::State.eq("open"))
        .exec(&txn)
        .await?;
    // The summary rows last, after the stock levels: every transaction
    // takes them at its end, so none waits for a level while holding one.
    counted.apply(&txn).await?;
    let order = sales_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("order.cancelled", "order", Some(id.to_string()))
            .before(json!({"order": snapshot(&seen), "lines": lines_snapshot(&lines)}))
            .after(snapshot(&order)),
    )
    .await?;
    if state != OrderState::Draft {
        outbox::publish(
            &txn,
            "order.cancelled",
            "order",
            id,
            json!({"number": order.number, "customer_id": order.customer_id, "reason": reason}),
        )
        .await?;
    }
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: order.customer_id,
            kind: "order.cancelled",
            summary: if reason.is_empty() {
                order.number.clone()
            } else {
                format!("{} · {}", order.number, reason)
            },
            link: link(id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(order)
}

/// Reserves what has become available for a confirmed order's backordered
/// quantities (after stock arrived). Returns how many units it reserved.
pub async fn reserve_backorders(
    db: &impl crate::db::Tx,
    actor: Option<&Actor>,
    id: i64,
) -> Result<i64> {
    let actor = policy::require(actor, Permission::OrdersConfirm)?;
    let txn = db.begin().await?;
    in_scope(&txn, Some(actor), id).await?;
    let Some(order) = lock_in(
        &txn,
        id,
        &[OrderState::Confirmed, OrderState::PartiallyShipped],
    )
    .await?
    else {
        return Err(Error::Conflict(messages::TRANSITION_REFUSED.into()));
    };
    let mut lines = lines_of(&txn, id).await?;
    let total = reserve_lines(&txn, actor.user_id, order.warehouse_id, &mut lines).await?;
    if total > 0 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("order.reserved", "order", Some(id.to_string()))
                .after(json!({"reserved": total})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(total)
}

/// A line with what a page shows beside it.
#[derive(Clone, Debug)]
pub struct LineView {
    /// The line.
    pub line: sales_order_lines::Model,
    /// The product's SKU.
    pub sku: String,
    /// The product's unit.
    pub unit: String,
    /// Available now in the order's warehouse.
    pub available: i64,
    /// Quantity in open (not yet shipped) shipments.
    pub in_shipments: i64,
}

impl LineView {
    /// Ordered but neither reserved nor shipped.
    pub fn backordered(&self) -> i64 {
        self.line.quantity - self.line.shipped - self.line.reserved
    }
}

/// An order with everything its page shows.
#[derive(Clone, Debug)]
pub struct OrderDetail {
    /// The order.
    pub order: sales_orders::Model,
    /// Its state.
    pub state: OrderState,
    /// The customer.
    pub customer: customers::Model,
    /// The warehouse.
    pub warehouse: warehouses::Model,
    /// The lines.
    pub lines: Vec<LineView>,
    /// Its shipments, oldest first.
    pub shipments: Vec<shipments::Model>,
    /// Names of the owner, creator and approver.
    pub names: HashMap<i64, String>,
}

/// One order in the actor's scope, with lines, availability and shipments.
pub async fn get(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<OrderDetail> {
    let order = in_scope(db, actor, id).await?;
    detail_of(db, order).await
}

/// The detail of an order the caller already holds: the one [`get`] found
/// in scope, or the one a write ([`create`], [`confirm`], [`cancel`])
/// returned, completed in that write's own transaction. It checks no
/// permission itself: the read's or the write's own check stood for it, so
/// a caller who may write an order but not read it still gets what it wrote.
pub async fn detail_of(
    db: &impl ConnectionTrait,
    order: sales_orders::Model,
) -> Result<OrderDetail> {
    let id = order.id;
    let customer = customers::Entity::find_by_id(order.customer_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let warehouse = warehouses::Entity::find_by_id(order.warehouse_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let lines = lines_of(db, id).await?;
    let product_ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let products: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::Id.is_in(product_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let available = stock::available_in(db, &product_ids, order.warehouse_id).await?;
    let shipments = shipments::Entity::find()
        .filter(shipments::Column::OrderId.eq(id))
        .order_by_asc(shipments::Column::Id)
        .all(db)
        .await?;
    let open = crate::services::shipments::open_quantities(db, id).await?;
    let names = users::names(
        db,
        [order.owner_id, order.created_by, order.approved_by]
            .into_iter()
            .flatten(),
    )
    .await?;
    Ok(OrderDetail {
        state: state_of(&order),
        lines: lines
            .into_iter()
            .map(|line| {
                let product = products.get(&line.product_id);
                LineView {
                    sku: product.map(|p| p.sku.clone()).unwrap_or_default(),
                    unit: product.map(|p| p.unit.clone()).unwrap_or_default(),
                    available: available.get(&line.product_id).copied().unwrap_or(0),
                    in_shipments: open.get(&line.id).copied().unwrap_or(0),
                    line,
                }
            })
            .collect(),
        order,
        customer,
        warehouse,
        shipments,
        names,
    })
}

/// Filters for the order list.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// Only this state (`draft`, …), or `open` (confirmed or partially
    /// shipped), or `approval` (quotes waiting for an approval).
    pub state: Option<String>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Start of the number (`SO-2026-0001`).
    pub search: Option<String>,
    /// Ordered on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Ordered on or before this day (UTC).
    pub to: Option<NaiveDate>,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// Only the members of this team as owners.
    pub team_id: Option<i64>,
    /// Only customers of this segment.
    pub segment: Option<String>,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// An order in a list.
#[derive(Clone, Debug)]
pub struct OrderRow {
    /// The order.
    pub order: sales_orders::Model,
    /// The customer's name.
    pub customer_name: String,
}

/// A page of orders in the actor's scope, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    filter: &OrderFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<OrderRow>> {
    let scope = scope_of(actor)?;
    let mut query = sales_orders::Entity::find()
        .filter(scope::owned(scope, sales_orders::Column::OwnerId))
        .order_by_desc(sales_orders::Column::Id);
    match filter.state.as_deref() {
        Some("open") => {
            query = query.filter(sales_orders::Column::State.is_in([
                OrderState::Confirmed.as_str(),
                OrderState::PartiallyShipped.as_str(),
            ]))
        }
        Some("approval") => {
            query = query
                .filter(sales_orders::Column::State.eq(OrderState::Draft.as_str()))
                .filter(sales_orders::Column::ApprovalReason.ne(""))
                .filter(sales_orders::Column::ApprovedBy.is_null())
        }
        Some("booked") => {
            query = query.filter(
                sales_orders::Column::State
                    .is_in(crate::services::dashboards::BOOKED.map(OrderState::as_str)),
            )
        }
        Some(state) if OrderState::parse(state).is_some() => {
            query = query.filter(sales_orders::Column::State.eq(state))
        }
        _ => {}
    }
    let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    if let Some(from) = filter.from {
        query = query.filter(sales_orders::Column::CreatedAt.gte(midnight(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(sales_orders::Column::CreatedAt.lt(midnight(to)));
    }
    if let Some(warehouse) = filter.warehouse_id {
        query = query.filter(sales_orders::Column::WarehouseId.eq(warehouse));
    }
    if let Some(team) = filter.team_id {
        query = query.filter(
            sales_orders::Column::OwnerId.in_subquery(crate::services::teams::members_query(team)),
        );
    }
    if let Some(segment) = filter.segment.as_deref().filter(|s| !s.is_empty()) {
        if segment.chars().count() > 60 {
            return Err(Error::field("segment", crate::messages::MAX_60));
        }
        query = query.filter(
            sales_orders::Column::CustomerId
                .in_subquery(crate::services::dashboards::segment_customers(segment)),
        );
    }
    if let Some(customer) = filter.customer_id {
        query = query.filter(sales_orders::Column::CustomerId.eq(customer));
    }
    if let Some(owner) = filter.owner_id {
        query = query.filter(sales_orders::Column::OwnerId.eq(owner));
    }
    if let Some(search) = scope::search_text(filter.search.as_deref())? {
        query = query.filter(scope::prefix(
            sales_orders::Column::Number,
            &search.to_uppercase(),
        ));
    }
    let page = paginate_after(
        db,
        query,
        sales_orders::Column::Id,
        filter.after,
        page,
        per_page,
        200,
    )
    .await?;
    let names = customer_service::names(db, page.items.iter().map(|o| o.customer_id)).await?;
    Ok(page.map(|order| OrderRow {
        customer_name: names.get(&order.customer_id).cloned().unwrap_or_default(),
        order,
    }))
}

/// A customer's order figures for the 360 page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFigures {
    /// Credit exposure, minor units.
    pub exposure_minor: i64,
    /// Σ totals of shipped, invoiced and closed orders, minor units.
    pub revenue_minor: i64,
    /// Orders confirmed and not fully shipped.
    pub open_orders: u64,
}

/// The order figures of a customer in the actor's scope.
pub async fn customer_figures(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    customer_id: i64,
) -> Result<CustomerFigures> {
    let scope = scope_of(actor)?;
    let customer = customer_service::get(db, actor, customer_id).await?;
    // Exposure is the customer's, whoever took the orders; the counts and
    // revenue are of the orders the actor may see, as the orders tab lists.
    let exposure = exposure(db, &customer, None).await?;
    let rows: Vec<(String, Option<i64>, i64)> = sales_orders::Entity::find()
        .select_only()
        .column(sales_orders::Column::State)
        .column_as(
            Expr::col(sales_orders::Column::TotalMinor)
                .sum()
                .cast_as(Alias::new("BIGINT")),
            "total",
        )
        .column_as(Expr::col(sales_orders::Column::Id).count(), "n")
        .filter(sales_orders::Column::CustomerId.eq(customer_id))
        .filter(scope::owned(scope, sales_orders::Column::OwnerId))
        .group_by(sales_orders::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = CustomerFigures {
        exposure_minor: exposure,
        ..Default::default()
    };
    for (state, total, n) in rows {
        match OrderState::parse(&state) {
            Some(OrderState::Shipped | OrderState::Invoiced | OrderState::Closed) => {
                out.revenue_minor += total.unwrap_or(0);
            }
            Some(OrderState::Confirmed | OrderState::PartiallyShipped) => {
                out.open_orders += n as u64;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A quote priced as it is being written: each line's amounts and what is
/// available in the warehouse, and the totals, by the same rule as saving.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    /// The lines, in input order.
    pub lines: Vec<PreviewLine>,
    /// Σ nets.
    pub subtotal_minor: i64,
    /// Σ taxes.
    pub tax_minor: i64,
    /// Subtotal + tax.
    pub total_minor: i64,
}

/// One line of a [`Preview`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviewLine {
    /// Net amount, minor units.
    pub net_minor: i64,
    /// Tax, minor units.
    pub tax_minor: i64,
    /// Available now in the quote's warehouse.
    pub available: i64,
    /// When that is less than the quantity: another active warehouse with
    /// more of it available, so the builder can say so before confirming.
    pub elsewhere: Option<sourcing::Elsewhere>,
}

/// Prices a quote without saving it (the quote builder's live totals).
pub async fn preview(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    warehouse_id: i64,
    lines: &[LineInput],
) -> Result<Preview> {
    policy::require(actor, Permission::OrdersWrite)?;
    validate(&OrderInput {
        lines: lines.to_vec(),
        ..Default::default()
    })?;
    let (rows, subtotal, tax) = price_lines(db, 0, lines).await?;
    let ids: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
    let available = stock::available_in(db, &ids, warehouse_id).await?;
    let elsewhere = sourcing::best_elsewhere(db, &ids, warehouse_id).await?;
    Ok(Preview {
        lines: rows
            .iter()
            .map(|r| {
                let product = *r.product_id.as_ref();
                let here = available.get(&product).copied().unwrap_or(0);
                PreviewLine {
                    net_minor: *r.net_minor.as_ref(),
                    tax_minor: *r.tax_minor.as_ref(),
                    available: here,
                    elsewhere: elsewhere
                        .get(&product)
                        .filter(|e| here < *r.quantity.as_ref() && e.available > here)
                        .cloned(),
                }
            })
            .collect(),
        subtotal_minor: subtotal,
        tax_minor: tax,
        total_minor: subtotal + tax,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_approval_refusal_is_known_as_one_and_nothing_else_is() {
        for bits in 1..8_u8 {
            let approval = Approval {
                over_credit: bits & 1 != 0,
                over_discount: bits & 2 != 0,
                over_tax: bits & 4 != 0,
                ..Approval::default()
            };
            let refused = Error::Conflict(approval.message().into());
            assert!(awaits_approval(&refused), "{bits:03b}");
        }
        for other in [
            Error::Conflict(messages::ORDER_CANCELLED.into()),
            Error::Forbidden,
            Error::NotFound,
        ] {
            assert!(!awaits_approval(&other), "{other:?}");
        }
    }
}
