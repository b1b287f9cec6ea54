//! `leads`: prospects not yet customers.

use sea_orm::entity::prelude::*;

/// A row of `leads`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Person's name.
    pub name: String,
    /// Normalised name for duplicate checks and search.
    pub name_key: String,
    /// Company, if any.
    pub company: String,
    /// Email.
    pub email: Option<String>,
    /// Lower-cased email.
    pub email_key: Option<String>,
    /// Phone (normalised).
    pub phone: Option<String>,
    /// Digits of the phone.
    pub phone_key: Option<String>,
    /// `web`, `referral`, `campaign`, `event` or `other`.
    pub source: String,
    /// The campaign it came from.
    pub campaign_id: Option<i64>,
    /// `new`, `qualified`, `disqualified` or `converted`.
    pub status: String,
    /// Why it was disqualified.
    pub disqualify_reason: String,
    /// The owning sales user.
    pub owner_id: Option<i64>,
    /// The customer it was converted into.
    pub customer_id: Option<i64>,
    /// The opportunity it was converted into.
    pub opportunity_id: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
