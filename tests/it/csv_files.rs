//! Every CSV file Tandem writes (reports, stored report runs, analyses,
//! list exports, import error files, the full data export) defuses every
//! cell a spreadsheet would run as a formula, in headers and values alike
//! — on both engines.

use chrono::Utc;
use tandem_domain::testing::db_test;
use tandem_domain::{
    analytics::dashboards::FilterInput,
    analytics::pivot::{self, Query},
    analytics::report_runs,
    analytics::reports,
    crm::customers::{self, CustomerInput},
    integration::backup,
    integration::import::{self, Duplicates, Kind, Options},
    sales::orders,
};

use crate::{
    support::{with_admin, BoxResult},
    world::{erp, line, quote, stocked},
    TestResult,
};

/// Texts a spreadsheet runs as a formula (or shifts into one), with the
/// full-width forms some spreadsheets accept.
pub(crate) const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u{FF1D}1+1",
    "\u{FF0B}1",
    "\u{FF0D}1",
    "\u{FF20}SUM(A1)",
    "\u{3000}=1+1",
];

const TRIGGERS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// A plain decimal number, which a spreadsheet reads as a number.
fn number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// Every cell of a CSV file (with its byte-order mark), headers included.
pub(crate) fn cells(bytes: &[u8]) -> BoxResult<Vec<String>> {
    let text = std::str::from_utf8(bytes)?
        .strip_prefix('\u{feff}')
        .ok_or("no byte-order mark")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut all = Vec::new();
    for record in reader.records() {
        all.extend(record?.iter().map(str::to_owned));
    }
    Ok(all)
}

/// Asserts that no cell of `bytes` is a live formula and that each of
/// `expected` is there, defused.
pub(crate) fn assert_defused(what: &str, bytes: &[u8], expected: &[&str]) -> TestResult {
    let all = cells(bytes)?;
    let live: Vec<&String> = all
        .iter()
        .filter(|c| !number(c) && (c.starts_with(TRIGGERS) || c.trim_start().starts_with(TRIGGERS)))
        .collect();
    assert!(live.is_empty(), "{what}: live formulas {live:?}");
    for text in expected {
        let defused = format!("'{text}");
        assert!(
            all.contains(&defused),
            "{what}: {defused:?} missing from {all:?}"
        );
    }
    Ok(())
}

/// The hostile texts that survive a name's trimming.
fn hostile_names() -> Vec<&'static str> {
    HOSTILE.iter().copied().filter(|h| h.trim() == *h).collect()
}

fn headers(n: usize) -> Vec<String> {
    HOSTILE
        .iter()
        .cycle()
        .take(n)
        .map(|h| (*h).to_owned())
        .collect()
}

#[db_test]
async fn reports_runs_and_analyses_defuse_hostile_customer_names_and_headers() -> TestResult {
    let (db, admin) = with_admin().await?;
    let e = erp(&db.conn, admin).await?;
    let product = stocked(&db.conn, &e, "CSV-1", 1_000, 100).await?;
    let names = hostile_names();
    // A sales user's customers, named to run as formulas, with one
    // confirmed order each.
    for name in &names {
        let customer = customers::create(
            &db.conn,
            &e.ana,
            &CustomerInput {
                kind: "company".into(),
                name: (*name).to_owned(),
                currency: "EUR".into(),
                payment_terms_days: 30,
                ..Default::default()
            },
        )
        .await?;
        let order = orders::create(
            &db.conn,
            &e.ana,
            &quote(customer.id, e.main, vec![line(product, 1)]),
        )
        .await?;
        orders::confirm(&db.conn, &e.ana, order.id).await?;
    }
    let now = Utc::now();
    // A report, with the reader's (hostile) headers and total label.
    let report = reports::run(
        &db.conn,
        &e.manager,
        "sales_by_customer",
        &FilterInput::default(),
        None,
        now,
        None,
    )
    .await?;
    let file = reports::to_csv(&report, &headers(report.columns.len()), HOSTILE[0])?;
    let mut expected = names.clone();
    expected.push(HOSTILE[0]);
    assert_defused("report", &file, &expected)?;
    // The same report run in the background and exported later.
    let asked = report_runs::request(&db.conn, &e.manager, "sales_by_customer", "", now).await?;
    report_runs::tick(&db.conn, now).await?;
    let (_, stored) = report_runs::get(&db.conn, &e.manager, asked).await?;
    let stored = stored.ok_or("a finished run keeps its result")?;
    let file = stored.to_csv(&headers(stored.columns.len()), HOSTILE[3])?;
    assert_defused("stored report run", &file, &names)?;
    // The analysis: customers as columns (headers) and as rows (values).
    let q = |rows: &str, columns: &str| Query {
        source: "orders".into(),
        rows: rows.into(),
        columns: columns.into(),
        measure: "count".into(),
        filter: FilterInput::default(),
    };
    let by_column = pivot::run(&db.conn, &e.manager, &q("owner", "customer"), now).await?;
    assert!(by_column.columns.iter().any(|c| c == HOSTILE[0]));
    let file = pivot::to_csv(&by_column, HOSTILE[2], HOSTILE[4])?;
    let mut expected = names.clone();
    expected.extend([HOSTILE[2], HOSTILE[4]]);
    assert_defused("analysis by customer column", &file, &expected)?;
    let by_row = pivot::run(&db.conn, &e.manager, &q("customer", ""), now).await?;
    let file = pivot::to_csv(&by_row, HOSTILE[7], HOSTILE[11])?;
    assert_defused("analysis by customer row", &file, &names)?;
    Ok(())
}

