//! The server's integration tests: the assembled router in-process, and the
//! `tandem` binary as a user runs it.

mod api;
mod api_writes;
mod audit;
mod authz;
mod cli;
mod exports;
mod fuzz;
mod idempotency;
mod messages;
mod openapi;
mod public_limits;
mod redirects;
mod router;
mod sessions;
mod support;
mod uploads;
mod webhooks;

/// What every test returns, so `?` works on any error.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
