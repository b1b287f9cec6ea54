//! `/orders`: quotes and sales orders — create, confirm (reserves stock),
//! cancel (releases it).

use axum::{
    extract::State,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::{
    entities::sales_orders,
    sales::orders::{self as service, LineInput, OrderDetail, OrderFilter, OrderInput},
};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    kept_refusal,
    problem::{renamed, ApiResult, Problem},
    window, List, Written,
};

/// A line of an order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Line {
    /// Key.
    pub id: i64,
    /// Position, from 1.
    pub line_no: i32,
    /// The product.
    pub product_id: i64,
    /// The product's SKU.
    pub sku: String,
    /// Description (the product's name when ordered).
    pub description: String,
    /// Ordered.
    pub quantity: i64,
    /// Unit price, minor units.
    pub unit_price_minor: i64,
    /// Discount, basis points.
    pub discount_bp: i32,
    /// Tax rate, basis points.
    pub tax_rate_bp: i32,
    /// Net amount, minor units.
    pub net_minor: i64,
    /// Tax, minor units.
    pub tax_minor: i64,
    /// Reserved in the order's warehouse, not yet shipped.
    pub reserved: i64,
    /// Shipped.
    pub shipped: i64,
    /// Invoiced.
    pub invoiced: i64,
    /// Ordered but neither reserved nor shipped (waits for stock).
    pub backordered: i64,
}

/// A quote or sales order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Order {
    /// Key.
    pub id: i64,
    /// Readable number (`SO-2026-000123`).
    pub number: String,
    /// The customer.
    pub customer_id: i64,
    /// The customer's name.
    pub customer_name: String,
    /// The warehouse it ships from.
    pub warehouse_id: i64,
    /// The sales user it belongs to.
    pub owner_id: Option<i64>,
    /// `draft` (a quote), `confirmed`, `partially_shipped`, `shipped`,
    /// `invoiced`, `closed` or `cancelled`.
    pub state: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// Net total, minor units.
    pub subtotal_minor: i64,
    /// Tax, minor units.
    pub tax_minor: i64,
    /// Total, minor units.
    pub total_minor: i64,
    /// When it should ship.
    pub ship_by: NaiveDate,
    /// Notes.
    pub notes: String,
    /// Why it needs an approval before confirming (a discount, the credit limit); empty if not.
    pub approval_reason: String,
    /// Who approved it.
    pub approved_by: Option<i64>,
    /// Confirmed (UTC).
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Cancelled (UTC).
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was cancelled.
    pub cancel_reason: String,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// The lines (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<Line>>,
}

fn order(m: sales_orders::Model, customer_name: String, lines: Option<Vec<Line>>) -> Order {
    Order {
        id: m.id,
        number: m.number,
        customer_id: m.customer_id,
        customer_name,
        warehouse_id: m.warehouse_id,
        owner_id: m.owner_id,
        state: m.state.as_str().into(),
        currency: m.currency,
        subtotal_minor: m.subtotal_minor,
        tax_minor: m.tax_minor,
        total_minor: m.total_minor,
        ship_by: m.ship_by,
        notes: m.notes,
        approval_reason: m.approval_reason,
        approved_by: m.approved_by,
        confirmed_at: m.confirmed_at,
        cancelled_at: m.cancelled_at,
        cancel_reason: m.cancel_reason,
        created_at: m.created_at,
        updated_at: m.updated_at,
        lines,
    }
}

/// An order with its lines.
fn detail(d: OrderDetail) -> Order {
    let lines = d
        .lines
        .iter()
        .map(|l| Line {
            id: l.line.id,
            line_no: l.line.line_no,
            product_id: l.line.product_id,
            sku: l.sku.clone(),
            description: l.line.description.clone(),
            quantity: l.line.quantity,
            unit_price_minor: l.line.unit_price_minor,
            discount_bp: l.line.discount_bp,
            tax_rate_bp: l.line.tax_rate_bp,
            net_minor: l.line.net_minor,
            tax_minor: l.line.tax_minor,
            reserved: l.line.reserved,
            shipped: l.line.shipped,
            invoiced: l.line.invoiced,
            backordered: l.backordered(),
        })
        .collect();
    order(d.order, d.customer.name, Some(lines))
}

/// A line of a new quote.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineIn {
    /// The product (active).
    pub product_id: i64,
    /// Quantity, 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1000000)]
    pub quantity: i64,
    /// Unit price, minor units; the list price when absent.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub unit_price_minor: Option<i64>,
    /// Discount, basis points (0–10000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub discount_bp: i32,
    /// Tax rate, basis points; the product's when absent.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub tax_rate_bp: Option<i32>,
}

