//! `import_files`: an uploaded CSV file, decoded, until it is imported.

use sea_orm::entity::prelude::*;

/// A row of `import_files`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_files")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The uploaded file's name.
    pub file_name: String,
    /// `utf-8` or `gbk`.
    pub encoding: String,
    /// The decoded text.
    pub content: String,
    /// Data rows.
    pub rows: i64,
    /// Who uploaded it.
    pub uploaded_by: i64,
    /// When (UTC).
    pub uploaded_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
