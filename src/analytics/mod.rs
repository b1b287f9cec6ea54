//! Dashboards, reports, pivot analysis and scheduled report runs. Reads
//! every area below it; nothing below reads it.

pub mod dashboards;
pub mod pivot;
pub mod report_runs;
pub mod reports;
pub mod summaries;
