//! Role dashboards: the figures a manager, a salesperson, the warehouse
//! and support open Tandem for. Every figure goes through the record
//! scope of its area (a salesperson's board counts only their records),
//! money figures are in one currency, and each tile carries the link to
//! the list behind its number, filtered the same way.

mod boards;
mod figures;
mod filter;
mod open;
mod sales;

pub use boards::{manager, sales_board, support, warehouse};
pub use figures::midnight;
pub use filter::{resolve, Filter, FilterInput, Grain, MAX_DAYS, PERIODS};
pub use open::{open, Opened};
pub use sales::{
    customer_key, is_booked, product_sums, segment_customers, sum, Slice, TopRow, BOOKED,
};

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::{
    access::{policy, Actor, Permission, Scope},
    entities::team_members,
    Error, Result,
};

pub use crate::platform::meta::{currency, CURRENCY_KEY};

/// The board kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Revenue, orders, pipeline, stock, service, receivables.
    Manager,
    /// My pipeline, forecast, activities, my customers' orders and invoices.
    Sales,
    /// Shipping, backorders, low stock, inbound purchase orders.
    Warehouse,
    /// My queue, breaching tickets, satisfaction.
    Support,
}

impl Kind {
    /// Every kind, in menu order.
    pub const ALL: [Kind; 4] = [Kind::Manager, Kind::Sales, Kind::Warehouse, Kind::Support];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Manager => "manager",
            Kind::Sales => "sales",
            Kind::Warehouse => "warehouse",
            Kind::Support => "support",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The permission (besides `dashboards.view`) that makes it one's own.
    fn marker(self) -> Permission {
        match self {
            Kind::Manager => Permission::DashboardsViewAll,
            Kind::Sales => Permission::OpportunitiesRead,
            Kind::Warehouse => Permission::ShipmentsWrite,
            Kind::Support => Permission::TicketsWrite,
        }
    }
}

/// The boards `actor` may open, their own first: with
/// `dashboards.view_all` every board; with `dashboards.view` the boards
/// whose area they work in.
pub fn kinds(actor: &Actor) -> Result<Vec<Kind>> {
    let actor = policy::require_any(
        actor,
        &[Permission::DashboardsView, Permission::DashboardsViewAll],
    )?;
    if actor.has(Permission::DashboardsViewAll) {
        return Ok(Kind::ALL.to_vec());
    }
    Ok(Kind::ALL
        .into_iter()
        .filter(|k| *k != Kind::Manager && actor.has(k.marker()))
        .collect())
}

/// Refuses a board the actor may not open.
pub(crate) fn require(actor: &Actor, kind: Kind) -> Result<&Actor> {
    if kinds(actor)?.contains(&kind) {
        Ok(actor)
    } else {
        Err(Error::Forbidden)
    }
}

/// The owners whose records a figure may include: the scope's (`Own` is
/// the actor alone), narrowed by the filter's owner and team; `None` is
/// everyone.
pub(crate) async fn owners(
    db: &impl ConnectionTrait,
    scope: Scope,
    filter: &Filter,
) -> Result<Option<Vec<i64>>> {
    let mut set: Option<BTreeSet<i64>> = match scope {
        Scope::All => None,
        Scope::Own(user) => Some([user].into()),
    };
    let mut narrow = |with: BTreeSet<i64>| {
        set = Some(match set.take() {
            None => with,
            Some(have) => have.intersection(&with).copied().collect(),
        });
    };
    if let Some(owner) = filter.owner_id {
        narrow([owner].into());
    }
    if let Some(team) = filter.team_id {
        let members: Vec<i64> = team_members::Entity::find()
            .select_only()
            .column(team_members::Column::UserId)
            .filter(team_members::Column::TeamId.eq(team))
            .into_tuple()
            .all(db)
            .await?;
        narrow(members.into_iter().collect());
    }
    Ok(set.map(|s| s.into_iter().collect()))
}

/// The choices of a board's filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// (id, "CODE · name") of active warehouses.
    pub warehouses: Vec<(i64, String)>,
    /// (id, name) of active users; empty unless the actor sees everyone's records.
    pub owners: Vec<(i64, String)>,
    /// (id, name) of the sales teams; empty unless the actor sees everyone's records.
    pub teams: Vec<(i64, String)>,
    /// Customer segments in use.
    pub segments: Vec<String>,
}

