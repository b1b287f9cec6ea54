//! The server's integration tests: the assembled router in-process, and the
//! `tandem` binary as a user runs it.

mod api;
mod authz;
mod cli;
mod exports;
mod messages;
mod router;
mod sessions;
mod support;
mod webhooks;

/// What every test returns, so `?` works on any error.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
