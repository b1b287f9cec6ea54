//! The domain's integration tests: one binary, one fresh database per test,
//! on SQLite by default or PostgreSQL when `TANDEM_TEST_PG_URL` is set.

mod access;
mod analytics;
mod approval;
mod architecture;
mod crm;
mod csv_files;
mod customers;
mod database;
mod demo;
mod derived_scope;
mod erp;
mod import;
mod integration;
mod login;
mod migrations;
mod money;
mod quoting;
mod service;
mod session_store;
mod support;

/// What every test returns, so `?` works on any error.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

#[test]
fn engine_under_test_is_reported() {
    // Printed so a run's log shows which engine its numbers belong to.
    eprintln!(
        "domain tests engine: {}",
        tandem_domain::testing::engine_name()
    );
}
