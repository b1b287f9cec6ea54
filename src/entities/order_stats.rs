//! `order_stats`: sales orders summed by order day, state, warehouse,
//! owner (0 = none), customer segment and currency.

use sea_orm::entity::prelude::*;

/// A row of `order_stats`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_stats")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The orders' day (UTC date of creation).
    pub day: Date,
    /// Their state.
    pub state: String,
    /// Their warehouse.
    pub warehouse_id: i64,
    /// Their owner; 0 when none.
    pub owner_id: i64,
    /// Their customer's segment.
    pub segment: String,
    /// Their currency.
    pub currency: String,
    /// How many orders.
    pub orders: i64,
    /// Their net value (before tax), minor units.
    pub net_minor: i64,
    /// Their total with tax, minor units.
    pub total_minor: i64,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
