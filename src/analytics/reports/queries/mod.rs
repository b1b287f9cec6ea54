//! The report queries. Sales reports read the booked orders of the
//! filter's slice (the same condition the dashboards and the order list
//! use); the others read their area's rows through its record scope.

mod aging;
mod by_customer;
mod pipeline;
mod sales_reports;
mod stock;
mod ticket_performance;

pub use self::aging::aging;
pub use self::pipeline::pipeline_conversion;
pub use self::sales_reports::{sales_by_customer, sales_by_period, sales_by_product};
pub use self::stock::inventory;
pub use self::ticket_performance::tickets;

use sea_orm::ConnectionTrait;

use crate::{
    access::{policy, Actor, Permission},
    analytics::{
        dashboards,
        reports::{Cell, Report},
    },
    Result,
};

fn n(v: i64) -> Cell {
    Cell::Number(Some(v))
}

/// The owners a report may include for an area (scope narrowed by the
/// filter), or `Forbidden` without read access to it.
async fn owners(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &Report,
    read: Permission,
    read_all: Permission,
) -> Result<Option<Vec<i64>>> {
    let scope = policy::scope(actor, read, read_all)?;
    dashboards::owners(db, scope, &report.filter).await
}
