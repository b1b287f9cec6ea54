//! Suppliers and their prices, purchase orders and receipts,
//! replenishment suggestions and the demand forecast behind them.

pub mod forecast;
pub mod purchase_orders;
pub mod replenishment;
