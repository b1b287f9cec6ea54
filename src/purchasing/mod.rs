//! Suppliers and their prices, purchase orders and receipts,
//! replenishment suggestions and the demand forecast behind them, and a
//! product's supply picture.

pub mod forecast;
pub mod purchase_orders;
pub mod replenishment;
pub mod supply;
