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

// The states, kept with the table so every area reads them from one place
// (billing writes them; credit checks and figures only read).

/// Issued, nothing settled.
pub const OPEN: &str = "open";
/// Partly settled.
pub const PARTIALLY_PAID: &str = "partially_paid";
/// Settled in full.
pub const PAID: &str = "paid";
/// Past its due date with something owed.
pub const OVERDUE: &str = "overdue";
/// Cancelled before anything was settled.
pub const CANCELLED: &str = "cancelled";
/// Every state.
pub const STATES: [&str; 5] = [OPEN, PARTIALLY_PAID, PAID, OVERDUE, CANCELLED];
/// States in which something is owed.
pub const UNPAID: [&str; 3] = [OPEN, PARTIALLY_PAID, OVERDUE];

/// `CAST(SUM(total - paid - credited) AS BIGINT)`: what the invoices in a
/// query still owe (columns qualified, so it holds beside joins).
pub fn owed_sum() -> sea_orm::sea_query::SimpleExpr {
    sea_orm::sea_query::Expr::expr(
        sea_orm::sea_query::Expr::col((Entity, Column::TotalMinor))
            .sub(sea_orm::sea_query::Expr::col((Entity, Column::PaidMinor)))
            .sub(sea_orm::sea_query::Expr::col((
                Entity,
                Column::CreditedMinor,
            ))),
    )
    .sum()
    .cast_as(sea_orm::sea_query::Alias::new("BIGINT"))
}

/// `invoices.state IN ('open', 'partially_paid', 'overdue')` with the states
/// as literals, not bound values: only then may SQLite and PostgreSQL use
/// the partial indexes on unpaid invoices (migration 14), whose condition
/// is this text.
pub fn unpaid_literal() -> sea_orm::sea_query::SimpleExpr {
    let states: Vec<String> = UNPAID.iter().map(|s| format!("'{s}'")).collect();
    sea_orm::sea_query::Expr::cust(format!("invoices.state IN ({})", states.join(", ")))
}
