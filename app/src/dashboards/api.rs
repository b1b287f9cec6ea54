//! Server functions of the dashboards. The domain checks which boards the
//! user may open and applies the record scope to every figure.

use leptos::prelude::*;

use super::types::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use tandem_domain::analytics::dashboards;

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use tandem_domain::{
        analytics::dashboards::{
            Chart, ChartKind, FilterInput, Kind, Labels, Opened, Options, Unit,
        },
        parse::Form,
        Error,
    };

    use super::*;

    /// The board asked for (`None`: the user's own) and its filter; an
    /// unknown board is not found.
    pub fn board_query(q: &BoardQuery) -> Result<(Option<Kind>, FilterInput), AppError> {
        let kind = match q.kind.as_str() {
            "" => None,
            text => Some(Kind::parse(text).ok_or(AppError::NotFound)?),
        };
        Ok((kind, filter(q)?))
    }

    /// The filter as the domain takes it.
    pub fn filter(q: &BoardQuery) -> Result<FilterInput, Error> {
        let mut read = Form::new();
        let from = read.date("from", &q.from);
        let to = read.date("to", &q.to);
        read.finish(())?;
        Ok(FilterInput {
            period: q.period.trim().to_owned(),
            from,
            to,
            warehouse_id: q.warehouse,
            owner_id: q.owner,
            team_id: q.team,
            segment: Some(q.segment.trim().to_owned()).filter(|s| !s.is_empty()),
        })
    }

    pub fn unit(u: Unit) -> String {
        match u {
            Unit::Count => "count",
            Unit::Money => "money",
            Unit::Percent => "percent",
            Unit::Minutes => "minutes",
            Unit::Rating => "rating",
        }
        .into()
    }

    fn chart(c: Chart) -> ChartView {
        ChartView {
            key: c.key.into(),
            kind: match c.kind {
                ChartKind::Series => "series",
                ChartKind::Bars => "bars",
                ChartKind::Funnel => "funnel",
            }
            .into(),
            unit: unit(c.unit),
            labels: match c.labels {
                Labels::Date => "date",
                Labels::OrderState => "order_state",
                Labels::Text => "text",
            }
            .into(),
            grain: c.grain.map(|g| g.as_str().to_owned()).unwrap_or_default(),
            points: c
                .points
                .into_iter()
                .map(|p| PointView {
                    label: p.label,
                    value: p.value,
                    extra: p.extra,
                    link: p.link,
                })
                .collect(),
        }
    }

    fn choices(list: Vec<(i64, String)>) -> Vec<OptionView> {
        list.into_iter()
            .map(|(id, name)| OptionView {
                id: id.to_string(),
                name,
            })
            .collect()
    }

    /// The filter form's choices on an otherwise empty board (the report
    /// page's form is the dashboards').
    pub fn choices_only(period: String, from: String, to: String, o: Options) -> BoardView {
        BoardView {
            period,
            from,
            to,
            warehouses: choices(o.warehouses),
            owners: choices(o.owners),
            teams: choices(o.teams),
            segments: o.segments,
            ..Default::default()
        }
    }

    /// The board for the wire.
    pub fn board(opened: Opened, took_ms: i64) -> BoardView {
        let Opened {
            board: b,
            kinds,
            options: o,
        } = opened;
        BoardView {
            kind: b.kind.as_str().into(),
            kinds: kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            period: b.filter.period.clone(),
            from: b.filter.from.to_string(),
            to: b.filter.to.to_string(),
            previous_from: b.previous.0.to_string(),
            previous_to: b.previous.1.to_string(),
            currency: b.currency,
            tiles: b
                .tiles
                .into_iter()
                .map(|t| TileView {
                    key: t.key.into(),
                    unit: unit(t.unit),
                    value: t.value,
                    previous: t.previous,
                    link: t.link,
                })
                .collect(),
            charts: b.charts.into_iter().map(chart).collect(),
            rankings: b
                .rankings
                .into_iter()
                .map(|r| RankingView {
                    key: r.key.into(),
                    rows: r
                        .rows
                        .into_iter()
                        .map(|(row, link)| RankView {
                            label: row.label,
                            net_minor: row.net_minor,
                            quantity: row.quantity,
                            link,
                        })
                        .collect(),
                })
                .collect(),
            warehouses: choices(o.warehouses),
            owners: choices(o.owners),
            teams: choices(o.teams),
            segments: o.segments,
            took_ms,
        }
    }
}

crate::authz!(
    "/api/dashboards/board",
    AnyOf(&[DashboardsView, DashboardsViewAll]),
    JSON,
    r#"{"query":{"kind":"","period":"","from":"","to":"","warehouse":null,"owner":null,"team":null,"segment":""}}"#,
);
/// A dashboard: the user's own when `kind` is empty.
#[server(endpoint = "dashboards/board", input = server_fn::codec::Json)]
pub async fn board(query: BoardQuery) -> Result<BoardView, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/dashboards/board")?;
    let (kind, input) = convert::board_query(&query)?;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let opened = dashboards::open(&state.reader, &actor, kind, &input, now).await?;
    Ok(convert::board(opened, started.elapsed().as_millis() as i64))
}
