//! CSV import of customers, contacts, leads, products, opening stock and
//! supplier prices: the file is decoded (UTF-8 with or without BOM, or GBK),
//! its columns mapped to fields (the mapping is remembered per kind), and
//! every row goes through the same service the form uses, so validation,
//! permissions and duplicates are the form's. A dry run does everything in
//! a transaction that is rolled back and reports each bad row; the real
//! import is all or nothing unless bad rows are to be skipped. Each row
//! runs in its own savepoint, so a bad row never spoils the others.

mod execute;
mod goods_rows;
mod kind;
mod parse;
mod people_rows;
mod problems;
mod row;
mod runs;
mod setup;
mod start;
mod uploads;

pub use self::execute::execute;
pub use self::kind::{Field, Kind};
pub use self::parse::{decode, parse, suggest};
pub use self::problems::problems_in;
pub use self::runs::{errors_of, progress, run, run_with_errors, runs, tracker, Run};
pub use self::setup::{setup, Setup, Upload};
pub use self::start::{launch, remembered, start};
pub use self::uploads::{actor_for_email, upload, uploaded, UPLOAD_KEEP};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What to do with a row that matches an existing record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Leave the record; count the row as skipped.
    #[default]
    Skip,
    /// Overwrite the record with the row.
    Update,
    /// Create a new record anyway (where the data allows two).
    Create,
}

impl Duplicates {
    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            Duplicates::Skip => "skip",
            Duplicates::Update => "update",
            Duplicates::Create => "create",
        }
    }

    /// The choice of a code.
    pub fn from_code(code: &str) -> Option<Duplicates> {
        [Duplicates::Skip, Duplicates::Update, Duplicates::Create]
            .into_iter()
            .find(|d| d.code() == code)
    }
}

/// Field key → the header of the column that fills it.
pub type Mapping = BTreeMap<String, String>;

/// A decoded, parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// `utf-8` or `gbk`.
    pub encoding: &'static str,
    /// The header row.
    pub headers: Vec<String>,
    /// The data rows (as many cells as headers, padded).
    pub rows: Vec<Vec<String>>,
}

/// How a run should go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// What the rows are.
    pub kind: Kind,
    /// Which column fills which field.
    pub mapping: Mapping,
    /// Rows matching existing records.
    pub duplicates: Duplicates,
    /// Import the good rows even when some are bad (otherwise nothing is
    /// imported when any row is bad).
    pub skip_bad: bool,
    /// Check every row, change nothing.
    pub dry_run: bool,
}

/// A bad row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// The field (or `row`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The run's id (its record and error file).
    pub run_id: i64,
    /// Data rows read.
    pub total: u64,
    /// Records created.
    pub created: u64,
    /// Existing records updated.
    pub updated: u64,
    /// Duplicates left as they were.
    pub skipped: u64,
    /// Bad rows.
    pub failed: u64,
    /// The first bad rows' errors (all are in the error file).
    pub errors: Vec<RowError>,
    /// Whether the changes were kept (not for a dry run, nor when a bad
    /// row stopped an all-or-nothing import).
    pub committed: bool,
}
