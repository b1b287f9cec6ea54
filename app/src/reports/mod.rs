//! Reports: a table per report with the dashboards' filters in the URL,
//! totals over every row, CSV export and printing.

pub mod analysis;
pub mod api;
pub mod inbox;
pub mod types;

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    auth::use_me, components::param, dashboards::types::BoardQuery, i18n::*, messages::localize,
};
use types::*;

/// The reports, in menu order.
pub const KINDS: [&str; 8] = [
    "sales_by_customer",
    "sales_by_product",
    "sales_by_period",
    "pipeline_conversion",
    "inventory_valuation",
    "receivables_aging",
    "tickets_by_queue",
    "tickets_by_agent",
];

/// A report's name in the reader's language.
pub fn kind_label(kind: &str, i18n: I18nContext<Locale>) -> &'static str {
    match kind {
        "sales_by_customer" => t_string!(i18n, rep.k_sales_by_customer),
        "sales_by_product" => t_string!(i18n, rep.k_sales_by_product),
        "sales_by_period" => t_string!(i18n, rep.k_sales_by_period),
        "pipeline_conversion" => t_string!(i18n, rep.k_pipeline_conversion),
        "inventory_valuation" => t_string!(i18n, rep.k_inventory_valuation),
        "receivables_aging" => t_string!(i18n, rep.k_receivables_aging),
        "tickets_by_queue" => t_string!(i18n, rep.k_tickets_by_queue),
        _ => t_string!(i18n, rep.k_tickets_by_agent),
    }
}

fn column_label(key: &str, i18n: I18nContext<Locale>) -> &'static str {
    match key {
        "customer" => t_string!(i18n, rep.c_customer),
        "orders" => t_string!(i18n, rep.c_orders),
        "net" => t_string!(i18n, rep.c_net),
        "total" => t_string!(i18n, rep.c_total),
        "sku" => t_string!(i18n, rep.c_sku),
        "product" => t_string!(i18n, rep.c_product),
        "category" => t_string!(i18n, rep.c_category),
        "quantity" => t_string!(i18n, rep.c_quantity),
        "cost" => t_string!(i18n, rep.c_cost),
        "margin" => t_string!(i18n, rep.c_margin),
        "day" => t_string!(i18n, rep.c_day),
        "week" => t_string!(i18n, rep.c_week),
        "month" => t_string!(i18n, rep.c_month),
        "stage" => t_string!(i18n, rep.c_stage),
        "now_in_stage" => t_string!(i18n, rep.c_now_in_stage),
        "amount" => t_string!(i18n, rep.c_amount),
        "reached" => t_string!(i18n, rep.c_reached),
        "conversion" => t_string!(i18n, rep.c_conversion),
        "on_hand" => t_string!(i18n, rep.c_on_hand),
        "reserved" => t_string!(i18n, rep.c_reserved),
        "shipped" => t_string!(i18n, rep.c_shipped),
        "turnover" => t_string!(i18n, rep.c_turnover),
        "value" => t_string!(i18n, rep.c_value),
        "not_due" => t_string!(i18n, rep.c_not_due),
        "d0_30" => t_string!(i18n, rep.c_d0_30),
        "d31_60" => t_string!(i18n, rep.c_d31_60),
        "d61_90" => t_string!(i18n, rep.c_d61_90),
        "d90_plus" => t_string!(i18n, rep.c_d90_plus),
        "owed" => t_string!(i18n, rep.c_owed),
        "queue" => t_string!(i18n, rep.c_queue),
        "agent" => t_string!(i18n, rep.c_agent),
        "opened" => t_string!(i18n, rep.c_opened),
        "resolved" => t_string!(i18n, rep.c_resolved),
        "within_sla" => t_string!(i18n, rep.c_within_sla),
        "mean_resolution" => t_string!(i18n, rep.c_mean_resolution),
        _ => t_string!(i18n, rep.c_avg_rating),
    }
}

fn shown(kind: &str, cell: &CellView) -> String {
    match cell {
        CellView::Text(t) => t.clone(),
        CellView::Number(None) => "–".into(),
        CellView::Number(Some(v)) => crate::dashboards::shown(kind, *v),
    }
}

/// The request for the current URL.
fn request(kind: String, q: &leptos_router::params::ParamsMap) -> ReportQuery {
    let get = |k: &str| param(q, k).unwrap_or_default();
    let id = |k: &str| param(q, k).and_then(|v| v.parse().ok());
    ReportQuery {
        kind,
        filter: BoardQuery {
            kind: String::new(),
            period: get("period"),
            from: get("from"),
            to: get("to"),
            warehouse: id("warehouse"),
            owner: id("owner"),
            team: id("team"),
            segment: get("segment"),
        },
        grain: get("grain"),
    }
}

