//! What crosses the wire for products, stock, orders and shipments.
//! Amounts travel as formatted text (`1,234.50`), rates as percentages
//! (`7.5`), times formatted on the server in the user's time zone.

use serde::{Deserialize, Serialize};

/// A product in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    /// Key.
    pub id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Unit.
    pub unit: String,
    /// List price.
    pub list_price: String,
    /// Cost price (only for those who may see it).
    pub cost_price: Option<String>,
    /// Tax rate, percent.
    pub tax_rate: String,
    /// Active.
    pub active: bool,
    /// On hand over all warehouses.
    pub on_hand: i64,
    /// Available over all warehouses.
    pub available: i64,
}

/// A product's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    /// The facts.
    pub product: ProductRow,
    /// Description.
    pub description: String,
    /// Barcode.
    pub barcode: Option<String>,
    /// Stock per warehouse (only with `stock.read`).
    pub levels: Option<Vec<LevelRow>>,
    /// The user may edit it.
    pub can_write: bool,
    /// The user may adjust stock.
    pub can_adjust: bool,
    /// The user may transfer stock.
    pub can_transfer: bool,
}

/// Stock of a product in one warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelRow {
    /// Warehouse key.
    pub warehouse_id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// On hand.
    pub on_hand: i64,
    /// Reserved.
    pub reserved: i64,
    /// On hand − reserved.
    pub available: i64,
}

/// A stock move.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveRow {
    /// Key.
    pub id: i64,
    /// When, local time.
    pub at: String,
    /// Warehouse code.
    pub warehouse: String,
    /// Kind.
    pub kind: String,
    /// Signed quantity.
    pub quantity: i64,
    /// Reason.
    pub reason: String,
    /// Document number.
    pub doc_number: String,
    /// Link to the document.
    pub doc_link: Option<String>,
    /// Who.
    pub actor: Option<String>,
}

/// The product form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: String,
    /// Unit.
    pub unit: String,
    /// List price.
    pub list_price: String,
    /// Cost price (ignored without `products.read_cost`).
    pub cost_price: String,
    /// Tax rate, percent.
    pub tax_rate: String,
    /// Barcode.
    pub barcode: String,
    /// Active.
    pub active: bool,
}

/// A warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarehouseRow {
    /// Key.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Active.
    pub active: bool,
}

/// The warehouse form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarehouseForm {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Active.
    pub active: bool,
}

/// The adjustment form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustForm {
    /// Warehouse.
    pub warehouse_id: String,
    /// Signed quantity.
    pub quantity: String,
    /// Why.
    pub reason: String,
}

/// The transfer form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferForm {
    /// From.
    pub from_warehouse_id: String,
    /// To.
    pub to_warehouse_id: String,
    /// How many.
    pub quantity: String,
    /// Why.
    pub reason: String,
}

/// A product offered while writing a quote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// Key.
    pub id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// List price.
    pub list_price: String,
    /// Tax rate, percent.
    pub tax_rate: String,
    /// Available in the quote's warehouse.
    pub available: i64,
}

/// A line of the quote form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    /// Product.
    pub product_id: i64,
    /// Its SKU (shown).
    pub sku: String,
    /// Its name (shown).
    pub name: String,
    /// Quantity.
    pub quantity: String,
    /// Unit price.
    pub unit_price: String,
    /// Discount, percent.
    pub discount: String,
    /// Tax rate, percent.
    pub tax_rate: String,
}

/// The quote form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteForm {
    /// Customer.
    pub customer_id: i64,
    /// Warehouse.
    pub warehouse_id: i64,
    /// Ship by, `YYYY-MM-DD`.
    pub ship_by: String,
    /// Notes.
    pub notes: String,
    /// Lines.
    pub lines: Vec<QuoteLine>,
}

/// A quote priced live.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotePreview {
    /// (net, tax, available) per line, formatted.
    pub lines: Vec<LinePreview>,
    /// Subtotal.
    pub subtotal: String,
    /// Tax.
    pub tax: String,
    /// Total.
    pub total: String,
}

/// One line of a live quote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePreview {
    /// Net amount.
    pub net: String,
    /// Tax.
    pub tax: String,
    /// Available in the warehouse.
    pub available: i64,
    /// When the warehouse is short: another one with more available.
    pub elsewhere: Option<StockElsewhere>,
}

/// A product's stock in another warehouse than the quote's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockElsewhere {
    /// The warehouse.
    pub warehouse_id: i64,
    /// Its code (`MAIN`).
    pub code: String,
    /// Available there.
    pub available: i64,
}

/// What a new quote starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteStart {
    /// The company's default warehouse (0: none is active).
    pub warehouse_id: i64,
}

/// The order list's filters as the URL carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderQuery {
    /// Start of the number.
    pub q: Option<String>,
    /// A state, `open`, `approval` or `booked`.
    pub state: Option<String>,
    /// One customer.
    pub customer: Option<i64>,
    /// One owner.
    pub owner: Option<i64>,
    /// One warehouse.
    pub warehouse: Option<i64>,
    /// The members of one team.
    pub team: Option<i64>,
    /// Customers of one segment.
    pub segment: Option<String>,
    /// Ordered on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Ordered on or before (YYYY-MM-DD).
    pub to: Option<String>,
}

