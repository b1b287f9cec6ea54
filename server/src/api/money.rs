//! Fulfilment and money: `/shipments`, `/invoices` (and their payments),
//! `/purchase-orders`.

use axum::{extract::State, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::{
    entities::{
        invoices as invoice_entity, payments as payment_entity, purchase_orders,
        shipments as shipment_entity,
    },
    {
        billing::invoices::{self, InvoiceDetail, InvoiceFilter, PaymentInput},
        purchasing::purchase_orders::{self as purchasing, PoDetail, PoInput, PoLineInput},
        sales::shipments::{self, ShipmentDetail},
    },
};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    problem::{renamed, ApiResult},
    window, List, Written,
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
    /// What it holds (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<ShipmentLine>>,
}

/// A line of a shipment.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ShipmentLine {
    /// Key.
    pub id: i64,
    /// The order line it ships (the order's `lines[].id`).
    pub order_line_id: i64,
    /// The product.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Quantity.
    pub quantity: i64,
}

fn shipment_detail(d: ShipmentDetail) -> Shipment {
    let lines = d
        .lines
        .into_iter()
        .map(|l| ShipmentLine {
            id: l.line.id,
            order_line_id: l.line.order_line_id,
            product_id: l.line.product_id,
            sku: l.sku,
            quantity: l.line.quantity,
        })
        .collect();
    Shipment {
        lines: Some(lines),
        ..d.shipment.into()
    }
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
            lines: None,
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

/// One shipment with its lines (`shipments.read`).
#[utoipa::path(get, path = "/shipments/{id}", tag = "shipments",
    params(("id" = i64, Path, description = "Shipment id")),
    responses((status = 200, description = "The shipment", body = Shipment)))]
pub async fn get_shipment(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Shipment>> {
    let detail = shipments::get(&state.reader, caller.actor(), id).await?;
    Ok(Json(shipment_detail(detail)))
}

/// A line of a new shipment.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentLineIn {
    /// An order line (the order's `lines[].id`).
    pub order_line_id: i64,
    /// How many: at most what the line has reserved and no open shipment
    /// holds yet (0 leaves the line out).
    pub quantity: i64,
}

/// A new shipment of an order.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentIn {
    /// The order, confirmed or partially shipped.
    pub order_id: i64,
    /// What to ship; none ships everything reserved that no open shipment
    /// holds yet.
    #[serde(default)]
    pub lines: Vec<ShipmentLineIn>,
}

/// Opens a shipment (to pick and pack) of an order's reserved goods
/// (`shipments.write`).
#[utoipa::path(post, path = "/shipments", tag = "shipments", request_body = ShipmentIn,
    responses((status = 201, description = "The open shipment, with its lines (also to a token that may not read shipments)", body = Shipment),
        (status = 404, description = "No such order (or not in the owner's scope)")))]
pub async fn create_shipment(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<ShipmentIn>,
) -> ApiResult<Written<Shipment>> {
    let lines: Vec<(i64, i64)> = input
        .lines
        .iter()
        .map(|l| (l.order_line_id, l.quantity))
        .collect();
    let created = shipments::create(&*txn, caller.actor(), input.order_id, &lines)
        .await
        .map_err(|e| renamed(e, &[("line_id", "order_line_id")]))?;
    let created = shipments::detail_of(&*txn, created).await?;
    Ok(Written::created(shipment_detail(created)))
}

/// How a shipment leaves.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipIn {
    /// Carrier (required, at most 100 characters).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub carrier: String,
    /// Tracking number (at most 100 characters).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub tracking: String,
}

/// Marks an open shipment shipped (`shipments.write`): its goods leave the
/// warehouse and the order becomes partially shipped or shipped. Shipping
/// a shipped shipment changes nothing.
#[utoipa::path(post, path = "/shipments/{id}/ship", tag = "shipments", request_body = ShipIn,
    params(("id" = i64, Path, description = "Shipment id")),
    responses((status = 200, description = "The shipped shipment", body = Shipment)))]
pub async fn ship_shipment(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<ShipIn>,
) -> ApiResult<Written<Shipment>> {
    let shipped =
        shipments::ship(&*txn, caller.actor(), id, &input.carrier, &input.tracking).await?;
    let shipped = shipments::detail_of(&*txn, shipped).await?;
    Ok(Written::changed(shipment_detail(shipped)))
}

/// Cancels an open shipment (`shipments.write`); its quantities stay
/// reserved on the order.
#[utoipa::path(post, path = "/shipments/{id}/cancel", tag = "shipments",
    params(("id" = i64, Path, description = "Shipment id")),
    responses((status = 200, description = "The cancelled shipment", body = Shipment)))]
