//! `customer_credits`: the customer credit ledger (balance = sum).

use sea_orm::entity::prelude::*;

/// A row of `customer_credits`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_credits")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// ISO currency.
    pub currency: String,
    /// Credit gained (+) or used (−).
    pub amount_minor: i64,
    /// payment or credit_note.
    pub doc_type: String,
    /// The document.
    pub doc_id: Option<i64>,
    /// Its number.
    pub doc_number: String,
    /// Who.
    pub created_by: Option<i64>,
    /// When (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
