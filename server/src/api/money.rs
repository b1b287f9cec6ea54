//! Fulfilment and money: `/shipments`, `/invoices` (and their payments),
//! `/purchase-orders`.

use axum::{extract::State, http::StatusCode, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::{
    entities::{
        invoices as invoice_entity, payments as payment_entity, purchase_orders,
        shipments as shipment_entity,
    },
    money,
    services::{
        invoices::{self, InvoiceFilter, PaymentInput},
        purchasing, shipments,
    },
};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params},
    problem::{renamed, ApiResult},
    window, List,
};

/// A shipment of (part of) an order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Shipment {
    /// Key.
    pub id: i64,
    /// Readable number (`SH-2026-000042`).
    pub number: String,
    /// The order.
    pub order_id: i64,
    /// The warehouse it leaves from.
    pub warehouse_id: i64,
    /// `open` (to pick and pack), `shipped` or `cancelled`.
    pub state: String,
    /// Carrier.
    pub carrier: String,
    /// Tracking number.
    pub tracking: String,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Shipped (UTC).
    pub shipped_at: Option<DateTime<Utc>>,
}

impl From<shipment_entity::Model> for Shipment {
    fn from(m: shipment_entity::Model) -> Self {
        Self {
            id: m.id,
            number: m.number,
            order_id: m.order_id,
            warehouse_id: m.warehouse_id,
            state: m.state,
            carrier: m.carrier,
            tracking: m.tracking,
            created_at: m.created_at,
            shipped_at: m.shipped_at,
        }
    }
}

/// Filters of the shipment list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShipmentQuery {
    /// `open`, `shipped` or `cancelled` (all when absent).
    pub state: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<i64>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Shipments of the orders in the token's scope, in id order (`shipments.read`).
#[utoipa::path(get, path = "/shipments", tag = "shipments", params(ShipmentQuery),
    responses((status = 200, description = "A page of shipments", body = List<Shipment>)))]
pub async fn list_shipments(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<ShipmentQuery>,
) -> ApiResult<Json<List<Shipment>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let page = shipments::list(
        &state.reader,
        caller.actor(),
        query.state.as_deref(),
        query.customer_id,
        after,
        1,
        limit,
    )
    .await?;
    Ok(Json(List::new(page, |row| row.shipment.into())))
}

/// One shipment (`shipments.read`).
#[utoipa::path(get, path = "/shipments/{id}", tag = "shipments",
    params(("id" = i64, Path, description = "Shipment id")),
    responses((status = 200, description = "The shipment", body = Shipment)))]
pub async fn get_shipment(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Shipment>> {
    let detail = shipments::get(&state.reader, caller.actor(), id).await?;
    Ok(Json(detail.shipment.into()))
}

/// A payment received.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Payment {
    /// Key.
    pub id: i64,
    /// Readable number (`PAY-2026-000042`).
    pub number: String,
    /// The customer.
    pub customer_id: i64,
    /// The invoice it paid.
    pub invoice_id: Option<i64>,
    /// ISO 4217 currency.
    pub currency: String,
    /// Amount received, minor units.
    pub amount_minor: i64,
    /// Of which applied to the invoice (the rest is customer credit).
    pub applied_minor: i64,
    /// `bank_transfer`, `card`, `cash`, `cheque`, `credit`, …
    pub method: String,
    /// Date received.
    pub paid_on: NaiveDate,
    /// Bank or cheque reference.
    pub reference: String,
    /// Recorded (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<payment_entity::Model> for Payment {
    fn from(m: payment_entity::Model) -> Self {
        Self {
            id: m.id,
            number: m.number,
            customer_id: m.customer_id,
            invoice_id: m.invoice_id,
            currency: m.currency,
            amount_minor: m.amount_minor,
            applied_minor: m.applied_minor,
            method: m.method,
            paid_on: m.paid_on,
            reference: m.reference,
            created_at: m.created_at,
        }
    }
}

/// An invoice.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Invoice {
    /// Key.
    pub id: i64,
    /// Readable number (`INV-2026-000042`).
    pub number: String,
    /// The customer.
    pub customer_id: i64,
    /// The order.
    pub order_id: i64,
    /// The shipment it invoices.
    pub shipment_id: Option<i64>,
    /// ISO 4217 currency.
    pub currency: String,
    /// `open`, `partially_paid`, `paid`, `overdue` or `cancelled`.
    pub state: String,
    /// Issued.
    pub issue_date: NaiveDate,
    /// Due.
    pub due_date: NaiveDate,
    /// Net, minor units.
    pub subtotal_minor: i64,
    /// Tax, minor units.
    pub tax_minor: i64,
    /// Total, minor units.
    pub total_minor: i64,
    /// Paid, minor units.
    pub paid_minor: i64,
    /// Credited by credit notes, minor units.
    pub credited_minor: i64,
    /// Still owed, minor units.
    pub owed_minor: i64,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Payments, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<Payment>>,
}

fn invoice(m: invoice_entity::Model, payments: Option<Vec<Payment>>) -> Invoice {
    let owed = m.total_minor - m.paid_minor - m.credited_minor;
    Invoice {
        id: m.id,
        number: m.number,
        customer_id: m.customer_id,
        order_id: m.order_id,
        shipment_id: m.shipment_id,
        currency: m.currency,
        state: m.state,
        issue_date: m.issue_date,
        due_date: m.due_date,
        subtotal_minor: m.subtotal_minor,
        tax_minor: m.tax_minor,
        total_minor: m.total_minor,
        paid_minor: m.paid_minor,
        credited_minor: m.credited_minor,
        owed_minor: owed.max(0),
        created_at: m.created_at,
        payments,
    }
}