#[db_test]
async fn list_exports_import_error_files_and_the_full_export_defuse_every_cell() -> TestResult {
    let (db, admin) = with_admin().await?;
    // A list as shown: hostile headers, text cells and a numeric column
    // holding one number and one formula.
    let rows: Vec<Vec<String>> = HOSTILE
        .iter()
        .map(|h| vec![(*h).to_owned(), "-1,234.50".to_owned()])
        .chain([vec!["plain".to_owned(), "=1+1".to_owned()]])
        .collect();
    let file = reports::csv_rows(&headers(2), &[false, true], &rows)?;
    let mut expected: Vec<&str> = HOSTILE.to_vec();
    expected.push("=1+1");
    assert_defused("list export", &file, &expected)?;
    assert!(
        cells(&file)?.contains(&"-1234.50".to_owned()),
        "numbers stay numbers"
    );

    // An import whose file has hostile headers and values; every row is
    // bad (no name), so the error file echoes all of them.
    let mut file = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["Name".to_owned(), "Email".to_owned()];
    header.extend(HOSTILE.iter().map(|h| (*h).to_owned()));
    file.write_record(&header)?;
    for h in HOSTILE {
        let mut row = vec![String::new(), (*h).to_owned()];
        row.extend(HOSTILE.iter().map(|_| (*h).to_owned()));
        file.write_record(&row)?;
    }
    let bytes = file.into_inner().map_err(|e| e.to_string())?;
    let parsed = import::parse(&bytes)?;
    let options = Options {
        kind: Kind::Customers,
        mapping: [("name", "Name"), ("email", "Email")]
            .into_iter()
            .map(|(f, h)| (f.to_owned(), h.to_owned()))
            .collect(),
        duplicates: Duplicates::Skip,
        skip_bad: false,
        dry_run: true,
    };
    let run = import::start(&db.conn, &admin, "hostile.csv", &parsed, &options).await?;
    let report = import::execute(&db.conn, &admin, run, &parsed, &options, |_, _| {}).await?;
    assert_eq!(report.failed, HOSTILE.len() as u64);
    let errors = import::errors_of(&db.conn, &admin, run).await?;
    // Cells are trimmed on import, so the trimmed forms come back.
    let trimmed: Vec<&str> = HOSTILE.iter().map(|h| h.trim()).collect();
    assert_defused("import error file", errors.as_bytes(), &trimmed)?;

    // The full export of a table.
    for name in hostile_names() {
        customers::create(
            &db.conn,
            &admin,
            &CustomerInput {
                kind: "company".into(),
                name: name.to_owned(),
                notes: HOSTILE[1].to_owned(),
                currency: "EUR".into(),
                payment_terms_days: 30,
                ..Default::default()
            },
        )
        .await?;
    }
    let mut out = Vec::new();
    let written = backup::export_csv(&db.conn, &admin, "customers", &mut out).await?;
    assert_eq!(written, hostile_names().len() as u64);
    assert_defused("full export", &out, &hostile_names())?;
    Ok(())
}
