//! `suppliers`: who the company buys from.

use sea_orm::entity::prelude::*;

/// A row of `suppliers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppliers")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Name.
    pub name: String,
    /// Lower-cased name, unique.
    pub name_key: String,
    /// Contact person.
    pub contact_name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Days from order to arrival.
    pub lead_time_days: i32,
    /// ISO currency.
    pub currency: String,
    /// Notes.
    pub notes: String,
    /// Offered for new purchase orders.
    pub active: bool,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
