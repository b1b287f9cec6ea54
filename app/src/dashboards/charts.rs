//! Charts as SVG, rendered on the server and hydrated: vertical bars for
//! time series and categories, a funnel for the pipeline. Each has a
//! title, axis labels, a tooltip on hover and focus (bars are links or
//! focusable), and a data table for screen readers and keyboard users.

use leptos::prelude::*;

use super::scale;

/// A bar to draw: display label, value, tooltip text, optional link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Label under the bar (or beside a funnel stage).
    pub label: String,
    /// Value (minor units for money).
    pub value: i64,
    /// The value as the reader sees it.
    pub shown: String,
    /// The list behind the bar.
    pub link: Option<String>,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 84.0;

/// One bar with its tooltip; a link when it has one.
fn bar_view(bar: &Bar, x: f64, y: f64, w: f64, h: f64, tip_y: f64) -> AnyView {
    let tip = format!("{}: {}", bar.label, bar.shown);
    let inner = view! {
        <title>{tip.clone()}</title>
        <rect
            class="chart-bar"
            x=format!("{x:.1}")
            y=format!("{y:.1}")
            width=format!("{w:.1}")
            height=format!("{h:.1}")
        />
        <text
            class="chart-tip"
            x=format!("{:.1}", x + w / 2.0)
            y=format!("{tip_y:.1}")
            text-anchor="middle"
        >
            {bar.shown.clone()}
        </text>
    };
    match &bar.link {
        Some(href) => view! {
            <a href=href.clone() class="chart-point" aria-label=tip>
                {inner}
            </a>
        }
        .into_any(),
        None => view! {
            <g class="chart-point" tabindex="0" role="img" aria-label=tip>
                {inner}
            </g>
        }
        .into_any(),
    }
}

/// Vertical bars with a value axis; `axis_label` names the values,
/// `x_label` the categories or time.
#[component]
pub fn BarChart(
    id: String,
    title: String,
    x_label: String,
    axis_label: String,
    bars: Vec<Bar>,
    /// Axis tick labels are money (minor units shown as whole units).
    #[prop(optional)]
    money: bool,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let axis = scale::axis(if money { (max + 99) / 100 } else { max }, 4);
    let top = if money { axis.top * 100 } else { axis.top };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let every = scale::label_every(bars.len(), 7);
    let title_id = format!("{id}-title");
    let ticks = axis
        .ticks
        .iter()
        .map(|t| {
            let value = if money { t * 100 } else { *t };
            let y = TOP + plot_h - scale::along(value, top, plot_h);
            view! {
                <line
                    class="chart-grid"
                    x1=format!("{LEFT}")
                    x2=format!("{:.1}", WIDTH - RIGHT)
                    y1=format!("{y:.1}")
                    y2=format!("{y:.1}")
                />
                <text
                    class="chart-axis"
                    x=format!("{:.1}", LEFT - 6.0)
                    y=format!("{:.1}", y + 4.0)
                    text-anchor="end"
                >
                    {scale::compact(*t)}
                </text>
            }
        })
        .collect_view();
    let count = bars.len();
    // Long category names are tilted rather than overlapping.
    let slot = plot_w / count.max(1) as f64 * every as f64;
    let tilt = bars
        .iter()
        .any(|b| b.label.chars().count() as f64 * 8.0 > slot);
    let drawn = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let (x, w) = scale::band(i, count, LEFT, plot_w);
            let h = scale::along(bar.value, top, plot_h);
            let y = TOP + plot_h - h;
            let (lx, ly) = (x + w / 2.0, TOP + plot_h + 20.0);
            let label = (i % every == 0).then(|| {
                if tilt {
                    view! {
                        <text
                            class="chart-label"
                            x=format!("{lx:.1}")
                            y=format!("{ly:.1}")
                            text-anchor="end"
                            transform=format!("rotate(-30 {lx:.1} {ly:.1})")
                        >
                            {bar.label.clone()}
                        </text>
                    }
                    .into_any()
                } else {
                    view! {
                        <text
                            class="chart-label"
                            x=format!("{lx:.1}")
                            y=format!("{ly:.1}")
                            text-anchor="middle"
                        >
                            {bar.label.clone()}
                        </text>
                    }
                    .into_any()
                }
            });
            view! {
                {bar_view(bar, x, y, w, h, (y - 4.0).max(TOP + 8.0))}
                {label}
            }
        })
        .collect_view();
    let rows = bars.clone();
    view! {
        <figure class="chart" data-testid=id.clone()>
            <figcaption id=title_id.clone() class="chart-title">
                {title.clone()}
            </figcaption>
            <svg
                class="chart-svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="group"
                aria-labelledby=title_id
                preserveAspectRatio="xMidYMid meet"
            >
                {ticks}
                <line
                    class="chart-axis-line"
                    x1=format!("{LEFT}")
                    x2=format!("{LEFT}")
                    y1=format!("{TOP}")
                    y2=format!("{:.1}", TOP + plot_h)
                />
                {drawn}
                <text
                    class="chart-axis-title"
                    x=format!("{:.1}", LEFT + plot_w / 2.0)
                    y=format!("{:.1}", HEIGHT - 8.0)
                    text-anchor="middle"
                >
                    {x_label.clone()}
                </text>
                <text
                    class="chart-axis-title"
                    x="14"
                    y=format!("{:.1}", TOP + plot_h / 2.0)
                    text-anchor="middle"
                    transform=format!("rotate(-90 14 {:.1})", TOP + plot_h / 2.0)
                >
                    {axis_label.clone()}
                </text>
            </svg>
            <DataTable caption=title x_label axis_label rows />
        </figure>
    }
}

/// A funnel: one centred bar per stage, as wide as its value.
#[component]
pub fn Funnel(
    id: String,
    title: String,
    x_label: String,
    axis_label: String,
    bars: Vec<Bar>,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let row = 40.0;
    let height = bars.len() as f64 * row + 16.0;
    let centre = 390.0;
    let span = 2.0 * (WIDTH - centre - 8.0);
    let title_id = format!("{id}-title");
    let drawn = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let w = scale::along(bar.value, max, span).max(2.0);
            let y = 8.0 + i as f64 * row;
            view! {
                <text class="chart-label" x="8" y=format!("{:.1}", y + row / 2.0 + 2.0)>
                    {bar.label.clone()}
                </text>
                {bar_view(bar, centre - w / 2.0, y + 3.0, w, row - 8.0, y + row / 2.0 + 6.0)}
            }
        })
        .collect_view();
    let rows = bars.clone();
    view! {
        <figure class="chart chart-funnel" data-testid=id.clone()>
            <figcaption id=title_id.clone() class="chart-title">
                {title.clone()}
            </figcaption>
            <svg
                class="chart-svg"
                viewBox=format!("0 0 {WIDTH} {height:.0}")
                role="group"
                aria-labelledby=title_id
            >
                {drawn}
            </svg>
            <DataTable caption=title x_label axis_label rows />
        </figure>
    }
}

/// The chart's numbers as a table (shown on request, always read by
/// screen readers).
#[component]
fn DataTable(
    caption: String,
    x_label: String,
    axis_label: String,
    rows: Vec<Bar>,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <details class="chart-data">
            <summary>{crate::i18n::t!(i18n, dash.show_data)}</summary>
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{x_label}</th>
                        <th scope="col" class="num">
                            {axis_label}
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <th scope="row">{r.label}</th>
                                    <td class="num">{r.shown}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}
