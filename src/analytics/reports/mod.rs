//! Reports: sales by customer, product and period; pipeline conversion
//! by stage; inventory valuation and turnover; receivables aging; ticket
//! performance by queue and agent. Each is a table with typed columns and
//! a totals row computed over every row (not only the shown ones), runs
//! through the record scope of its area, and exports as CSV.

mod queries;
mod request;

pub use self::request::{export, options, show, Request};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    access::{policy, Actor, Permission},
    Error, Result,
    {
        access::scope::records,
        analytics::dashboards::{self, FilterInput, Grain},
        platform::csv_out,
    },
};

/// Every report, in menu order.
pub const KINDS: [&str; 8] = [
    "sales_by_customer",
    "sales_by_product",
    "sales_by_period",
    "pipeline_conversion",
    "inventory_valuation",
    "receivables_aging",
    "tickets_by_queue",
    "tickets_by_agent",
];

/// Most rows a report shows on screen (the totals and the CSV cover all).
pub const SHOWN_ROWS: usize = 1_000;

/// How a column's values read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// A count or quantity.
    Count,
    /// Money, minor units.
    Money,
    /// Basis points.
    Percent,
    /// Minutes.
    Minutes,
    /// Rating × 100.
    Rating,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Minutes => "minutes",
            Kind::Rating => "rating",
        }
    }

    /// The kind named `text` (text when unknown).
    pub fn parse(text: &str) -> Kind {
        [
            Kind::Count,
            Kind::Money,
            Kind::Percent,
            Kind::Minutes,
            Kind::Rating,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
        .unwrap_or(Kind::Text)
    }
}

/// A column: its key (the UI words it) and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// What it holds.
    pub key: &'static str,
    /// How it reads.
    pub kind: Kind,
}

const fn col(key: &'static str, kind: Kind) -> Column {
    Column { key, kind }
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number of the column's kind; `None` when there is nothing to measure.
    Number(Option<i64>),
}

/// A report's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Which report.
    pub kind: &'static str,
    /// The filter it ran with.
    pub filter: dashboards::Filter,
    /// Currency of the money columns.
    pub currency: String,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows: all of them, or the first ones when the report ran with a
    /// limit (the screen shows the first [`SHOWN_ROWS`]).
    pub rows: Vec<Vec<Cell>>,
    /// How many rows the report has in all (more than `rows` holds when
    /// it ran with a smaller limit).
    pub row_count: usize,
    /// A link per row to its record, when there is one.
    pub links: Vec<Option<String>>,
    /// Totals over every row (text columns empty).
    pub totals: Vec<Cell>,
}

/// Runs report `kind` for `actor` over `input` at `now`, keeping the first
/// `limit` rows (all without one; the totals and the row count always cover
/// every row). Needs `reports.view` and read access to the report's area.
pub async fn run(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: &str,
    input: &FilterInput,
    grain: Option<Grain>,
    now: DateTime<Utc>,
    limit: Option<usize>,
) -> Result<Report> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    let kind = KINDS
        .into_iter()
        .find(|k| *k == kind)
        .ok_or(Error::NotFound)?;
    let filter = dashboards::resolve(input, now.date_naive())?;
    let currency = dashboards::currency(db).await?;
    let mut report = Report {
        kind,
        filter,
        currency,
        columns: Vec::new(),
        rows: Vec::new(),
        row_count: 0,
        links: Vec::new(),
        totals: Vec::new(),
    };
    match kind {
        "sales_by_customer" => {
            queries::sales_by_customer(db, actor, &mut report, now.date_naive(), limit).await?
        }
        "sales_by_product" => queries::sales_by_product(db, actor, &mut report).await?,
        "sales_by_period" => {
            let grain = grain.unwrap_or_else(|| report.filter.grain());
            queries::sales_by_period(db, actor, &mut report, grain).await?
        }
        "pipeline_conversion" => queries::pipeline_conversion(db, actor, &mut report).await?,
        "inventory_valuation" => queries::inventory(db, actor, &mut report).await?,
        "receivables_aging" => {
            queries::aging(db, actor, &mut report, now.date_naive(), limit).await?
        }
        "tickets_by_queue" => queries::tickets(db, actor, &mut report, false).await?,
        _ => queries::tickets(db, actor, &mut report, true).await?,
    }
    // A query that cut its own rows (naming only the kept ones) has set
    // the row count and the totals over all of them.
    if report.row_count == 0 {
        report.row_count = report.rows.len();
        report.totals = totals(&report);
    }
    if let Some(limit) = limit {
        report.rows.truncate(limit);
        report.links.truncate(limit);
    }
    withhold_unopenable(db, actor, &mut report).await?;
    Ok(report)
}

