//! `contacts`: people at a company customer.

use sea_orm::entity::prelude::*;

/// A contact.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The company.
    pub customer_id: i64,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Email.
    pub email: Option<String>,
    /// Phone (normalised).
    pub phone: Option<String>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
