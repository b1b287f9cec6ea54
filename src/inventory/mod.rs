//! The product catalogue, warehouses, the stock ledger and sourcing
//! (which warehouse serves an order line).

pub mod low_stock;
pub mod product_page;
pub mod products;
pub mod sourcing;
pub mod stock;
pub mod warehouses;
