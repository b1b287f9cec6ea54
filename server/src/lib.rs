//! The `tandem` server: configuration, start-up, the HTTP router, the
//! command line. Only this crate reads the environment.

pub mod api;
pub mod cli;
pub mod config;
pub mod downloads;
pub mod forwarded;
pub mod jobs;
pub mod metrics;
pub mod router;
pub mod security;
pub mod serve;
pub mod session;
pub mod telemetry;
pub mod uploads;
pub mod webhooks;
