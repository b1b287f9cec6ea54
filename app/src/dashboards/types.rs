//! What crosses the wire for dashboards.

use serde::{Deserialize, Serialize};

/// A board request as the URL carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    /// `manager`, `sales`, `warehouse`, `support`; empty for the user's own.
    pub kind: String,
    /// One of the periods; empty for 30 days.
    pub period: String,
    /// First day of a custom period (YYYY-MM-DD).
    pub from: String,
    /// Last day of a custom period.
    pub to: String,
    /// Only this warehouse.
    pub warehouse: Option<i64>,
    /// Only this owner.
    pub owner: Option<i64>,
    /// Only this team.
    pub team: Option<i64>,
    /// Only this customer segment.
    pub segment: String,
}

/// One number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileView {
    /// What it is.
    pub key: String,
    /// `count`, `money`, `percent`, `minutes`, `rating`.
    pub unit: String,
    /// The figure (none: nothing to measure).
    pub value: Option<i64>,
    /// The previous period's figure.
    pub previous: Option<i64>,
    /// The list behind it.
    pub link: String,
}

/// One bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointView {
    /// Label (a date, a state code or a name).
    pub label: String,
    /// Value.
    pub value: i64,
    /// A second value (weighted amount, number of ratings).
    pub extra: Option<i64>,
    /// The list behind it.
    pub link: Option<String>,
}

/// A chart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartView {
    /// What it shows.
    pub key: String,
    /// `series`, `bars`, `funnel`.
    pub kind: String,
    /// Unit of the values.
    pub unit: String,
    /// `date`, `order_state`, `text`.
    pub labels: String,
    /// `day`, `week`, `month` for a series.
    pub grain: String,
    /// Bars.
    pub points: Vec<PointView>,
}

/// A row of a ranking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankView {
    /// Name.
    pub label: String,
    /// Booked net revenue.
    pub net_minor: i64,
    /// Quantity (products).
    pub quantity: i64,
    /// The record.
    pub link: String,
}

/// A ranking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingView {
    /// What it ranks.
    pub key: String,
    /// Best first.
    pub rows: Vec<RankView>,
}

/// A (value, label) choice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    /// Value.
    pub id: String,
    /// Label.
    pub name: String,
}

/// A dashboard.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardView {
    /// Which board.
    pub kind: String,
    /// The boards the user may open.
    pub kinds: Vec<String>,
    /// The period.
    pub period: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Previous period's first day.
    pub previous_from: String,
    /// Previous period's last day.
    pub previous_to: String,
    /// Currency of the money figures.
    pub currency: String,
    /// Numbers.
    pub tiles: Vec<TileView>,
    /// Charts.
    pub charts: Vec<ChartView>,
    /// Rankings.
    pub rankings: Vec<RankingView>,
    /// Filter choices: warehouses.
    pub warehouses: Vec<OptionView>,
    /// Owners (empty when the user sees only their own).
    pub owners: Vec<OptionView>,
    /// Teams.
    pub teams: Vec<OptionView>,
    /// Segments.
    pub segments: Vec<String>,
    /// Server time to build the board, milliseconds.
    pub took_ms: i64,
}
