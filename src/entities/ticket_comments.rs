//! `ticket_comments`: replies and internal notes.

use sea_orm::entity::prelude::*;

/// A row of `ticket_comments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_comments")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The ticket.
    pub ticket_id: i64,
    /// The agent (none: the requester).
    pub author_id: Option<i64>,
    /// The author's name then.
    pub author_name: String,
    /// A reply the requester sees (false: internal note).
    pub public: bool,
    /// Text.
    pub body: String,
    /// Written (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
