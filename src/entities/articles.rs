//! `articles`: knowledge base articles.

use sea_orm::entity::prelude::*;

/// A row of `articles`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Title.
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// Category.
    pub category: String,
    /// Comma-separated tags.
    pub tags: String,
    /// en or zh.
    pub language: String,
    /// Visible at /help.
    pub published: bool,
    /// Author.
    pub created_by: Option<i64>,
    /// Last editor.
    pub updated_by: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
