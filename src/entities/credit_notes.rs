//! `credit_notes`: reversals of all or part of an invoice.

use sea_orm::entity::prelude::*;

/// A row of `credit_notes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_notes")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable number (`CN-2026-000123`).
    pub number: String,
    /// The invoice reversed.
    pub invoice_id: i64,
    /// The customer.
    pub customer_id: i64,
    /// ISO currency.
    pub currency: String,
    /// Why.
    pub reason: String,
    /// Net credited.
    pub subtotal_minor: i64,
    /// Tax credited.
    pub tax_minor: i64,
    /// Total credited.
    pub total_minor: i64,
    /// Part that reduced what the invoice owed (the rest is customer credit).
    pub applied_minor: i64,
    /// Who issued it.
    pub created_by: Option<i64>,
    /// Issued (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// The ticket it was issued from.
    pub ticket_id: Option<i64>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
