//! Server functions of reports: run one (the first rows and the totals)
//! and export one as CSV (every row). The domain checks `reports.view`
//! and the area's record scope; exporting also needs `reports.export`.

use leptos::prelude::*;

use super::types::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::analytics::reports::{Cell, Report, SHOWN_ROWS};

    use super::*;

    pub fn cell(c: Cell) -> CellView {
        match c {
            Cell::Text(t) => CellView::Text(t),
            Cell::Number(v) => CellView::Number(v),
        }
    }

    pub fn report(r: Report, took_ms: i64) -> ReportView {
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
            took_ms,
        }
    }
}

#[cfg(feature = "ssr")]
async fn run_report(
    query: &ReportQuery,
    limit: Option<usize>,
) -> Result<tandem_domain::analytics::reports::Report, AppError> {
    use tandem_domain::{analytics::dashboards::Grain, analytics::reports};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::ReportsView,
    )?;
    let input = crate::dashboards::api::convert::filter(&query.filter)?;
    let grain = Grain::parse(&query.grain);
    Ok(reports::run(
        &state.reader,
        actor.as_ref(),
        &query.kind,
        &input,
        grain,
        chrono::Utc::now(),
        limit,
    )
    .await?)
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
    let started = std::time::Instant::now();
    let shown = tandem_domain::analytics::reports::SHOWN_ROWS;
    let report = run_report(&query, Some(shown)).await?;
    Ok(convert::report(
        report,
        started.elapsed().as_millis() as i64,
    ))
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
    tandem_domain::access::policy::require(
        crate::ssr::actor().as_ref(),
        tandem_domain::access::Permission::ReportsExport,
    )?;
    let report = run_report(&query, None).await?;
    let bytes = tandem_domain::analytics::reports::to_csv(&report, &headers, &total_label)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
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
    use crate::dashboards::types::{BoardView, OptionView};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::ReportsView,
    )?;
    let o = tandem_domain::analytics::dashboards::options(&state.reader, actor.as_ref()).await?;
    let choices = |list: Vec<(i64, String)>| {
        list.into_iter()
            .map(|(id, name)| OptionView {
                id: id.to_string(),
                name,
            })
            .collect()
    };
    Ok(BoardView {
        period,
        from,
        to,
        warehouses: choices(o.warehouses),
        owners: choices(o.owners),
        teams: choices(o.teams),
        segments: o.segments,
        ..Default::default()
    })
}

#[cfg(feature = "ssr")]
fn run_row(r: tandem_domain::entities::report_runs::Model) -> RunRow {
    use crate::ssr::local_time;
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
    let actor = crate::ssr::actor();
    let now = chrono::Utc::now();
    Ok(tandem_domain::analytics::report_runs::request(
        &state.db,
        actor.as_ref(),
        &kind,
        &filter,
        now,
    )
    .await?)
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
    let actor = crate::ssr::actor();
    let now = chrono::Utc::now();
    Ok(tandem_domain::analytics::report_runs::subscribe(
        &state.db,
        actor.as_ref(),
        &kind,
        &filter,
        &frequency,
        now,
    )
    .await?)
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
    Ok(tandem_domain::analytics::report_runs::unsubscribe(
        &state.db,
        crate::ssr::actor().as_ref(),
        id,
    )
    .await?)
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
    let subs = tandem_domain::analytics::report_runs::subscriptions(
        &state.db,
        crate::ssr::actor().as_ref(),
    )
    .await?;
    Ok(subs
        .into_iter()
        .map(|s| SubscriptionRow {
            id: s.id,
            kind: s.kind,
            filter: s.filter,
            frequency: s.frequency,
            next_run: crate::ssr::local_time(s.next_run_at),
        })
        .collect())
}

crate::authz!("/api/reports/runs", Needs(ReportsView), JSON, r#"{}"#);
/// The user's newest background runs.
#[server(endpoint = "reports/runs", input = server_fn::codec::Json)]
pub async fn runs() -> Result<Vec<RunRow>, AppError> {
    let state = crate::ssr::state()?;
    let runs =
        tandem_domain::analytics::report_runs::runs(&state.db, crate::ssr::actor().as_ref(), 100)
            .await?;
    Ok(runs.into_iter().map(run_row).collect())
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
    let (run, stored) =
        tandem_domain::analytics::report_runs::get(&state.db, crate::ssr::actor().as_ref(), id)
            .await?;
    let kind = run.kind.clone();
    let report = stored.map(|s| ReportView {
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
            .take(tandem_domain::analytics::reports::SHOWN_ROWS)
            .map(|row| row.into_iter().map(convert::cell).collect())
            .collect(),
        links: Vec::new(),
        totals: s.totals().into_iter().map(convert::cell).collect(),
        total_rows: s.rows.len() as i64,
        took_ms: 0,
    });
    Ok(RunView {
        run: run_row(run),
        report,
    })
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
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::ReportsExport,
    )?;
    let (_, stored) =
        tandem_domain::analytics::report_runs::get(&state.db, actor.as_ref(), id).await?;
    let stored = stored.ok_or(AppError::NotFound)?;
    let bytes = stored.to_csv(&headers, &total_label)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}
