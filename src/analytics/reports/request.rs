//! A report as the report page asks for it: its first rows on screen,
//! every row for an export, and the choices of its filter form.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{run, Report, SHOWN_ROWS};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards::{self, FilterInput, Grain, Options},
    Result,
};

/// A report to run: which, over what, at what grain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// One of [`KINDS`](super::KINDS).
    pub kind: String,
    /// Period, warehouse, owner, team, segment.
    pub input: FilterInput,
    /// The time grain of a report by period (its default when `None`).
    pub grain: Option<Grain>,
}

/// The request's first [`SHOWN_ROWS`] rows, with the totals and the row
/// count over every row: what the page shows. Needs what [`run`] needs.
pub async fn show(
    db: &impl ConnectionTrait,
    actor: &Actor,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Report> {
    run(
        db,
        actor,
        &request.kind,
        &request.input,
        request.grain,
        now,
        Some(SHOWN_ROWS),
    )
    .await
}

/// Every row of the request, for a CSV export. Needs `reports.export`
/// besides what [`run`] needs.
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Report> {
    policy::require(actor, Permission::ReportsExport)?;
    run(
        db,
        actor,
        &request.kind,
        &request.input,
        request.grain,
        now,
        None,
    )
    .await
}

/// The choices of the report page's filter form (the dashboards' form).
/// Needs `reports.view`.
pub async fn options(db: &impl ConnectionTrait, actor: &Actor) -> Result<Options> {
    policy::require(actor, Permission::ReportsView)?;
    dashboards::options(db, actor).await
}
