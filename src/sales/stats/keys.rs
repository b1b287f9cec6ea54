//! The summaries' row keys and measures, and the maps of rows by key.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// The key of one summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Order day (UTC date the order was created).
    pub day: NaiveDate,
    /// Order state.
    pub state: String,
    /// Warehouse.
    pub warehouse_id: i64,
    /// Owner; 0 when none.
    pub owner_id: i64,
    /// The customer's segment.
    pub segment: String,
    /// Currency.
    pub currency: String,
}

/// The measures of one summary row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Number of orders.
    pub orders: i64,
    /// Net value, minor units.
    pub net_minor: i64,
    /// Total with tax, minor units.
    pub total_minor: i64,
}

/// A summary row's measures: they add up, and a row of zeros is no row.
pub(super) trait Measures: Copy + Default + PartialEq {
    /// Adds `sign × other`.
    fn add(&mut self, other: Self, sign: i64);

    /// Whether every measure is zero.
    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

impl Measures for Counts {
    fn add(&mut self, other: Counts, sign: i64) {
        self.orders += sign * other.orders;
        self.net_minor += sign * other.net_minor;
        self.total_minor += sign * other.total_minor;
    }
}

/// Summary rows by key; rows summing to zero are left out.
pub type Summary = BTreeMap<Key, Counts>;

/// The key of one product summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductKey {
    /// Order day (UTC date the order was created).
    pub day: NaiveDate,
    /// Order state.
    pub state: String,
    /// The order's warehouse.
    pub warehouse_id: i64,
    /// Currency.
    pub currency: String,
    /// The product.
    pub product_id: i64,
}

/// The measures of one product summary row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProductCounts {
    /// Number of order lines.
    pub lines: i64,
    /// Quantity ordered.
    pub quantity: i64,
    /// Net value of the lines, minor units.
    pub net_minor: i64,
}

impl Measures for ProductCounts {
    fn add(&mut self, other: ProductCounts, sign: i64) {
        self.lines += sign * other.lines;
        self.quantity += sign * other.quantity;
        self.net_minor += sign * other.net_minor;
    }
}

/// Product summary rows by key; rows summing to zero are left out.
pub type ProductSummary = BTreeMap<ProductKey, ProductCounts>;

/// The key of one customer summary row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomerKey {
    /// Order year (UTC).
    pub year: i32,
    /// Currency.
    pub currency: String,
    /// The customer.
    pub customer_id: i64,
}

/// Customer summary rows (booked orders) by key; rows summing to zero are
/// left out.
pub type CustomerSummary = BTreeMap<CustomerKey, Counts>;

/// The key of one row of the products' year summary.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductYearKey {
    /// Order year (UTC).
    pub year: i32,
    /// Currency.
    pub currency: String,
    /// The order's warehouse.
    pub warehouse_id: i64,
    /// The product.
    pub product_id: i64,
}

/// The products' year summary (booked lines) by key; rows summing to
/// zero are left out.
pub type ProductYearSummary = BTreeMap<ProductYearKey, ProductCounts>;
