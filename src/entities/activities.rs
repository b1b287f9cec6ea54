//! `activities`: calls, emails, meetings, tasks and notes.

use sea_orm::entity::prelude::*;

/// A row of `activities`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `call`, `email`, `meeting`, `task` or `note`.
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// When it is due.
    pub due_at: Option<ChronoDateTimeUtc>,
    /// When it was done.
    pub done_at: Option<ChronoDateTimeUtc>,
    /// Owner.
    pub owner_id: Option<i64>,
    /// The customer.
    pub customer_id: i64,
    /// The contact, if any.
    pub contact_id: Option<i64>,
    /// The opportunity, if any.
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
