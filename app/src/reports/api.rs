//! Server functions of reports: run one (the first rows and the totals)
//! and export one as CSV (every row). The domain checks `reports.view`
//! and the area's record scope; exporting also needs `reports.export`.

use leptos::prelude::*;

use super::types::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use tandem_domain::analytics::{report_runs, reports};

#[cfg(feature = "ssr")]
use crate::{dashboards::api::convert::choices_only, ssr::signed_in};

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::{
        analytics::dashboards::Grain,
        analytics::report_runs::Stored,
        analytics::reports::{Cell, Report, SHOWN_ROWS},
        entities::{report_runs as run_rows, report_subscriptions as subscription_rows},
    };

    use super::*;
    use crate::ssr::local_time;

    /// The report page's query as the domain takes it.
    pub fn request(query: &ReportQuery) -> Result<reports::Request, AppError> {
        Ok(reports::Request {
            kind: query.kind.clone(),
            input: crate::dashboards::api::convert::filter(&query.filter)?,
            grain: Grain::parse(&query.grain),
        })
    }

    /// A CSV file's text (the domain writes UTF-8).
    pub fn text(bytes: Vec<u8>) -> Result<String, AppError> {
        String::from_utf8(bytes).map_err(|_| AppError::Internal)
    }

    fn cell(c: Cell) -> CellView {
        match c {
            Cell::Text(t) => CellView::Text(t),
            Cell::Number(v) => CellView::Number(v),
        }
    }

    /// The report's shown rows; `started` is when the request began.
    pub fn report(r: Report, started: std::time::Instant) -> ReportView {
        let total_rows = r.row_count as i64;
        ReportView {
            kind: r.kind.into(),
            from: r.filter.from.to_string(),
            to: r.filter.to.to_string(),
            currency: r.currency,
            columns: r
                .columns
                .into_iter()
                .map(|c| ColumnView {
                    key: c.key.into(),
                    kind: c.kind.as_str().into(),
                })
                .collect(),
            rows: r
                .rows
                .into_iter()
                .take(SHOWN_ROWS)
                .map(|row| row.into_iter().map(cell).collect())
                .collect(),
            links: r.links.into_iter().take(SHOWN_ROWS).collect(),
            totals: r.totals.into_iter().map(cell).collect(),
            total_rows,
            took_ms: started.elapsed().as_millis() as i64,
        }
    }

    pub fn subscription(s: subscription_rows::Model) -> SubscriptionRow {
        SubscriptionRow {
            id: s.id,
            kind: s.kind,
            filter: s.filter,
            frequency: s.frequency,
            next_run: local_time(s.next_run_at),
        }
    }

    pub fn run_row(r: run_rows::Model) -> RunRow {
        RunRow {
            id: r.id,
            kind: r.kind,
            filter: r.filter,
            status: r.status,
            progress: r.progress,
            rows: r.rows,
            error: r.error,
            created: local_time(r.created_at),
            finished: r.finished_at.map(local_time).unwrap_or_default(),
            scheduled: r.subscription_id.is_some(),
        }
    }

    /// A run with its stored result, once done.
    pub fn run((run, stored): (run_rows::Model, Option<Stored>)) -> RunView {
        let kind = run.kind.clone();
        RunView {
            run: run_row(run),
            report: stored.map(|s| stored_report(kind, s)),
        }
    }

    fn stored_report(kind: String, s: Stored) -> ReportView {
        ReportView {
            kind,
            from: s.from.clone(),
            to: s.to.clone(),
            currency: s.currency.clone(),
            columns: s
                .columns
                .iter()
                .map(|(key, kind)| ColumnView {
                    key: key.clone(),
                    kind: kind.clone(),
                })
                .collect(),
            rows: s
                .rows()
                .into_iter()
                .take(SHOWN_ROWS)
                .map(|row| row.into_iter().map(cell).collect())
                .collect(),
            links: Vec::new(),
            totals: s.totals().into_iter().map(cell).collect(),
            total_rows: s.rows.len() as i64,
            took_ms: 0,
        }
    }
}

crate::authz!(
    "/api/reports/run",
    Needs(ReportsView),
    JSON,
    r#"{"query":{"kind":"sales_by_period","filter":{"kind":"","period":"","from":"","to":"","warehouse":null,"owner":null,"team":null,"segment":""},"grain":""}}"#,
);
/// A report's first rows and its totals.
#[server(endpoint = "reports/run", input = server_fn::codec::Json)]
pub async fn run(query: ReportQuery) -> Result<ReportView, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/reports/run")?;
    let request = convert::request(&query)?;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let report = reports::show(&state.reader, &actor, &request, now).await?;
    Ok(convert::report(report, started))
}

