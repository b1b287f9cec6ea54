//! Summary tables kept current in the transaction of the write that
//! changes them. `order_stats` sums sales orders by order day, state,
//! warehouse, owner, customer segment and currency; `product_stats` sums
//! their lines by order day, state, warehouse, currency and product;
//! `customer_stats` sums booked orders by order year, currency and
//! customer, and `product_year_stats` their lines by order year, currency,
//! warehouse and product. (`crate::analytics::summaries` checks these
//! and the tickets' resolution minutes together.)
//!
//! A write that changes orders takes a [`Snapshot`] of their contribution
//! before it changes them and applies it after: the difference is added
//! to the summary rows as relative increments (`orders = orders + d`), so
//! concurrent writers never overwrite each other, and rows are touched in
//! key order so two writers cannot deadlock on them. [`rebuild`] recounts
//! everything from the orders; [`check`] compares the two.

mod contributions;
mod keys;
mod recount;
mod snapshot;
mod store;
mod tables;

pub use keys::{
    Counts, CustomerKey, CustomerSummary, Key, ProductCounts, ProductKey, ProductSummary,
    ProductYearKey, ProductYearSummary, Summary,
};
pub use recount::{
    check, maintained, maintained_customers, maintained_product_years, maintained_products,
    rebuild, Difference,
};
pub use snapshot::{OrderSummaries, Snapshot};
