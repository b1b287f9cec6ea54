//! Dashboards: the board of the user's role (also on the home page), the
//! other boards a manager may open, filters held in the URL so a board can
//! be bookmarked and shared, tiles that link to the lists behind them,
//! charts and rankings.

pub mod api;
mod charts;
pub(crate) mod filters;
pub mod scale;
pub mod types;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use leptos_i18n::I18nContext;

use crate::{components::param, i18n::*, messages::localize};
use charts::{Bar, BarChart, Funnel};
use types::*;

/// The board request from the URL (`kind` from the path when there is one).
fn query_of(kind: Option<String>, q: &leptos_router::params::ParamsMap) -> BoardQuery {
    let get = |k: &str| param(q, k).unwrap_or_default();
    let id = |k: &str| param(q, k).and_then(|v| v.parse().ok());
    BoardQuery {
        kind: kind.unwrap_or_default(),
        period: get("period"),
        from: get("from"),
        to: get("to"),
        warehouse: id("warehouse"),
        owner: id("owner"),
        team: id("team"),
        segment: get("segment"),
    }
}

/// `/dashboards` and `/dashboards/:kind`.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, dash.title).to_owned()) />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, dash.title)}</h1>
                {crate::auth::use_me()
                    .is_some_and(|m| m.can("reports.view"))
                    .then(|| {
                        view! {
                            <a class="btn btn-secondary" href="/reports">
                                {t!(i18n, rep.title)}
                            </a>
                        }
                    })}
            </header>
            <BoardPanel />
        </div>
    }
}

/// The board for the current URL: tabs, filters, tiles, charts, rankings.
#[component]
pub fn BoardPanel() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let request = move || query_of(params.read().get("kind"), &query.read());
    let board = Resource::new(request, api::board);
    view! {
        <Transition fallback=move || {
            view! {
                <p class="muted" role="status">
                    {t!(i18n, dash.loading)}
                </p>
            }
        }>
            {move || {
                board
                    .get()
                    .map(|result| match result {
                        Ok(b) => {
                            (move || {
                                let _ = i18n.get_locale();
                                // Labels are worded once per render: draw again in the new language.
                                view! { <Board board=b.clone() /> }
                            })
                                .into_any()
                        }
                        Err(err @ crate::error::AppError::Validation(_)) => {
                            let errors = Signal::derive(move || Some(err.clone()));
                            view! {
                                <crate::components::forms::FormErrors errors field="period" />
                                <crate::components::forms::FormErrors errors field="from" />
                                <crate::components::forms::FormErrors errors field="to" />
                                <p>
                                    <a href="/dashboards">{t!(i18n, dash.reset)}</a>
                                </p>
                            }
                                .into_any()
                        }
                        Err(err) => crate::components::failed(err),
                    })
            }}
        </Transition>
    }
}

fn kind_label(kind: &str, i18n: I18nContext<Locale>) -> &'static str {
    match kind {
        "manager" => t_string!(i18n, dash.k_manager),
        "sales" => t_string!(i18n, dash.k_sales),
        "warehouse" => t_string!(i18n, dash.k_warehouse),
        _ => t_string!(i18n, dash.k_support),
    }
}

