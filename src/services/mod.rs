//! Business operations, one module per area. Each takes a connection (or a
//! transaction) so callers can compose them into one transaction.

pub mod access;
pub mod activities;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod customers;
pub mod demo;
pub mod demo_crm;
pub(crate) mod demo_erp;
pub(crate) mod demo_money;
pub mod forecast;
pub mod invoices;
pub mod leads;
pub mod meta;
pub mod normalize;
pub mod notifications;
pub mod numbers;
pub mod opportunities;
pub mod orders;
pub mod outbox;
pub mod page;
pub mod pipeline;
pub mod products;
pub mod purchasing;
pub mod replenishment;
pub mod scope;
pub mod sessions;
pub mod shipments;
pub mod stock;
pub mod system;
pub mod teams;
pub mod timeline;
pub mod users;
pub mod warehouses;