/// An order in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// Customer key.
    pub customer_id: i64,
    /// Customer name.
    pub customer: String,
    /// State.
    pub state: String,
    /// Total.
    pub total: String,
    /// Currency.
    pub currency: String,
    /// Ship by.
    pub ship_by: String,
    /// Created, local time.
    pub created: String,
    /// Waiting for an approval.
    pub awaiting_approval: bool,
}

/// A line of an order's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    /// Key.
    pub id: i64,
    /// Position.
    pub line_no: i32,
    /// Product.
    pub product_id: i64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub description: String,
    /// Unit.
    pub unit: String,
    /// Ordered.
    pub quantity: i64,
    /// Unit price.
    pub unit_price: String,
    /// Discount, percent.
    pub discount: String,
    /// Tax rate, percent.
    pub tax_rate: String,
    /// Net.
    pub net: String,
    /// Reserved.
    pub reserved: i64,
    /// Shipped.
    pub shipped: i64,
    /// Backordered.
    pub backordered: i64,
    /// Available now in the warehouse.
    pub available: i64,
    /// In open shipments.
    pub in_shipments: i64,
}

/// A shipment on an order's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentSummary {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Carrier.
    pub carrier: String,
    /// Tracking.
    pub tracking: String,
    /// Created, local time.
    pub created: String,
    /// Shipped, local time.
    pub shipped: Option<String>,
}

/// A step of an order's history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// `created`, `approved`, `confirmed`, `shipped`, `cancelled`.
    pub kind: String,
    /// When, local time.
    pub at: String,
    /// Detail (who, shipment, tracking).
    pub detail: String,
}

/// An order's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
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
    /// Warehouse key.
    pub warehouse_id: i64,
    /// Warehouse, `CODE · name`.
    pub warehouse: String,
    /// Owner's name.
    pub owner: Option<String>,
    /// Currency.
    pub currency: String,
    /// Subtotal.
    pub subtotal: String,
    /// Tax.
    pub tax: String,
    /// Total.
    pub total: String,
    /// Ship by.
    pub ship_by: String,
    /// Notes.
    pub notes: String,
    /// Why an approval is needed (`credit_limit`, `discount`), if so: for a
    /// quote not yet approved, what confirming it now would need.
    pub approval_reason: String,
    /// Who approved.
    pub approved_by: Option<String>,
    /// Cancel reason.
    pub cancel_reason: String,
    /// Lines.
    pub lines: Vec<OrderLineView>,
    /// Shipments.
    pub shipments: Vec<ShipmentSummary>,
    /// History, oldest first.
    pub history: Vec<Step>,
    /// The user may edit the quote.
    pub can_edit: bool,
    /// The user may confirm.
    pub can_confirm: bool,
    /// The user may approve.
    pub can_approve: bool,
    /// The user may cancel it in its state.
    pub can_cancel: bool,
    /// The user may create shipments.
    pub can_ship: bool,
    /// The quote form's contents, for editing.
    pub form: QuoteForm,
}

/// A line of a shipment (picking list).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickLine {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Barcode.
    pub barcode: Option<String>,
    /// Quantity.
    pub quantity: i64,
}

/// A shipment's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentView {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Order key.
    pub order_id: i64,
    /// Order number.
    pub order_number: String,
    /// Customer.
    pub customer: String,
    /// Customer's address.
    pub address: String,
    /// Warehouse code.
    pub warehouse: String,
    /// Carrier.
    pub carrier: String,
    /// Tracking.
    pub tracking: String,
    /// Created, local time.
    pub created: String,
    /// Shipped, local time.
    pub shipped: Option<String>,
    /// Lines.
    pub lines: Vec<PickLine>,
    /// The user may ship or cancel it.
    pub can_ship: bool,
}

/// An order due to ship.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToShipRow {
    /// Order key.
    pub order_id: i64,
    /// Number.
    pub number: String,
    /// Customer.
    pub customer: String,
    /// Ship by.
    pub ship_by: String,
    /// Reserved, not yet in a shipment.
    pub ready: i64,
    /// In open shipments.
    pub picking: i64,
    /// Backordered.
    pub backordered: i64,
}

/// A shipment in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRow {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Order key.
    pub order_id: i64,
    /// Order number.
    pub order_number: String,
    /// Customer.
    pub customer: String,
    /// Carrier.
    pub carrier: String,
    /// Tracking.
    pub tracking: String,
    /// Created or shipped, local time.
    pub at: String,
}

/// A customer's order figures on the 360 page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFigures {
    /// Exposure.
    pub exposure: String,
    /// Lifetime revenue.
    pub revenue: String,
    /// Open orders.
    pub open_orders: u64,
}

/// One difference of the ledger check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerDifference {
    /// SKU.
    pub sku: String,
    /// Warehouse code (empty for order lines).
    pub warehouse: String,
    /// `on_hand`, `reserved`, `shipped`.
    pub field: String,
    /// Stored.
    pub stored: i64,
    /// Recomputed.
    pub computed: i64,
}
