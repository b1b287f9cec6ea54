//! `customers`: companies and people Tandem sells to.

use sea_orm::entity::prelude::*;

/// A customer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Readable code (`CUS-000123`), unique.
    pub code: String,
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Normalised name for duplicate checks.
    pub name_key: String,
    /// Email.
    pub email: Option<String>,
    /// Lower-cased email.
    pub email_key: Option<String>,
    /// Phone as entered (normalised).
    pub phone: Option<String>,
    /// Digits of the phone number.
    pub phone_key: Option<String>,
    /// Postal address.
    pub address: String,
    /// Tax id.
    pub tax_id: Option<String>,
    /// Tax id without spaces and punctuation, upper-cased.
    pub tax_key: Option<String>,
    /// Segment.
    pub segment: String,
    /// Comma-separated tags.
    pub tags: String,
    /// The owning sales user.
    pub owner_id: Option<i64>,
    /// Credit limit in minor units.
    pub credit_limit_minor: i64,
    /// ISO 4217 currency of the credit limit.
    pub currency: String,
    /// Payment terms in days.
    pub payment_terms_days: i32,
    /// Notes.
    pub notes: String,
    /// Archived customers are hidden from lists by default.
    pub archived: bool,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
    /// The customer this one was merged into.
    pub merged_into_id: Option<i64>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