#[component]
fn Board(board: BoardView) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = board.kind.clone();
    let tabs = board.kinds.clone();
    let keep = move || query.read_untracked().to_query_string();
    view! {
        <section
            class="dash-board"
            data-testid="board"
            data-kind=board.kind.clone()
            aria-label=kind_label(&board.kind, i18n)
        >
            {(tabs.len() > 1)
                .then(|| {
                    view! {
                        <nav class="tabs" aria-label=move || t_string!(i18n, dash.boards)>
                            {tabs
                                .into_iter()
                                .map(|k| {
                                    let here = (k == current).then_some("page");
                                    let href = format!("/dashboards/{k}{}", keep());
                                    view! {
                                        <a class="tab" href=href aria-current=here>
                                            {kind_label(&k, i18n)}
                                        </a>
                                    }
                                })
                                .collect_view()}
                        </nav>
                    }
                })}
            <filters::Filters board=board.clone() />
            <p class="muted small" data-testid="board-period">
                {board.from.clone()}
                " – "
                {board.to.clone()}
                " · "
                {t!(i18n, dash.compared_with)}
                " "
                {board.previous_from.clone()}
                " – "
                {board.previous_to.clone()}
                " · "
                {board.currency.clone()}
            </p>
            <ul class="tiles" role="list">
                {board
                    .tiles
                    .iter()
                    .cloned()
                    .map(|t| {
                        view! {
                            <li>
                                <TileCard tile=t />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <div class="charts">
                {board
                    .charts
                    .iter()
                    .cloned()
                    .map(|c| view! { <ChartCard chart=c currency=board.currency.clone() /> })
                    .collect_view()}
            </div>
            <div class="grid grid-2">
                {board
                    .rankings
                    .iter()
                    .cloned()
                    .map(|r| view! { <RankingCard ranking=r /> })
                    .collect_view()}
            </div>
            <p class="muted small">
                {t!(i18n, dash.built_in)} " " <span data-testid="took">{board.took_ms}</span> " ms"
            </p>
        </section>
    }
}

fn tile_label(key: &str, i18n: I18nContext<Locale>) -> &'static str {
    match key {
        "revenue" => t_string!(i18n, dash.t_revenue),
        "orders_booked" => t_string!(i18n, dash.t_orders_booked),
        "forecast" => t_string!(i18n, dash.t_forecast),
        "stock_value" => t_string!(i18n, dash.t_stock_value),
        "low_stock" => t_string!(i18n, dash.t_low_stock),
        "tickets_opened" => t_string!(i18n, dash.t_tickets_opened),
        "tickets_resolved" => t_string!(i18n, dash.t_tickets_resolved),
        "sla_compliance" => t_string!(i18n, dash.t_sla_compliance),
        "mean_resolution" => t_string!(i18n, dash.t_mean_resolution),
        "overdue_amount" => t_string!(i18n, dash.t_overdue_amount),
        "overdue_count" => t_string!(i18n, dash.t_overdue_count),
        "activities_due" => t_string!(i18n, dash.t_activities_due),
        "open_orders" => t_string!(i18n, dash.t_open_orders),
        "open_orders_value" => t_string!(i18n, dash.t_open_orders_value),
        "to_ship_today" => t_string!(i18n, dash.t_to_ship_today),
        "backorders" => t_string!(i18n, dash.t_backorders),
        "po_arriving" => t_string!(i18n, dash.t_po_arriving),
        "my_queue" => t_string!(i18n, dash.t_my_queue),
        _ => t_string!(i18n, dash.t_breaching),
    }
}

/// A figure as the reader sees it.
pub fn shown(unit: &str, value: i64) -> String {
    match unit {
        "money" => scale::money(value),
        "percent" => scale::percent(value),
        "minutes" => scale::minutes(value),
        "rating" => scale::rating(value),
        _ => scale::grouped(value),
    }
}

#[component]
fn TileCard(tile: TileView) -> impl IntoView {
    let i18n = use_i18n();
    let value = tile
        .value
        .map(|v| shown(&tile.unit, v))
        .unwrap_or_else(|| "–".into());
    let change = tile.previous.zip(tile.value).map(|(p, v)| {
        let (class, sign) = match v.cmp(&p) {
            std::cmp::Ordering::Greater => ("delta up", "▲ "),
            std::cmp::Ordering::Less => ("delta down", "▼ "),
            std::cmp::Ordering::Equal => ("delta", ""),
        };
        let pct = (p != 0).then(|| format!(" ({:+}.{} %)", (v - p) * 100 / p.abs(), ((v - p) * 1000 / p.abs()).abs() % 10));
        view! { <span class=class>{sign} {t!(i18n, dash.previous)} " " {shown(&tile.unit, p)} {pct}</span> }
    });
    view! {
        <a class="tile" href=tile.link.clone() data-testid=format!("tile-{}", tile.key)>
            <span class="tile-label">{tile_label(&tile.key, i18n)}</span>
            <span class="tile-value" data-testid="tile-value">
                {value}
            </span>
            {change}
        </a>
    }
}

fn chart_title(key: &str, i18n: I18nContext<Locale>) -> &'static str {
    match key {
        "revenue" => t_string!(i18n, dash.c_revenue),
        "orders_by_state" => t_string!(i18n, dash.c_orders_by_state),
        "pipeline" => t_string!(i18n, dash.c_pipeline),
        _ => t_string!(i18n, dash.c_satisfaction),
    }
}

fn grain_label(grain: &str, i18n: I18nContext<Locale>) -> &'static str {
    match grain {
        "day" => t_string!(i18n, dash.by_day),
        "week" => t_string!(i18n, dash.by_week),
        "month" => t_string!(i18n, dash.by_month),
        _ => t_string!(i18n, dash.category),
    }
}

