//! `opportunities`: possible sales to customers.

use sea_orm::entity::prelude::*;

/// A row of `opportunities`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "opportunities")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// The contact, if any.
    pub contact_id: Option<i64>,
    /// The campaign of the lead it came from.
    pub campaign_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Expected close date.
    pub expected_close: Date,
    /// Pipeline stage.
    pub stage_id: i64,
    /// Probability, percent.
    pub probability: i32,
    /// Owning sales user.
    pub owner_id: Option<i64>,
    /// Why it was lost.
    pub lost_reason: String,
    /// When it was won or lost.
    pub closed_at: Option<ChronoDateTimeUtc>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
