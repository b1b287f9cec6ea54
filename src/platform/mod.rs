//! Plumbing with no notion of a user or a business rule: pagination,
//! document numbers, the outbox, installation settings, text normalisation,
//! the CSV writer, id-to-name lookups and the health check.

pub mod csv_out;
pub mod lookup;
pub mod meta;
pub mod normalize;
pub mod numbers;
pub mod outbox;
pub mod page;
pub mod system;
