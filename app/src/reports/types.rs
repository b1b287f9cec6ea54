//! What crosses the wire for reports.

use serde::{Deserialize, Serialize};

use crate::dashboards::types::BoardQuery;

/// A report request: which report, the dashboard filter, and the grain
/// of a report by period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    /// One of the report kinds.
    pub kind: String,
    /// Period, warehouse, owner, team, segment (its `kind` is unused).
    pub filter: BoardQuery,
    /// `day`, `week`, `month`, or empty for the period's natural grain.
    pub grain: String,
}

/// A column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnView {
    /// What it holds.
    pub key: String,
    /// `text`, `count`, `money`, `percent`, `minutes`, `rating`.
    pub kind: String,
}

/// A cell: text, or a number of its column's kind (none: nothing to measure).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CellView {
    /// Text.
    Text(String),
    /// A number.
    Number(Option<i64>),
}

/// A report's result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    /// Which report.
    pub kind: String,
    /// Period's first day.
    pub from: String,
    /// Period's last day.
    pub to: String,
    /// Currency.
    pub currency: String,
    /// Columns.
    pub columns: Vec<ColumnView>,
    /// The first rows.
    pub rows: Vec<Vec<CellView>>,
    /// A link per shown row.
    pub links: Vec<Option<String>>,
    /// Totals over every row.
    pub totals: Vec<CellView>,
    /// How many rows there are in all.
    pub total_rows: i64,
    /// Server time, milliseconds.
    pub took_ms: i64,
}

/// A background run in the inbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    /// Key.
    pub id: i64,
    /// Which report.
    pub kind: String,
    /// Its filter (query string).
    pub filter: String,
    /// `queued`, `running`, `done`, `failed`.
    pub status: String,
    /// 0–100.
    pub progress: i32,
    /// Rows in the result.
    pub rows: i64,
    /// Why it failed.
    pub error: String,
    /// Asked for (local time).
    pub created: String,
    /// Finished (local time), if it has.
    pub finished: String,
    /// From a subscription (else asked for once).
    pub scheduled: bool,
}

/// A subscription.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    /// Key.
    pub id: i64,
    /// Which report.
    pub kind: String,
    /// Its filter (query string).
    pub filter: String,
    /// `daily`, `weekly`, `monthly`.
    pub frequency: String,
    /// Next run (local time).
    pub next_run: String,
}

/// A run with its result once done.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    /// The run.
    pub run: RunRow,
    /// The result (done runs).
    pub report: Option<ReportView>,
}
