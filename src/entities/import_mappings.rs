//! `import_mappings`: the column mapping last used per kind of import.

use sea_orm::entity::prelude::*;

/// A row of `import_mappings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_mappings")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The kind (`customers`, `opening_stock`, …).
    pub kind: String,
    /// JSON: field key → column header.
    pub mapping: String,
    /// Who last used it.
    pub updated_by: i64,
    /// When (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
