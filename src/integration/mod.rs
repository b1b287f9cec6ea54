//! Tandem talking to other systems: CSV import, webhooks, backup and
//! restore, and the REST API's idempotency keys.

pub mod backup;
pub mod idempotency;
pub mod import;
pub mod webhooks;
