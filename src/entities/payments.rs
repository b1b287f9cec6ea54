//! `payments`: money received from a customer.

use sea_orm::entity::prelude::*;

/// A row of `payments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`PAY-2026-000123`).
    pub number: String,
    /// The payer.
    pub customer_id: i64,
    /// The invoice it pays.
    pub invoice_id: Option<i64>,
    /// ISO currency.
    pub currency: String,
    /// Amount received.
    pub amount_minor: i64,
    /// Part applied to the invoice (the rest is customer credit).
    pub applied_minor: i64,
    /// bank_transfer, card, cash, cheque, credit, other.
    pub method: String,
    /// Date received.
    pub paid_on: Date,
    /// Bank or cheque reference.
    pub reference: String,
    /// Who recorded it.
    pub created_by: Option<i64>,
    /// Recorded (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