/// A new quote.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    /// The customer.
    pub customer_id: i64,
    /// The warehouse it ships from.
    pub warehouse_id: i64,
    /// When it should ship (today when absent).
    #[serde(default)]
    pub ship_by: Option<NaiveDate>,
    /// Notes.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: String,
    /// The sales user (the customer's owner, else the token's owner, when absent).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// The lines (1 to 200).
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<LineIn>,
}

const FIELDS: &[(&str, &str)] = &[
    ("unit_price", "unit_price_minor"),
    ("discount", "discount_bp"),
    ("tax_rate", "tax_rate_bp"),
];

/// Filters of the order list (those of the orders page).
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// A state, or `open` (confirmed or partially shipped), `approval`
    /// (quotes waiting for an approval) or `booked`.
    pub state: Option<String>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// Start of the number.
    pub search: Option<String>,
    /// Created on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub to: Option<NaiveDate>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Orders in the token's scope, in id order, without lines.
#[utoipa::path(get, path = "/orders", tag = "orders", params(OrderQuery),
    responses((status = 200, description = "A page of orders", body = List<Order>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<OrderQuery>,
) -> ApiResult<Json<List<Order>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let filter = OrderFilter {
        state: query.state,
        customer_id: query.customer_id,
        owner_id: query.owner_id,
        search: query.search,
        from: query.from,
        to: query.to,
        warehouse_id: query.warehouse_id,
        after,
        ..Default::default()
    };
    let page = service::list(&state.reader, caller.actor(), &filter, 1, limit).await?;
    Ok(Json(List::new(page, |row| {
        order(row.order, row.customer_name, None)
    })))
}

/// Creates a quote (`orders.write`); confirm it to reserve stock.
#[utoipa::path(post, path = "/orders", tag = "orders", request_body = OrderIn,
    responses((status = 201, description = "The quote, with its lines (also to a token that may not read orders)", body = Order)))]
pub async fn create(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<OrderIn>,
) -> ApiResult<Written<Order>> {
    let input = OrderInput {
        customer_id: input.customer_id,
        warehouse_id: input.warehouse_id,
        ship_by: input.ship_by,
        notes: input.notes,
        owner_id: input.owner_id,
        lines: input
            .lines
            .into_iter()
            .map(|l| LineInput {
                product_id: l.product_id,
                quantity: l.quantity,
                unit_price_minor: l.unit_price_minor,
                discount_bp: l.discount_bp,
                tax_rate_bp: l.tax_rate_bp,
            })
            .collect(),
    };
    let created = service::create(&*txn, caller.actor(), &input)
        .await
        .map_err(|e| renamed(e, FIELDS))?;
    let created = service::detail_of(&*txn, created).await?;
    Ok(Written::created(detail(created)))
}

/// One order with its lines.
#[utoipa::path(get, path = "/orders/{id}", tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    responses((status = 200, description = "The order", body = Order)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Order>> {
    Ok(Json(detail(
        service::get(&state.reader, caller.actor(), id).await?,
    )))
}

/// Confirms a quote (`orders.confirm`): checks the credit limit and the
/// discount threshold, then reserves what is available in the order's
/// warehouse; the rest is backordered. Confirming a confirmed order
/// changes nothing. A quote that needs an approval (and a token that may
/// not approve) is refused with a 409 and noted as waiting for one; that
/// note is kept, and so is the refusal as the key's answer.
#[utoipa::path(post, path = "/orders/{id}/confirm", tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    responses((status = 200, description = "The order, with what each line reserved", body = Order),
        (status = 409, description = "Refused by the order's state (cancelled), or it waits for an approval (the request for one is kept, and a retry with the same Idempotency-Key gets this answer again), or a request with the same Idempotency-Key still running")))]
pub async fn confirm(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
) -> Result<Written<Order>, Response> {
    let confirmed = match service::confirm(&*txn, caller.actor(), id).await {
        Ok(confirmed) => confirmed,
        Err(err) if service::awaits_approval(&err) => return Err(kept_refusal(err.into())),
        Err(err) => return Err(Problem::from(err).into_response()),
    };
    let confirmed = service::detail_of(&*txn, confirmed.order)
        .await
        .map_err(|err| Problem::from(err).into_response())?;
    Ok(Written::changed(detail(confirmed)))
}

/// Why an order is cancelled.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelIn {
    /// The reason (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// Cancels a quote (`orders.write`) or a confirmed order before anything
/// shipped (`orders.cancel`), releasing its reservations.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "orders", request_body = CancelIn,
    params(("id" = i64, Path, description = "Order id")),
    responses((status = 200, description = "The cancelled order", body = Order)))]
pub async fn cancel(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<CancelIn>,
) -> ApiResult<Written<Order>> {
    let cancelled = service::cancel(&*txn, caller.actor(), id, &input.reason).await?;
    let cancelled = service::detail_of(&*txn, cancelled).await?;
    Ok(Written::changed(detail(cancelled)))
}
