//! `customer_stats`: booked sales orders summed by the UTC year they were
//! created in, currency and customer (a year's top customers are the
//! first rows of its index in order of net value).

use sea_orm::entity::prelude::*;

/// A row of `customer_stats`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_stats")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The orders' year (UTC).
    pub year: i32,
    /// The orders' currency.
    pub currency: String,
    /// The customer.
    pub customer_id: i64,
    /// How many orders.
    pub orders: i64,
    /// Net value of the orders (before tax), minor units.
    pub net_minor: i64,
    /// Total with tax, minor units.
    pub total_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
