//! Business operations, one module per area. Each takes a connection (or a
//! transaction) so callers can compose them into one transaction.

pub mod access;
pub mod audit;
pub mod auth;
pub mod customers;
pub mod demo;
pub mod meta;
pub mod normalize;
pub mod page;
pub mod sessions;
pub mod system;
pub mod users;