crate::authz!(
    "/api/reports/export",
    AllOf(&[ReportsView, ReportsExport]),
    JSON,
    r#"{"query":{"kind":"sales_by_period","filter":{"kind":"","period":"","from":"","to":"","warehouse":null,"owner":null,"team":null,"segment":""},"grain":""},"headers":[],"total_label":"Total"}"#,
);
/// A report as CSV with the reader's `headers` and `total_label` (every row).
#[server(endpoint = "reports/export", input = server_fn::codec::Json)]
pub async fn export(
    query: ReportQuery,
    headers: Vec<String>,
    total_label: String,
) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/reports/export")?;
    let request = convert::request(&query)?;
    let now = chrono::Utc::now();
    let report = reports::export(&state.reader, &actor, &request, now).await?;
    convert::text(reports::to_csv(&report, &headers, &total_label)?)
}

crate::authz!(
    "/api/reports/options",
    Needs(ReportsView),
    JSON,
    r#"{"period":"","from":"","to":""}"#,
);
/// The filter choices of the report page (as a board without figures, so the dashboards' filter
/// form serves both).
#[server(endpoint = "reports/options", input = server_fn::codec::Json)]
pub async fn options(
    period: String,
    from: String,
    to: String,
) -> Result<crate::dashboards::types::BoardView, AppError> {
    let state = crate::ssr::state()?;
    let options = reports::options(&state.reader, &signed_in()?).await?;
    Ok(choices_only(period, from, to, options))
}

crate::authz!(
    "/api/reports/request",
    Needs(ReportsView),
    JSON,
    r#"{"kind":"nope","filter":""}"#
);
/// Queues a report to run in the background (the filter as the report page's query string).
#[server(endpoint = "reports/request", input = server_fn::codec::Json)]
pub async fn request(kind: String, filter: String) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    Ok(report_runs::request(&state.db, &signed_in()?, &kind, &filter, now).await?)
}

crate::authz!(
    "/api/reports/subscribe",
    Needs(ReportsView),
    JSON,
    r#"{"kind":"nope","filter":"","frequency":"daily"}"#,
);
/// Subscribes to a report daily, weekly or monthly.
#[server(endpoint = "reports/subscribe", input = server_fn::codec::Json)]
pub async fn subscribe(kind: String, filter: String, frequency: String) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let actor = signed_in()?;
    Ok(report_runs::subscribe(&state.db, &actor, &kind, &filter, &frequency, now).await?)
}

crate::authz!(
    "/api/reports/unsubscribe",
    Needs(ReportsView),
    JSON,
    r#"{"id":0}"#
);
/// Ends one of the user's subscriptions.
#[server(endpoint = "reports/unsubscribe", input = server_fn::codec::Json)]
pub async fn unsubscribe(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(report_runs::unsubscribe(&state.db, &signed_in()?, id).await?)
}

crate::authz!(
    "/api/reports/subscriptions",
    Needs(ReportsView),
    JSON,
    r#"{}"#
);
/// The user's subscriptions.
#[server(endpoint = "reports/subscriptions", input = server_fn::codec::Json)]
pub async fn subscriptions() -> Result<Vec<SubscriptionRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = report_runs::subscriptions(&state.db, &signed_in()?).await?;
    Ok(found.into_iter().map(convert::subscription).collect())
}

crate::authz!("/api/reports/runs", Needs(ReportsView), JSON, r#"{}"#);
/// The user's newest background runs.
#[server(endpoint = "reports/runs", input = server_fn::codec::Json)]
pub async fn runs() -> Result<Vec<RunRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = report_runs::runs(&state.db, &signed_in()?, 100).await?;
    Ok(found.into_iter().map(convert::run_row).collect())
}

crate::authz!(
    "/api/reports/get_run",
    Needs(ReportsView),
    JSON,
    r#"{"id":0}"#
);
/// One of the user's runs with its result.
#[server(endpoint = "reports/get_run", input = server_fn::codec::Json)]
pub async fn get_run(id: i64) -> Result<RunView, AppError> {
    let state = crate::ssr::state()?;
    let found = report_runs::get(&state.db, &signed_in()?, id).await?;
    Ok(convert::run(found))
}

crate::authz!(
    "/api/reports/export_run",
    AllOf(&[ReportsView, ReportsExport]),
    JSON,
    r#"{"id":0,"headers":[],"total_label":"Total"}"#,
);
/// A finished run as CSV with the reader's headers.
#[server(endpoint = "reports/export_run", input = server_fn::codec::Json)]
pub async fn export_run(
    id: i64,
    headers: Vec<String>,
    total_label: String,
) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let stored = report_runs::export(&state.db, &signed_in()?, id).await?;
    convert::text(stored.to_csv(&headers, &total_label)?)
}