pub async fn cancel_shipment(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Written<Shipment>> {
    let cancelled = shipments::cancel(&*txn, caller.actor(), id).await?;
    let cancelled = shipments::detail_of(&*txn, cancelled).await?;
    Ok(Written::changed(shipment_detail(cancelled)))
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
    Ok(Json(invoice_detail(detail)))
}

fn invoice_detail(d: InvoiceDetail) -> Invoice {
    let payments = d.payments.into_iter().map(Payment::from).collect();
    invoice(d.invoice, Some(payments))
}

/// What to invoice.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceIn {
    /// The order, partially shipped or shipped.
    pub order_id: i64,
    /// Only this shipped shipment of the order; without it, everything
    /// shipped and not yet invoiced.
    #[serde(default)]
    pub shipment_id: Option<i64>,
}

/// Raises an invoice for shipped, not yet invoiced quantities, issued
/// today (UTC) and due after the customer's payment terms
/// (`invoices.write`).
#[utoipa::path(post, path = "/invoices", tag = "invoices", request_body = InvoiceIn,
    responses((status = 201, description = "The invoice, with its payments (also to a token that may not read invoices)", body = Invoice),
        (status = 404, description = "No such order, or no such shipment of it")))]
pub async fn raise_invoice(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<InvoiceIn>,
) -> ApiResult<Written<Invoice>> {
    let today = Utc::now().date_naive();
    let raised = invoices::raise(
        &*txn,
        caller.actor(),
        input.order_id,
        input.shipment_id,
        today,
    )
    .await?;
    let raised = invoices::detail_of(&*txn, raised).await?;
    Ok(Written::created(invoice_detail(raised)))
}

/// Why a document is cancelled.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonIn {
    /// The reason (required, at most 500 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub reason: String,
}

/// Cancels an invoice nothing has settled yet; its quantities can be
/// invoiced again (`invoices.write`). One with payments or credit notes
/// needs a credit note instead.
#[utoipa::path(post, path = "/invoices/{id}/cancel", tag = "invoices", request_body = ReasonIn,
    params(("id" = i64, Path, description = "Invoice id")),
    responses((status = 200, description = "The cancelled invoice", body = Invoice)))]
pub async fn cancel_invoice(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<ReasonIn>,
) -> ApiResult<Written<Invoice>> {
    let cancelled = invoices::cancel(&*txn, caller.actor(), id, &input.reason).await?;
    let cancelled = invoices::detail_of(&*txn, cancelled).await?;
    Ok(Written::changed(invoice_detail(cancelled)))
}

fn bank_transfer() -> String {
    "bank_transfer".into()
}

/// A payment received against an invoice.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentIn {
    /// Amount, minor units of the invoice's currency (more than 0).
    #[schema(minimum = 1)]
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
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<PaymentIn>,
) -> ApiResult<Written<Payment>> {
    let input = PaymentInput {
        invoice_id: id,
        amount_minor: input.amount_minor,
        method: input.method,
        paid_on: input.paid_on,
        reference: input.reference,
        keep_excess_as_credit: input.keep_excess_as_credit,
    };
    let today = Utc::now().date_naive();
    let paid = invoices::pay(&*txn, caller.actor(), &input, today)
        .await
        .map_err(|e| renamed(e, &[("amount", "amount_minor")]))?;
    Ok(Written::created(paid.into()))
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
    /// What it orders (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<PurchaseOrderLine>>,
}

/// A line of a purchase order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PurchaseOrderLine {
    /// Key.
    pub id: i64,
    /// The product.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Ordered.
    pub quantity: i64,
    /// Received so far.
    pub received: i64,
    /// Unit price, minor units.
    pub unit_price_minor: i64,
    /// Quantity × unit price, minor units.
    pub net_minor: i64,
}

fn purchase_order_detail(d: PoDetail) -> PurchaseOrder {
    let lines = d
        .lines
        .into_iter()
        .map(|l| PurchaseOrderLine {
            id: l.line.id,
            product_id: l.line.product_id,
            sku: l.sku,
            quantity: l.line.quantity,
            received: l.line.received,
            unit_price_minor: l.line.unit_price_minor,
            net_minor: l.line.net_minor,
        })
        .collect();
    PurchaseOrder {
        lines: Some(lines),
        ..d.order.into()
    }
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
            lines: None,
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

/// One purchase order with its lines (`purchasing.read`).
#[utoipa::path(get, path = "/purchase-orders/{id}", tag = "purchasing",
    params(("id" = i64, Path, description = "Purchase order id")),
    responses((status = 200, description = "The purchase order", body = PurchaseOrder)))]
pub async fn get_purchase_order(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<PurchaseOrder>> {
    let detail = purchasing::get(&state.reader, caller.actor(), id).await?;
    Ok(Json(purchase_order_detail(detail)))
}

/// A line of a new purchase order.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseOrderLineIn {
    /// The product.
    pub product_id: i64,
    /// Quantity, 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1000000)]
    pub quantity: i64,
    /// Unit price, minor units; without it the supplier's price, else the
    /// product's cost price.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub unit_price_minor: Option<i64>,
}

/// A new purchase order.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseOrderIn {
    /// The supplier (active).
    pub supplier_id: i64,
    /// The warehouse it is delivered to.
    pub warehouse_id: i64,
    /// Expected delivery; without it, today plus the supplier's lead time.
    #[serde(default)]
    pub expected_on: Option<NaiveDate>,
    /// Notes (at most 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub notes: String,
    /// Lines (at least one).
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<PurchaseOrderLineIn>,
}

