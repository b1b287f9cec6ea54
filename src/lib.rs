//! Tandem's domain core.
//!
//! Contract: SeaORM entities, one service module per area, the domain
//! [`Error`]. Nothing here knows about HTTP or Leptos; callers (the app's
//! server functions, the REST API, the command line) pass a database
//! connection (or a transaction) into plain async service functions.

pub mod auth;
pub mod db;
pub mod entities;
pub mod error;
pub mod messages;
pub mod money;
pub mod services;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, FieldErrors, Result};

/// The database connection pool every service is given.
pub use sea_orm::DatabaseConnection as Db;