/// A row linked to a record the actor may not open (a customer who moved
/// to another salesperson, whose past orders and invoices are still the
/// actor's) keeps its figures but loses its name, its other text and its
/// link ([`records::withhold`]). Runs after the cut, on the kept rows; on
/// the screen, in the CSV export and in a background run alike.
async fn withhold_unopenable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
) -> Result<()> {
    let mut rows: Vec<(&mut Vec<Cell>, &mut Option<String>)> = report
        .rows
        .iter_mut()
        .zip(report.links.iter_mut())
        .collect();
    records::withhold(
        db,
        actor,
        &mut rows[..],
        |(_, link)| link.as_deref().and_then(records::Record::from_link),
        |(cells, link)| {
            **link = None;
            for (i, cell) in cells.iter_mut().enumerate() {
                if let Cell::Text(text) = cell {
                    *text = if i == 0 {
                        records::WITHHELD.to_owned()
                    } else {
                        String::new()
                    };
                }
            }
        },
    )
    .await
}

/// Σ of each summable column; averages and shares are recomputed by the
/// query that knows their parts, so they are left empty here unless set.
fn totals(report: &Report) -> Vec<Cell> {
    report
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match c.kind {
            Kind::Count | Kind::Money => Cell::Number(Some(
                report
                    .rows
                    .iter()
                    .map(|r| match r.get(i) {
                        Some(Cell::Number(Some(v))) => *v,
                        _ => 0,
                    })
                    .sum(),
            )),
            Kind::Text => Cell::Text(String::new()),
            _ => report.totals.get(i).cloned().unwrap_or(Cell::Number(None)),
        })
        .collect()
}

/// A number as CSV writes it: money, ratings and shares (basis points)
/// with two decimals, the rest whole.
fn plain(kind: Kind, value: Option<i64>) -> String {
    let Some(v) = value else {
        return String::new();
    };
    match kind {
        Kind::Money | Kind::Rating | Kind::Percent => {
            let sign = if v < 0 { "-" } else { "" };
            let abs = v.unsigned_abs();
            format!("{sign}{}.{:02}", abs / 100, abs % 100)
        }
        _ => v.to_string(),
    }
}

/// The report as CSV (see [`csv_out`]), with `headers` as the first line
/// and the totals as the last.
pub fn to_csv(report: &Report, headers: &[String], total_label: &str) -> Result<Vec<u8>> {
    let columns: Vec<(&str, Kind)> = report.columns.iter().map(|c| (c.key, c.kind)).collect();
    csv_of(&columns, &report.rows, &report.totals, headers, total_label)
}

/// A line's cells as written: (text, whether it is a number).
fn csv_line(columns: &[(&str, Kind)], cells: &[Cell]) -> Vec<(String, bool)> {
    cells
        .iter()
        .zip(columns)
        .map(|(cell, (_, kind))| match cell {
            Cell::Text(t) => (t.clone(), false),
            Cell::Number(v) => (plain(*kind, *v), true),
        })
        .collect()
}

