//! `invoices`: what a customer is billed for shipped goods.

use sea_orm::entity::prelude::*;

/// A row of `invoices`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`INV-2026-000123`), unique.
    pub number: String,
    /// The customer billed.
    pub customer_id: i64,
    /// The sales order.
    pub order_id: i64,
    /// The shipment it bills, when raised per shipment.
    pub shipment_id: Option<i64>,
    /// The order's owner (record scope; told when overdue).
    pub owner_id: Option<i64>,
    /// ISO currency.
    pub currency: String,
    /// open, partially_paid, paid, overdue, cancelled.
    pub state: String,
    /// Issued on.
    pub issue_date: Date,
    /// Due on (issue date + payment terms).
    pub due_date: Date,
    /// Sum of line nets.
    pub subtotal_minor: i64,
    /// Sum of line taxes.
    pub tax_minor: i64,
    /// Subtotal + tax.
    pub total_minor: i64,
    /// Payments applied.
    pub paid_minor: i64,
    /// Credit notes applied.
    pub credited_minor: i64,
    /// Why it was cancelled.
    pub cancel_reason: String,
    /// When it was cancelled.
    pub cancelled_at: Option<ChronoDateTimeUtc>,
    /// Who raised it.
    pub created_by: Option<i64>,
    /// Raised (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