/// The filter choices for `actor`'s boards and reports.
pub async fn options(db: &impl ConnectionTrait, actor: &Actor) -> Result<Options> {
    use crate::entities::{customers, teams, warehouses};
    use sea_orm::QueryOrder;
    let actor = policy::require_any(
        actor,
        &[
            Permission::DashboardsView,
            Permission::DashboardsViewAll,
            Permission::ReportsView,
        ],
    )?;
    let warehouses = warehouses::Entity::find()
        .filter(warehouses::Column::Active.eq(true))
        .order_by_asc(warehouses::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, format!("{} · {}", w.code, w.name)))
        .collect();
    let everyone = actor.has(Permission::OrdersReadAll) || actor.has(Permission::DashboardsViewAll);
    let (owners, teams) = if everyone {
        let teams = teams::Entity::find()
            .order_by_asc(teams::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        (crate::access::users::active_names(db).await?, teams)
    } else {
        (Vec::new(), Vec::new())
    };
    let segments: Vec<String> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Segment)
        .distinct()
        .filter(customers::Column::Segment.ne(""))
        .order_by_asc(customers::Column::Segment)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Options {
        warehouses,
        owners,
        teams,
        segments,
    })
}

/// How a figure is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count.
    Count,
    /// Money in minor units of the board's currency.
    Money,
    /// A share in basis points (10 000 = 100 %).
    Percent,
    /// A duration in minutes.
    Minutes,
    /// An average rating × 100.
    Rating,
}

/// One number on a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tile {
    /// What it is (the UI words it).
    pub key: &'static str,
    /// How to show it.
    pub unit: Unit,
    /// The figure; `None` when there is nothing to measure (no tickets
    /// resolved, so no compliance).
    pub value: Option<i64>,
    /// The same figure over the previous period, where compared.
    pub previous: Option<i64>,
    /// The list behind the number.
    pub link: String,
}

/// How a chart is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// A time series (bars per day, week or month).
    Series,
    /// Bars by category.
    Bars,
    /// A pipeline funnel.
    Funnel,
}

/// What a chart's labels are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// Dates (`2026-11-29`: the first day of the bucket).
    Date,
    /// Order states (the UI translates them).
    OrderState,
    /// Names from the data (stages).
    Text,
}

/// One bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    /// Its label.
    pub label: String,
    /// Its value.
    pub value: i64,
    /// A second value shown with it (weighted amount of a stage).
    pub extra: Option<i64>,
    /// The list behind the bar.
    pub link: Option<String>,
}

/// A chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// What it shows.
    pub key: &'static str,
    /// How it is drawn.
    pub kind: ChartKind,
    /// Unit of the values.
    pub unit: Unit,
    /// What the labels are.
    pub labels: Labels,
    /// The time grain of a series.
    pub grain: Option<Grain>,
    /// The bars.
    pub points: Vec<Point>,
}

/// A ranked list (top customers, top products).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranking {
    /// What it ranks.
    pub key: &'static str,
    /// Rows, best first, each with its link.
    pub rows: Vec<(TopRow, String)>,
}

/// A dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    /// Which.
    pub kind: Kind,
    /// The filter it was computed for.
    pub filter: Filter,
    /// The comparison period.
    pub previous: (chrono::NaiveDate, chrono::NaiveDate),
    /// Currency of the money figures.
    pub currency: String,
    /// Numbers.
    pub tiles: Vec<Tile>,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Ranked lists.
    pub rankings: Vec<Ranking>,
}

/// Builds the board `kind` for `actor` over `input` at `now`.
pub async fn board(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: Kind,
    input: &FilterInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Board> {
    let actor = require(actor, kind)?;
    let filter = resolve(input, now.date_naive())?;
    match kind {
        Kind::Manager => manager(db, actor, filter, now).await,
        Kind::Sales => sales_board(db, actor, filter, now).await,
        Kind::Warehouse => warehouse(db, actor, filter, now).await,
        Kind::Support => support(db, actor, filter, now).await,
    }
}
