//! What crosses the wire for invoices, payments, credit notes, suppliers,
//! purchase orders, replenishment and notifications. Amounts travel as
//! formatted text, dates as ISO days.

use serde::{Deserialize, Serialize};

/// An invoice in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Customer key.
    pub customer_id: i64,
    /// Customer name.
    pub customer: String,
    /// Issued on.
    pub issue_date: String,
    /// Due on.
    pub due_date: String,
    /// Total.
    pub total: String,
    /// Still owed.
    pub owed: String,
    /// Currency.
    pub currency: String,
}

/// A line of an invoice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLineView {
    /// Key.
    pub id: i64,
    /// Description.
    pub description: String,
    /// Quantity.
    pub quantity: i64,
    /// Quantity credited.
    pub credited: i64,
    /// Unit price.
    pub unit_price: String,
    /// Discount %.
    pub discount: String,
    /// Tax rate %.
    pub tax_rate: String,
    /// Net.
    pub net: String,
    /// Tax.
    pub tax: String,
}

/// A payment or credit note on an invoice page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementView {
    /// Number.
    pub number: String,
    /// Date.
    pub date: String,
    /// Method (payments) or reason (credit notes).
    pub detail: String,
    /// Reference (payments).
    pub reference: String,
    /// Amount.
    pub amount: String,
    /// Part applied to the invoice.
    pub applied: String,
}

/// An invoice with everything its page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    /// The list row.
    pub row: InvoiceRow,
    /// Order key.
    pub order_id: i64,
    /// Order number.
    pub order_number: String,
    /// Shipment number, when per shipment.
    pub shipment_number: Option<String>,
    /// Customer address.
    pub address: String,
    /// Customer tax number.
    pub customer_tax_id: String,
    /// Seller name.
    pub company_name: String,
    /// Seller address.
    pub company_address: String,
    /// Seller tax number.
    pub company_tax_id: String,
    /// Seller e-mail.
    pub company_email: String,
    /// Lines.
    pub lines: Vec<InvoiceLineView>,
    /// Subtotal.
    pub subtotal: String,
    /// Tax.
    pub tax: String,
    /// Paid.
    pub paid: String,
    /// Credited.
    pub credited: String,
    /// Payments.
    pub payments: Vec<SettlementView>,
    /// Credit notes.
    pub credit_notes: Vec<SettlementView>,
    /// The customer's credit balance.
    pub credit_balance: String,
    /// Cancel reason.
    pub cancel_reason: String,
    /// The user may record payments.
    pub can_pay: bool,
    /// The user may credit and cancel.
    pub can_credit: bool,
}

/// Receivables of one customer by days past due.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingRow {
    /// Customer key.
    pub customer_id: i64,
    /// Customer name.
    pub customer: String,
    /// Currency.
    pub currency: String,
    /// Not yet due.
    pub not_due: String,
    /// 0–30 days.
    pub d0_30: String,
    /// 31–60 days.
    pub d31_60: String,
    /// 61–90 days.
    pub d61_90: String,
    /// Over 90 days.
    pub d90_plus: String,
    /// Total.
    pub total: String,
    /// Overdue invoices.
    pub overdue: u64,
}

/// What the payment form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentForm {
    /// Invoice key.
    pub invoice_id: i64,
    /// Amount.
    pub amount: String,
    /// Method.
    pub method: String,
    /// Date received.
    pub paid_on: String,
    /// Reference.
    pub reference: String,
    /// Keep an excess as customer credit.
    pub keep_credit: bool,
}

/// A supplier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierForm {
    /// Key (0 when new).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Contact.
    pub contact_name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Lead time, days.
    pub lead_time_days: String,
    /// Currency.
    pub currency: String,
    /// Notes.
    pub notes: String,
    /// Active.
    pub active: bool,
}

/// A supplier price.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceView {
    /// Product key.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Price.
    pub price: String,
    /// Minimum quantity.
    pub min_quantity: i64,
}

/// A supplier with its prices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierView {
    /// The supplier.
    pub supplier: SupplierForm,
    /// Prices.
    pub prices: Vec<PriceView>,
    /// The user may edit.
    pub can_edit: bool,
}

/// A purchase order in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoRow {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Supplier.
    pub supplier: String,
    /// Warehouse code.
    pub warehouse: String,
    /// Expected on.
    pub expected_on: String,
    /// Total.
    pub total: String,
    /// Currency.
    pub currency: String,
}

/// A purchase order line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoLineView {
    /// Key.
    pub id: i64,
    /// Product key.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Ordered.
    pub quantity: i64,
    /// Received.
    pub received: i64,
    /// Unit price.
    pub unit_price: String,
    /// Net.
    pub net: String,
}

/// A purchase order with its page's contents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoView {
    /// The list row.
    pub row: PoRow,
    /// Supplier key.
    pub supplier_id: i64,
    /// Notes.
    pub notes: String,
    /// Lines.
    pub lines: Vec<PoLineView>,
    /// Receipts (number, local time).
    pub receipts: Vec<(String, String)>,
    /// The user may send, close and cancel.
    pub can_write: bool,
    /// The user may receive.
    pub can_receive: bool,
}

/// A line of the new purchase order form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoLineForm {
    /// SKU.
    pub sku: String,
    /// Quantity.
    pub quantity: String,
}

/// A replenishment suggestion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    /// Product key.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Warehouse key.
    pub warehouse_id: i64,
    /// Warehouse code.
    pub warehouse: String,
    /// Available.
    pub available: i64,
    /// Incoming.
    pub incoming: i64,
    /// Backordered.
    pub backordered: i64,
    /// Reorder point.
    pub reorder_point: i64,
    /// Forecast demand over the lead time.
    pub forecast: i64,
    /// Lead time, days.
    pub lead_time_days: i32,
    /// Supplier name.
    pub supplier: Option<String>,
    /// Unit price.
    pub unit_price: String,
    /// Proposed quantity.
    pub quantity: i64,
    /// Reasons (below_reorder_point, backorders, forecast).
    pub reasons: Vec<String>,
}

/// A product's supply picture for its page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyView {
    /// (week, units shipped), oldest first.
    pub history: Vec<(String, i64)>,
    /// (week, forecast units), rounded to a tenth.
    pub forecast: Vec<(String, String)>,
    /// Per warehouse: incoming and the reorder rule.
    pub warehouses: Vec<SupplyWarehouse>,
    /// The user may change reorder rules.
    pub can_manage: bool,
}

/// A product's incoming quantity and reorder rule in one warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyWarehouse {
    /// Warehouse key.
    pub id: i64,
    /// Code.
    pub code: String,
    /// On open purchase orders.
    pub incoming: i64,
    /// Reorder point, when a rule exists.
    pub point: Option<i64>,
    /// Reorder quantity, when a rule exists.
    pub quantity: Option<i64>,
}

/// A notification.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    /// Key.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// Title; empty when the reader may no longer open its record.
    pub title: String,
    /// Link to its record; `None` when the reader may no longer open it.
    pub link: Option<String>,
    /// When, local time.
    pub at: String,
    /// Read.
    pub read: bool,
}