#[component]
fn ChartCard(chart: ChartView, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let money = chart.unit == "money";
    let bars: Vec<Bar> = chart
        .points
        .iter()
        .map(|p| {
            let label = match chart.labels.as_str() {
                "order_state" => crate::erp::state_label(&p.label, i18n).to_owned(),
                "date" if chart.grain == "month" => p.label.get(..7).unwrap_or(&p.label).to_owned(),
                "date" => p.label.get(5..).unwrap_or(&p.label).to_owned(),
                _ => p.label.clone(),
            };
            let mut shown_value = shown(&chart.unit, p.value);
            if let Some(extra) = p.extra {
                shown_value = match chart.unit.as_str() {
                    "rating" => format!("{shown_value} ({extra})"),
                    _ => format!(
                        "{shown_value} · {} {}",
                        t_string!(i18n, dash.weighted),
                        scale::money(extra)
                    ),
                };
            }
            Bar {
                label,
                value: p.value,
                shown: shown_value,
                link: p.link.clone(),
            }
        })
        .collect();
    let title = chart_title(&chart.key, i18n).to_owned();
    let axis = match chart.unit.as_str() {
        "money" => format!("{} ({currency})", t_string!(i18n, dash.amount)),
        "rating" => t_string!(i18n, dash.avg_rating).to_owned(),
        _ => t_string!(i18n, dash.count).to_owned(),
    };
    let x = if chart.kind == "funnel" {
        t_string!(i18n, dash.stage).to_owned()
    } else {
        grain_label(&chart.grain, i18n).to_owned()
    };
    let id = format!("chart-{}", chart.key);
    view! {
        <section class="card chart-card">
            {if chart.kind == "funnel" {
                view! { <Funnel id title x_label=x axis_label=axis bars /> }.into_any()
            } else {
                view! { <BarChart id title x_label=x axis_label=axis bars money /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn RankingCard(ranking: RankingView) -> impl IntoView {
    let i18n = use_i18n();
    let products = ranking.key == "top_products";
    let title = if products {
        t_string!(i18n, dash.r_top_products)
    } else {
        t_string!(i18n, dash.r_top_customers)
    };
    view! {
        <section class="card" data-testid=format!("ranking-{}", ranking.key)>
            <h2 class="card-title">{title}</h2>
            {ranking
                .rows
                .is_empty()
                .then(|| view! { <p class="muted">{t!(i18n, dash.no_data)}</p> })}
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">
                            {if products {
                                t_string!(i18n, dash.product)
                            } else {
                                t_string!(i18n, dash.customer)
                            }}
                        </th>
                        {products
                            .then(|| {
                                view! {
                                    <th scope="col" class="num">
                                        {t!(i18n, dash.quantity)}
                                    </th>
                                }
                            })}
                        <th scope="col" class="num">
                            {t!(i18n, dash.net_revenue)}
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {ranking
                        .rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    // No link: a record the reader may not open, under the domain's placeholder.
                                    <td>
                                        {if r.link.is_empty() {
                                            localize(&r.label, i18n.get_locale()).into_any()
                                        } else {
                                            view! { <a href=r.link>{r.label}</a> }.into_any()
                                        }}
                                    </td>
                                    {products
                                        .then(|| {
                                            view! { <td class="num">{scale::grouped(r.quantity)}</td> }
                                        })}
                                    <td class="num">{scale::money(r.net_minor)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