/// Creates a draft purchase order (`purchasing.write`); send it to order.
#[utoipa::path(post, path = "/purchase-orders", tag = "purchasing", request_body = PurchaseOrderIn,
    responses((status = 201, description = "The draft, with its lines (also to a token that may not read purchase orders)", body = PurchaseOrder)))]
pub async fn create_purchase_order(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<PurchaseOrderIn>,
) -> ApiResult<Written<PurchaseOrder>> {
    let input = PoInput {
        supplier_id: input.supplier_id,
        warehouse_id: input.warehouse_id,
        expected_on: input.expected_on,
        notes: input.notes,
        lines: input
            .lines
            .into_iter()
            .map(|l| PoLineInput {
                product_id: l.product_id,
                quantity: l.quantity,
                unit_price_minor: l.unit_price_minor,
            })
            .collect(),
    };
    let created = purchasing::create(&*txn, caller.actor(), &input)
        .await
        .map_err(|e| renamed(e, &[("unit_price", "unit_price_minor")]))?;
    let created = purchasing::detail_of(&*txn, created).await?;
    Ok(Written::created(purchase_order_detail(created)))
}

/// Sends a draft purchase order to its supplier (`purchasing.write`).
#[utoipa::path(post, path = "/purchase-orders/{id}/send", tag = "purchasing",
    params(("id" = i64, Path, description = "Purchase order id")),
    responses((status = 200, description = "The sent purchase order", body = PurchaseOrder)))]
pub async fn send_purchase_order(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Written<PurchaseOrder>> {
    let sent = purchasing::send(&*txn, caller.actor(), id).await?;
    let sent = purchasing::detail_of(&*txn, sent).await?;
    Ok(Written::changed(purchase_order_detail(sent)))
}

/// Cancels a draft or sent purchase order before anything arrived
/// (`purchasing.write`).
#[utoipa::path(post, path = "/purchase-orders/{id}/cancel", tag = "purchasing",
    params(("id" = i64, Path, description = "Purchase order id")),
    responses((status = 200, description = "The cancelled purchase order", body = PurchaseOrder)))]
pub async fn cancel_purchase_order(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Written<PurchaseOrder>> {
    let cancelled = purchasing::cancel(&*txn, caller.actor(), id).await?;
    let cancelled = purchasing::detail_of(&*txn, cancelled).await?;
    Ok(Written::changed(purchase_order_detail(cancelled)))
}

/// A line of goods received.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLineIn {
    /// A line of the purchase order (its `lines[].id`).
    pub purchase_order_line_id: i64,
    /// How many arrived: at most what is still outstanding (0 leaves the
    /// line out).
    pub quantity: i64,
}

/// Goods received for a purchase order.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptIn {
    /// What arrived; none receives everything outstanding.
    #[serde(default)]
    pub lines: Vec<ReceiptLineIn>,
}

/// Stock reserved for a waiting sales order by a receipt.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Reserved {
    /// The sales order's number.
    pub order_number: String,
    /// Units reserved for it.
    pub quantity: i64,
}

/// A receipt of goods.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Receipt {
    /// Key.
    pub id: i64,
    /// Readable number (`RC-2026-000042`).
    pub number: String,
    /// Where the goods arrived.
    pub warehouse_id: i64,
    /// When (UTC).
    pub received_at: DateTime<Utc>,
    /// Backordered sales orders that got stock, oldest first.
    pub reserved: Vec<Reserved>,
    /// The purchase order after the receipt.
    pub purchase_order: PurchaseOrder,
}

/// Records goods arriving for a sent purchase order
/// (`purchasing.receive`): the stock goes up and waiting backorders are
/// reserved, oldest first.
#[utoipa::path(post, path = "/purchase-orders/{id}/receipts", tag = "purchasing", request_body = ReceiptIn,
    params(("id" = i64, Path, description = "Purchase order id")),
    responses((status = 201, description = "The receipt", body = Receipt)))]
pub async fn receive_purchase_order(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<ReceiptIn>,
) -> ApiResult<Written<Receipt>> {
    let lines: Vec<(i64, i64)> = input
        .lines
        .iter()
        .map(|l| (l.purchase_order_line_id, l.quantity))
        .collect();
    let got = purchasing::receive(&*txn, caller.actor(), id, &lines)
        .await
        .map_err(|e| renamed(e, &[("line_id", "purchase_order_line_id")]))?;
    let purchase_order = purchase_order_detail(purchasing::detail_of(&*txn, got.order).await?);
    let receipt = Receipt {
        id: got.receipt.id,
        number: got.receipt.number,
        warehouse_id: got.receipt.warehouse_id,
        received_at: got.receipt.received_at,
        reserved: got
            .reserved
            .into_iter()
            .map(|(order_number, quantity)| Reserved {
                order_number,
                quantity,
            })
            .collect(),
        purchase_order,
    };
    Ok(Written::created(receipt))
}
