//! `import_runs`: one dry run or import, its counts and its error file.

use sea_orm::entity::prelude::*;

/// A row of `import_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_runs")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The kind.
    pub kind: String,
    /// The file's name.
    pub file_name: String,
    /// `utf-8` or `gbk`.
    pub encoding: String,
    /// `dry_run` or `import`.
    pub mode: String,
    /// `skip`, `update` or `create`.
    pub duplicates: String,
    /// Good rows are kept even when some are bad.
    pub skip_bad: bool,
    /// `running`, `done`, `rolled_back`, `failed`.
    pub status: String,
    /// Data rows.
    pub total_rows: i64,
    /// Records created.
    pub created: i64,
    /// Records updated.
    pub updated: i64,
    /// Duplicates skipped.
    pub skipped: i64,
    /// Bad rows.
    pub failed: i64,
    /// The bad rows with an error column (CSV).
    pub error_csv: String,
    /// Who ran it.
    pub started_by: i64,
    /// Started (UTC).
    pub started_at: ChronoDateTimeUtc,
    /// Finished (UTC).
    pub finished_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