fn write_line(out: &mut csv_out::Writer<Vec<u8>>, line: &[(String, bool)]) -> Result<()> {
    out.row(line.iter().map(|(text, number)| {
        if *number {
            csv_out::Cell::Number(text)
        } else {
            csv_out::Cell::Text(text)
        }
    }))
}

/// A table as CSV: `columns` as (key, kind); a header missing from
/// `headers` falls back to the column's key.
pub fn csv_of(
    columns: &[(&str, Kind)],
    rows: &[Vec<Cell>],
    totals: &[Cell],
    headers: &[String],
    total_label: &str,
) -> Result<Vec<u8>> {
    let mut out = csv_out::Writer::new(Vec::new())?;
    out.texts(
        columns
            .iter()
            .enumerate()
            .map(|(i, (key, _))| headers.get(i).map_or(*key, String::as_str)),
    )?;
    for row in rows {
        write_line(&mut out, &csv_line(columns, row))?;
    }
    let mut last = csv_line(columns, totals);
    if let Some(first) = last.first_mut() {
        *first = (total_label.to_owned(), false);
    }
    write_line(&mut out, &last)?;
    out.finish()
}

/// Most rows one list export writes; a larger list is narrowed by its
/// filter first (the export says when it stopped).
pub const EXPORT_MAX_ROWS: usize = 50_000;

/// A list as CSV, as shown: `numeric[i]` marks columns of numbers shown
/// with grouping commas (`1,234.50`), written plain (`1234.50`); every
/// other cell, and every header, is text (see [`csv_out`]).
pub fn csv_rows(headers: &[String], numeric: &[bool], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut out = csv_out::Writer::new(Vec::new())?;
    out.texts(headers)?;
    for row in rows {
        let plain: Vec<Option<String>> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                Some(cell.replace(',', "")).filter(|number| {
                    numeric.get(i).copied().unwrap_or(false) && csv_out::is_number(number)
                })
            })
            .collect();
        out.row(row.iter().zip(&plain).map(|(cell, plain)| match plain {
            Some(number) => csv_out::Cell::Number(number),
            // Not a number after all: the cell as shown, as text.
            None => csv_out::Cell::Text(cell),
        }))?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_escapes_and_defuses_formulas() {
        let report = Report {
            kind: "sales_by_customer",
            filter: dashboards::resolve(&FilterInput::default(), chrono::NaiveDate::default())
                .expect("default filter"),
            currency: "EUR".into(),
            columns: vec![col("customer", Kind::Text), col("net", Kind::Money)],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"x\")".into()),
                    Cell::Number(Some(12_345)),
                ],
                vec![
                    Cell::Text("Müller, \"GmbH\"".into()),
                    Cell::Number(Some(-5)),
                ],
            ],
            row_count: 2,
            links: vec![None, None],
            totals: vec![Cell::Text(String::new()), Cell::Number(Some(12_340))],
        };
        let bytes = to_csv(&report, &["Customer".into(), "+Net".into()], "@Total").expect("csv");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert_eq!(
            text,
            "Customer,'+Net\n\"'=HYPERLINK(\"\"x\"\")\",123.45\n\"Müller, \"\"GmbH\"\"\",-0.05\n'@Total,123.40\n"
        );
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    }

    #[test]
    fn list_csv_writes_numbers_plain_and_defuses_text() {
        let rows = vec![
            vec![
                "SO-1".to_owned(),
                "-1,234.50".to_owned(),
                "@SUM(A1)".to_owned(),
            ],
            vec!["SO-2".to_owned(), "=1+1".to_owned(), "-".to_owned()],
        ];
        let bytes = csv_rows(
            &["Number".into(), "Total".into(), "=Note".into()],
            &[false, true, false],
            &rows,
        )
        .expect("csv");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert_eq!(
            text,
            "Number,Total,'=Note\nSO-1,-1234.50,'@SUM(A1)\nSO-2,'=1+1,'-\n"
        );
    }
}
