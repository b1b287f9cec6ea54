//! Tandem's schema, one file per change. Each migration declares its own
//! identifiers and never imports entities; every `up` has a `down`.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261128_000001_create_app_meta;
mod m20261128_000002_create_access;
mod m20261128_000003_create_crm_customers;
mod m20261129_000004_create_crm_pipeline;
mod m20261129_000005_crm_list_indexes;
mod m20261129_000006_create_erp_core;
mod m20261129_000007_create_money_supply;
mod m20261129_000008_create_service;
mod m20261129_000009_create_analytics;
mod m20261129_000010_create_report_runs;
mod m20261129_000011_period_indexes;
mod m20261130_000012_product_stats;
mod m20261130_000013_customer_stats;
mod m20261130_000014_unpaid_invoice_indexes;
mod m20261130_000015_year_summaries;
mod m20261130_000016_api_tokens;
mod m20261130_000017_webhooks;
mod m20261130_000018_import;
mod m20261201_000019_hashed_session_ids;
mod m20261201_000020_timeline_records;
mod m20261201_000021_webhook_failure_reasons;

/// Applies Tandem's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_app_meta::Migration),
            Box::new(m20261128_000002_create_access::Migration),
            Box::new(m20261128_000003_create_crm_customers::Migration),
            Box::new(m20261129_000004_create_crm_pipeline::Migration),
            Box::new(m20261129_000005_crm_list_indexes::Migration),
            Box::new(m20261129_000006_create_erp_core::Migration),
            Box::new(m20261129_000007_create_money_supply::Migration),
            Box::new(m20261129_000008_create_service::Migration),
            Box::new(m20261129_000009_create_analytics::Migration),
            Box::new(m20261129_000010_create_report_runs::Migration),
            Box::new(m20261129_000011_period_indexes::Migration),
            Box::new(m20261130_000012_product_stats::Migration),
            Box::new(m20261130_000013_customer_stats::Migration),
            Box::new(m20261130_000014_unpaid_invoice_indexes::Migration),
            Box::new(m20261130_000015_year_summaries::Migration),
            Box::new(m20261130_000016_api_tokens::Migration),
            Box::new(m20261130_000017_webhooks::Migration),
            Box::new(m20261130_000018_import::Migration),
            Box::new(m20261201_000019_hashed_session_ids::Migration),
            Box::new(m20261201_000020_timeline_records::Migration),
            Box::new(m20261201_000021_webhook_failure_reasons::Migration),
        ]
    }
}
