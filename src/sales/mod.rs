//! Quotes and orders (the order aggregate and its state machine), price
//! rules, shipments and the order summaries the dashboards read.

pub mod credit;
pub mod orders;
pub mod pricing;
pub mod shipments;
pub mod stats;