/// Starts a download of `text` as `name` in the browser.
#[cfg(feature = "hydrate")]
pub(crate) fn download(name: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(not(feature = "hydrate"))]
pub(crate) fn download(_name: &str, _text: &str) {}

/// `/reports` and `/reports/:kind`.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let kind = move || {
        params
            .read()
            .get("kind")
            .filter(|k| KINDS.contains(&k.as_str()))
            .unwrap_or_else(|| KINDS[0].to_owned())
    };
    let report = Resource::new(move || request(kind(), &query.read()), api::run);
    let choices = Resource::new(
        move || {
            let q = query.read();
            (
                param(&q, "period").unwrap_or_default(),
                param(&q, "from").unwrap_or_default(),
                param(&q, "to").unwrap_or_default(),
            )
        },
        |(period, from, to)| api::options(period, from, to),
    );
    let keep = move || query.read().to_query_string();
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, rep.title).to_owned()) />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, rep.title)}</h1>
                <div class="actions">
                    <a class="btn btn-secondary" href="/analysis">
                        {t!(i18n, piv.title)}
                    </a>
                    <a class="btn btn-secondary" href="/reports/inbox">
                        {t!(i18n, rep.inbox)}
                    </a>
                </div>
            </header>
            <nav class="tabs no-print" aria-label=move || t_string!(i18n, rep.title)>
                {KINDS
                    .into_iter()
                    .map(|k| {
                        view! {
                            <a
                                class="tab"
                                href=move || format!("/reports/{k}{}", keep())
                                aria-current=move || (kind() == k).then_some("page")
                            >
                                {move || kind_label(k, i18n)}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <div class="no-print">
                <Transition>
                    {move || {
                        choices
                            .get()
                            .and_then(Result::ok)
                            .map(|b| view! { <crate::dashboards::filters::Filters board=b /> })
                    }}
                </Transition>
                {move || {
                    (kind() == "sales_by_period")
                        .then(|| {
                            view! {
                                <p class="small">
                                    {t!(i18n, rep.grain)} ": "
                                    {["day", "week", "month"]
                                        .into_iter()
                                        .map(|g| {
                                            let href = move || {
                                                let mut q = query.read().clone();
                                                q.replace("grain", g.to_owned());
                                                format!("/reports/sales_by_period{}", q.to_query_string())
                                            };
                                            view! {
                                                <a href=href class="btn btn-link">
                                                    {move || match g {
                                                        "day" => t_string!(i18n, dash.by_day),
                                                        "week" => t_string!(i18n, dash.by_week),
                                                        _ => t_string!(i18n, dash.by_month),
                                                    }}
                                                </a>
                                            }
                                        })
                                        .collect_view()}
                                </p>
                            }
                        })
                }}
            </div>
            <inbox::Schedule
                kind=Signal::derive(kind)
                filter=Signal::derive(move || query.read().to_query_string())
            />
            <Transition fallback=move || {
                view! {
                    <p class="muted" role="status">
                        {t!(i18n, dash.loading)}
                    </p>
                }
            }>
                {move || {
                    report
                        .get()
                        .map(|result| match result {
                            Ok(r) => {
                                (move || {
                                    let _ = i18n.get_locale();
                                    view! {
                                        <ReportTable
                                            report=r.clone()
                                            source=Source::Live(
                                                Box::new(request(kind(), &query.read_untracked())),
                                            )
                                        />
                                    }
                                })
                                    .into_any()
                            }
                            Err(err @ crate::error::AppError::Validation(_)) => {
                                let errors = Signal::derive(move || Some(err.clone()));
                                view! {
                                    <crate::components::forms::FormErrors errors field="from" />
                                    <crate::components::forms::FormErrors errors field="to" />
                                    <crate::components::forms::FormErrors errors field="period" />
                                }
                                    .into_any()
                            }
                            Err(err) => crate::components::failed(err),
                        })
                }}
            </Transition>
        </div>
    }
}

/// Where a table's CSV comes from: the report run again, or a stored run.
#[derive(Clone, Debug)]
pub enum Source {
    /// Run the report with this request.
    Live(Box<ReportQuery>),
    /// A finished background run.
    Run(i64),
}

/// A report's table with its totals, CSV export and print.
#[component]
pub fn ReportTable(report: ReportView, source: Source) -> impl IntoView {
    let i18n = use_i18n();
    let can_export = use_me().is_some_and(|m| m.can("reports.export"));
    let exporting = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let headers: Vec<String> = report
        .columns
        .iter()
        .map(|c| column_label(&c.key, i18n).to_owned())
        .collect();
    let name = format!("{}_{}_{}.csv", report.kind, report.from, report.to);
    let export = move |_| {
        let (source, headers, name) = (source.clone(), headers.clone(), name.clone());
        exporting.set(true);
        failed.set(false);
        leptos::task::spawn_local(async move {
            let label = t_string!(i18n, rep.total).to_owned();
            let csv = match source {
                Source::Live(request) => api::export(*request, headers, label).await,
                Source::Run(id) => api::export_run(id, headers, label).await,
            };
            match csv {
                Ok(text) => download(&name, &text),
                Err(_) => failed.set(true),
            }
            exporting.set(false);
        });
    };
    let columns = report.columns.clone();
    let more = report.total_rows > report.rows.len() as i64;
    view! {
        <section class="card" data-testid="report" data-kind=report.kind.clone()>
            <div class="page-header-row">
                <h2 class="card-title">{kind_label(&report.kind, i18n)}</h2>
                <div class="actions no-print">
                    {can_export
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-secondary"
                                    data-testid="export-csv"
                                    on:click=export
                                    disabled=move || exporting.get()
                                >
                                    {move || {
                                        if exporting.get() {
                                            t_string!(i18n, rep.exporting)
                                        } else {
                                            t_string!(i18n, rep.export)
                                        }
                                    }}
                                </button>
                            }
                        })}
                    <button
                        type="button"
                        class="btn btn-secondary"
                        on:click=move |_| {
                            let _ = window().print();
                        }
                    >
                        {t!(i18n, rep.print)}
                    </button>
                </div>
            </div>
            <p class="muted small">
                {report.from.clone()} " – " {report.to.clone()} " · " {report.currency.clone()}
                " · " <span data-testid="report-rows">{report.total_rows}</span> " "
                {t!(i18n, rep.rows)}
                {more
                    .then(|| {
                        view! {
                            " · "
                            {t!(i18n, rep.first_shown)}
                            " "
                            {report.rows.len()}
                        }
                    })} " · " {report.took_ms} " ms"
            </p>
            {move || {
                failed
                    .get()
                    .then(|| {
                        view! {
                            <p class="field-error" role="alert">
                                {t!(i18n, errors.internal)}
                            </p>
                        }
                    })
            }}
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            {columns
                                .iter()
                                .map(|c| {
                                    let class = if c.kind == "text" { "" } else { "num" };
                                    view! {
                                        <th scope="col" class=class>
                                            {column_label(&c.key, i18n)}
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        // A stored run keeps no links: its rows show unlinked.
                        {report
                            .rows
                            .iter()
                            .enumerate()
                            .map(|(r, row)| (row, report.links.get(r).cloned().flatten()))
                            .map(|(row, link)| {
                                view! {
                                    <tr>
                                        {row
                                            .iter()
                                            .zip(columns.iter())
                                            .enumerate()
                                            .map(|(i, (cell, c))| {
                                                let text = shown(&c.kind, cell);
                                                let text = if text.is_empty() {
                                                    t_string!(i18n, rep.none).to_owned()
                                                } else {
                                                    text
                                                };
                                                match (i, &link) {
                                                    (0, Some(href)) => {
                                                        view! {
                                                            <th scope="row">
                                                                <a href=href.clone()>{text}</a>
                                                            </th>
                                                        }
                                                            .into_any()
                                                    }
                                                    (0, None) => {
                                                        // Unlinked: perhaps a record the reader may not open, named by the domain's placeholder.
                                                        view! {
                                                            <th scope="row">{localize(&text, i18n.get_locale())}</th>
                                                        }
                                                            .into_any()
                                                    }
                                                    _ => {
                                                        view! {
                                                            <td class=if c.kind == "text" {
                                                                ""
                                                            } else {
                                                                "num"
                                                            }>{text}</td>
                                                        }
                                                            .into_any()
                                                    }
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        <tr data-testid="report-totals">
                            {report
                                .totals
                                .iter()
                                .zip(columns.iter())
                                .enumerate()
                                .map(|(i, (cell, c))| {
                                    if i == 0 {
                                        view! { <th scope="row">{t!(i18n, rep.total)}</th> }
                                            .into_any()
                                    } else {
                                        view! {
                                            <td
                                                class=if c.kind == "text" { "" } else { "num" }
                                                data-col=c.key.clone()
                                            >
                                                {shown(&c.kind, cell)}
                                            </td>
                                        }
                                            .into_any()
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}
