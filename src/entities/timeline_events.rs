//! `timeline_events`: one chronological feed per customer that every module appends to.

use sea_orm::entity::prelude::*;

/// A row of `timeline_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "timeline_events")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// When it happened.
    pub occurred_at: ChronoDateTimeUtc,
    /// What happened (`opportunity.won`); the UI labels it.
    pub kind: String,
    /// The record's own words (a subject, a title).
    pub summary: String,
    /// Where the record lives in the UI.
    pub link: String,
    /// Who did it.
    pub actor_id: Option<i64>,
    /// The kind of record it is about (`order`; `services::scope::records::Kind`).
    pub record_type: Option<String>,
    /// That record's id (none for an old activity event whose activity was
    /// not known).
    pub record_id: Option<i64>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
