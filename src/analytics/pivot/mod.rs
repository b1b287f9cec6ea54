//! Custom analysis: a pivot table over orders, order lines, opportunities,
//! tickets or stock moves. The user picks a row and a column dimension
//! and a measure; rows are read through the source area's record scope
//! (and field permissions: margin needs `products.read_cost`), limited to
//! the filter's period, and summed. Orders (and order lines) by dimensions
//! the order (product) summary holds are read from it; everything else
//! from the rows themselves.

mod labels;
mod opportunities;
mod order_lines;
mod orders;
mod saved;
mod stock_moves;
mod table;
mod tickets;

pub use self::saved::{delete, may_delete, parse, save, saved};
pub use self::table::{export, run, to_csv};

use chrono::NaiveDate;

use crate::{
    analytics::dashboards::{FilterInput, Grain},
    Error, Result,
};

/// Sources and, for each, its dimensions and measures.
pub const SOURCES: &[(&str, &[&str], &[&str])] = &[
    (
        "orders",
        &[
            "customer",
            "segment",
            "owner",
            "warehouse",
            "state",
            "day",
            "week",
            "month",
        ],
        &["count", "revenue", "total"],
    ),
    (
        "order_lines",
        &[
            "product",
            "category",
            "customer",
            "owner",
            "warehouse",
            "month",
        ],
        &["quantity", "revenue", "margin"],
    ),
    (
        "opportunities",
        &["stage", "owner", "customer", "segment", "month"],
        &["count", "amount", "weighted"],
    ),
    (
        "tickets",
        &[
            "queue", "assignee", "kind", "priority", "status", "channel", "segment", "week",
            "month",
        ],
        &["count"],
    ),
    (
        "stock_moves",
        &["product", "category", "warehouse", "kind", "week", "month"],
        &["quantity", "count"],
    ),
];

/// Most row (or column) labels kept; the rest are summed into "others".
pub const MAX_LABELS: usize = 200;

/// What to analyse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// A source of [`SOURCES`].
    pub source: String,
    /// Row dimension.
    pub rows: String,
    /// Column dimension (empty: one column).
    pub columns: String,
    /// Measure.
    pub measure: String,
    /// Period, warehouse, owner, team, segment.
    pub filter: FilterInput,
}

/// The result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pivot {
    /// Row labels, largest total first.
    pub rows: Vec<String>,
    /// Column labels (sorted; dates in order).
    pub columns: Vec<String>,
    /// cells[r][c].
    pub cells: Vec<Vec<i64>>,
    /// Per row.
    pub row_totals: Vec<i64>,
    /// Per column.
    pub column_totals: Vec<i64>,
    /// Everything.
    pub total: i64,
    /// Whether the measure is money (minor units).
    pub money: bool,
}

/// One fact: (row key, column key, value).
type Fact = (String, String, i64);

fn check(
    q: &Query,
) -> Result<&'static (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
)> {
    let mut errors = crate::FieldErrors::new();
    let source = SOURCES.iter().find(|s| s.0 == q.source);
    match source {
        None => {
            errors.insert("source".into(), crate::messages::CHOICE_INVALID.into());
        }
        Some((_, dims, measures)) => {
            if !dims.contains(&q.rows.as_str()) {
                errors.insert("rows".into(), crate::messages::CHOICE_INVALID.into());
            }
            if !q.columns.is_empty() && !dims.contains(&q.columns.as_str()) {
                errors.insert("columns".into(), crate::messages::CHOICE_INVALID.into());
            }
            if !measures.contains(&q.measure.as_str()) {
                errors.insert("measure".into(), crate::messages::CHOICE_INVALID.into());
            }
        }
    }
    match source {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(Error::Validation(errors)),
    }
}

fn bucket(dim: &str, at: NaiveDate) -> Option<String> {
    Grain::parse(dim).map(|g| g.start(at).to_string())
}
