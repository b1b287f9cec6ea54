//! Server functions of reports: run one (the first rows and the totals)
//! and export one as CSV (every row). The domain checks `reports.view`
//! and the area's record scope; exporting also needs `reports.export`.

use leptos::prelude::*;

use super::types::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::services::reports::{Cell, Kind, Report, SHOWN_ROWS};

    use super::*;

    fn kind(k: Kind) -> String {
        match k {
            Kind::Text => "text",
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Minutes => "minutes",
            Kind::Rating => "rating",
        }
        .into()
    }

    fn cell(c: Cell) -> CellView {
        match c {
            Cell::Text(t) => CellView::Text(t),
            Cell::Number(v) => CellView::Number(v),
        }
    }

    pub fn report(r: Report, took_ms: i64) -> ReportView {
        let total_rows = r.rows.len() as i64;
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
                    kind: kind(c.kind),
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
) -> Result<tandem_domain::services::reports::Report, AppError> {
    use tandem_domain::services::{dashboards::Grain, reports};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    tandem_domain::auth::policy::require(
        actor.as_ref(),
        tandem_domain::auth::Permission::ReportsView,
    )?;
    let input = crate::dashboards::api::convert::filter(&query.filter)?;
    let grain = Grain::parse(&query.grain);
    Ok(reports::run(
        &state.db,
        actor.as_ref(),
        &query.kind,
        &input,
        grain,
        chrono::Utc::now(),
    )
    .await?)
}

/// A report's first rows and its totals. Needs `reports.view`.
#[server(endpoint = "reports/run", input = server_fn::codec::Json)]
pub async fn run(query: ReportQuery) -> Result<ReportView, AppError> {
    let started = std::time::Instant::now();
    let report = run_report(&query).await?;
    Ok(convert::report(
        report,
        started.elapsed().as_millis() as i64,
    ))
}

/// A report as CSV with the reader's `headers` and `total_label` (every
/// row). Needs `reports.view` and `reports.export`.
#[server(endpoint = "reports/export", input = server_fn::codec::Json)]
pub async fn export(
    query: ReportQuery,
    headers: Vec<String>,
    total_label: String,
) -> Result<String, AppError> {
    tandem_domain::auth::policy::require(
        crate::ssr::actor().as_ref(),
        tandem_domain::auth::Permission::ReportsExport,
    )?;
    let report = run_report(&query).await?;
    let bytes = tandem_domain::services::reports::to_csv(&report, &headers, &total_label)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

/// The filter choices of the report page (as a board without figures, so
/// the dashboards' filter form serves both). Needs `reports.view`.
#[server(endpoint = "reports/options", input = server_fn::codec::Json)]
pub async fn options(
    period: String,
    from: String,
    to: String,
) -> Result<crate::dashboards::types::BoardView, AppError> {
    use crate::dashboards::types::{BoardView, OptionView};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    tandem_domain::auth::policy::require(
        actor.as_ref(),
        tandem_domain::auth::Permission::ReportsView,
    )?;
    let o = tandem_domain::services::dashboards::options(&state.db, actor.as_ref()).await?;
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
