//! The domain's integration tests: one binary, one fresh database per test;
//! each database test runs on SQLite and on PostgreSQL (`#[db_test]`,
//! named `…_on_sqlite` / `…_on_postgres`).

mod access;
mod analytics;
mod approval;
mod architecture;
mod billing;
mod crm;
mod csv_files;
mod customers;
mod database;
mod demo;
mod derived_scope;
mod import;
mod integration;
mod inventory;
mod login;
mod migrations;
mod purchasing;
mod quoting;
mod sales;
mod service;
mod session_store;
mod support;
mod world;

/// What every test returns, so `?` works on any error.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
