//! Webhooks: other systems register an endpoint (URL, event types, secret)
//! and Tandem POSTs each matching outbox event to it, signed.
//!
//! Delivery is at least once and never part of a business transaction:
//! the change writes its outbox row; later the relay *fans out* each new
//! row into one delivery per subscribed endpoint, *claims* due deliveries
//! with a lease (so with several `tandem` instances one relay at a time
//! holds a delivery; PostgreSQL also skips rows another relay has locked),
//! sends them off the database, and *records* the outcome: delivered, or
//! retried with exponential backoff until [`MAX_ATTEMPTS`], after which
//! the delivery is `failed` and an admin may replay it. The HTTP sending is
//! the server's; this module holds the rules and the data.
//!
//! Targets are public addresses unless the operator allows a network
//! ([`target`]); the log keeps why an attempt failed in a few words
//! ([`Failure`]), never what the endpoint answered.

use chrono::Duration;

mod deliveries;
mod endpoints;
mod health;
mod list;
mod outcome;
mod overview;
mod payload;
mod relay;
pub mod target;

pub use self::deliveries::{deliveries, delivery_log, replay, Delivery, DeliveryLog, LogQuery};
pub use self::endpoints::{create, delete, rotate_secret, update, Created, EndpointInput};
pub use self::health::{health, Health};
pub use self::list::{get, list, Endpoint};
pub use self::outcome::{backoff, record, Failure, Outcome};
pub use self::overview::{overview, Overview};
pub use self::payload::{body, sign};
pub use self::relay::{claim, fan_out, Due};
pub use self::target::{Net, Refusal, Targets};

/// Every event type Tandem publishes, for the endpoint form.
pub const EVENT_TYPES: &[&str] = &[
    "credit_note.issued",
    "invoice.cancelled",
    "invoice.issued",
    "invoice.overdue",
    "invoice.paid",
    "order.cancelled",
    "order.confirmed",
    "order.reserved",
    "order.shipped",
    "payment.received",
    "purchase_order.cancelled",
    "purchase_order.closed",
    "purchase_order.created",
    "purchase_order.received",
    "purchase_order.sent",
    "reorder_rule.set",
    "return.approved",
    "return.requested",
    "stock.changed",
    "stock.low",
    "supplier.created",
    "supplier.price_set",
    "supplier.updated",
    "ticket.created",
    "ticket.rated",
    "ticket.resolved",
    "ticket.updated",
];
/// The subscription to every event type.
pub const EVERY_EVENT: &str = "*";
/// Attempts before a delivery is given up (`failed`); about two days.
pub const MAX_ATTEMPTS: i64 = 15;
/// How long a claimed delivery is held by its relay.
pub const LEASE: Duration = Duration::seconds(60);
/// The first retry's delay; each further one doubles, up to [`BACKOFF_CAP`].
pub const BACKOFF_BASE: Duration = Duration::seconds(30);
/// The longest delay between two attempts.
pub const BACKOFF_CAP: Duration = Duration::hours(6);
/// The header with the delivery's Unix time (seconds), part of what is signed.
pub const TIMESTAMP_HEADER: &str = "Tandem-Timestamp";
/// The header with `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
pub const SIGNATURE_HEADER: &str = "Tandem-Signature";
/// The header with the event type.
pub const EVENT_HEADER: &str = "Tandem-Event";
/// The header with the event id (the same on every retry, to deduplicate).
pub const EVENT_ID_HEADER: &str = "Tandem-Event-Id";
/// The header with the delivery id.
pub const DELIVERY_HEADER: &str = "Tandem-Delivery";

/// A delivery waiting for its next attempt.
pub const PENDING: &str = "pending";
/// A delivery the endpoint accepted (2xx).
pub const DELIVERED: &str = "delivered";
/// A delivery given up after [`MAX_ATTEMPTS`]; it may be replayed.
pub const FAILED: &str = "failed";
