//! Tandem's domain core.
//!
//! Contract: SeaORM entities, one folder per business area, the domain
//! [`Error`]. Nothing here knows about HTTP or Leptos; callers (the app's
//! server functions, the REST API, the command line) pass a database
//! connection (or a transaction) into plain async service functions.
//!
//! Areas depend one way, each only on those listed before it (the test
//! `architecture::areas_depend_one_way` holds the order): the foundation
//! (`messages`, `error`, `money`, `db`, `entities`), then [`platform`],
//! [`access`], [`crm`], [`inventory`], [`sales`], [`purchasing`],
//! [`billing`], [`service`], [`analytics`], [`integration`]. [`demo`]
//! seeding sits beside them.

pub mod access;
pub mod analytics;
pub mod billing;
pub mod crm;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod integration;
pub mod inventory;
pub mod messages;
pub mod money;
pub mod parse;
pub mod platform;
pub mod purchasing;
pub mod sales;
pub mod service;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, FieldErrors, Result};

/// The database connection pool every service is given.
pub use sea_orm::DatabaseConnection as Db;
