//! `purchase_orders`: goods ordered from a supplier.

use sea_orm::entity::prelude::*;

/// A row of `purchase_orders`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_orders")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`PO-2026-000123`).
    pub number: String,
    /// The supplier.
    pub supplier_id: i64,
    /// Where the goods arrive.
    pub warehouse_id: i64,
    /// draft, sent, partially_received, received, closed, cancelled.
    pub state: String,
    /// ISO currency.
    pub currency: String,
    /// Sum of line nets.
    pub total_minor: i64,
    /// Expected arrival.
    pub expected_on: Option<Date>,
    /// Notes.
    pub notes: String,
    /// Who created it.
    pub created_by: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
    /// Sent (UTC).
    pub sent_at: Option<ChronoDateTimeUtc>,
    /// Closed or cancelled (UTC).
    pub closed_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

// The states, kept with the table: purchasing writes them; inventory
// reads which orders are still incoming.

/// Being prepared.
pub const DRAFT: &str = "draft";
/// Sent to the supplier.
pub const SENT: &str = "sent";
/// Some goods arrived.
pub const PARTIALLY_RECEIVED: &str = "partially_received";
/// Everything arrived.
pub const RECEIVED: &str = "received";
/// Done with (fully received, or closed short).
pub const CLOSED: &str = "closed";
/// Cancelled before anything arrived.
pub const CANCELLED: &str = "cancelled";
/// Every state, in the order of the flow.
pub const STATES: [&str; 6] = [DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CLOSED, CANCELLED];
/// States whose unreceived quantities count as incoming.
pub const OPEN_STATES: [&str; 3] = [DRAFT, SENT, PARTIALLY_RECEIVED];
