//! `ticket_returns`: returns (RMA) requested on tickets.

use sea_orm::entity::prelude::*;

/// A row of `ticket_returns`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_returns")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// RMA-… number.
    pub number: String,
    /// The ticket.
    pub ticket_id: i64,
    /// The order.
    pub order_id: i64,
    /// Where the goods go back.
    pub warehouse_id: i64,
    /// requested, approved, rejected.
    pub state: String,
    /// Why.
    pub reason: String,
    /// The credit note issued on approval.
    pub credit_note_id: Option<i64>,
    /// Who requested it.
    pub created_by: Option<i64>,
    /// Requested (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Who approved or rejected.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