/// Filters of the invoice list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// A state, or `unpaid` (open, partially paid, overdue).
    pub state: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<i64>,
    /// Only this order's.
    pub order_id: Option<i64>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Invoices in the token's scope, in id order (`invoices.read`).
#[utoipa::path(get, path = "/invoices", tag = "invoices", params(InvoiceQuery),
    responses((status = 200, description = "A page of invoices", body = List<Invoice>)))]
pub async fn list_invoices(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<InvoiceQuery>,
) -> ApiResult<Json<List<Invoice>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let filter = InvoiceFilter {
        state: query.state,
        customer_id: query.customer_id,
        order_id: query.order_id,
        after,
    };
    let page = invoices::list(&state.reader, caller.actor(), &filter, 1, limit).await?;
    Ok(Json(List::new(page, |row| invoice(row.invoice, None))))
}

/// One invoice with its payments (`invoices.read`).
#[utoipa::path(get, path = "/invoices/{id}", tag = "invoices",
    params(("id" = i64, Path, description = "Invoice id")),
    responses((status = 200, description = "The invoice", body = Invoice)))]
pub async fn get_invoice(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Invoice>> {
    let detail = invoices::get(&state.reader, caller.actor(), id).await?;
    let payments = detail.payments.into_iter().map(Payment::from).collect();
    Ok(Json(invoice(detail.invoice, Some(payments))))
}

fn bank_transfer() -> String {
    "bank_transfer".into()
}

/// A payment received against an invoice.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentIn {
    /// Amount, minor units of the invoice's currency (more than 0).
    pub amount_minor: i64,
    /// `bank_transfer` (default), `card`, `cash`, `cheque`, …
    #[serde(default = "bank_transfer")]
    pub method: String,
    /// Date received (today when absent; not in the future).
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
    /// Bank or cheque reference.
    #[serde(default)]
    pub reference: String,
    /// Keep what exceeds the amount owed as customer credit (refused otherwise).
    #[serde(default)]
    pub keep_excess_as_credit: bool,
}

/// Records a payment against an invoice (`payments.write`).
#[utoipa::path(post, path = "/invoices/{id}/payments", tag = "invoices", request_body = PaymentIn,
    params(("id" = i64, Path, description = "Invoice id")),
    responses((status = 201, description = "Recorded", body = Payment)))]
pub async fn pay_invoice(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<PaymentIn>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    let input = PaymentInput {
        invoice_id: id,
        amount: money::format_minor(input.amount_minor),
        method: input.method,
        paid_on: input.paid_on.map(|d| d.to_string()).unwrap_or_default(),
        reference: input.reference,
        keep_excess_as_credit: input.keep_excess_as_credit,
    };
    let today = Utc::now().date_naive();
    let paid = invoices::pay(&state.db, caller.actor(), &input, today)
        .await
        .map_err(|e| renamed(e, &[("amount", "amount_minor")]))?;
    Ok((StatusCode::CREATED, Json(paid.into())))
}

/// A purchase order to a supplier.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PurchaseOrder {
    /// Key.
    pub id: i64,
    /// Readable number (`PO-2026-000042`).
    pub number: String,
    /// The supplier.
    pub supplier_id: i64,
    /// The warehouse it is delivered to.
    pub warehouse_id: i64,
    /// `draft`, `sent`, `partially_received`, `received`, `closed` or `cancelled`.
    pub state: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// Total, minor units.
    pub total_minor: i64,
    /// Expected delivery.
    pub expected_on: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Sent (UTC).
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<purchase_orders::Model> for PurchaseOrder {
    fn from(m: purchase_orders::Model) -> Self {
        Self {
            id: m.id,
            number: m.number,
            supplier_id: m.supplier_id,
            warehouse_id: m.warehouse_id,
            state: m.state,
            currency: m.currency,
            total_minor: m.total_minor,
            expected_on: m.expected_on,
            notes: m.notes,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// Filters of the purchase order list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurchaseOrderQuery {
    /// A state, or `open` (draft, sent, partially received).
    pub state: Option<String>,
    /// Only this supplier's.
    pub supplier_id: Option<i64>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Purchase orders, in id order (`purchasing.read`).
#[utoipa::path(get, path = "/purchase-orders", tag = "purchasing", params(PurchaseOrderQuery),
    responses((status = 200, description = "A page of purchase orders", body = List<PurchaseOrder>)))]
pub async fn list_purchase_orders(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<PurchaseOrderQuery>,
) -> ApiResult<Json<List<PurchaseOrder>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let page = purchasing::list(
        &state.reader,
        caller.actor(),
        query.state.as_deref(),
        query.supplier_id,
        after,
        1,
        limit,
    )
    .await?;
    Ok(Json(List::new(page, |row| row.order.into())))
}

/// One purchase order (`purchasing.read`).
#[utoipa::path(get, path = "/purchase-orders/{id}", tag = "purchasing",
    params(("id" = i64, Path, description = "Purchase order id")),
    responses((status = 200, description = "The purchase order", body = PurchaseOrder)))]
pub async fn get_purchase_order(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<PurchaseOrder>> {
    let detail = purchasing::get(&state.reader, caller.actor(), id).await?;
    Ok(Json(detail.order.into()))
}
