//! `/analysis`: the pivot table. The form is a GET form, so the URL holds
//! the analysis; saved analyses are listed (own and shared) and reopen by
//! their URL.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};
use serde::{Deserialize, Serialize};

use crate::{auth::use_me, dashboards::scale, error::AppError, i18n::*, messages::localize};

#[cfg(feature = "ssr")]
use tandem_domain::analytics::pivot;

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

/// A pivot on the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PivotView {
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// cells[r][c].
    pub cells: Vec<Vec<i64>>,
    /// Per row.
    pub row_totals: Vec<i64>,
    /// Per column.
    pub column_totals: Vec<i64>,
    /// Everything.
    pub total: i64,
    /// Money (minor units) or counts.
    pub money: bool,
}

/// A saved analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its query string.
    pub definition: String,
    /// Shared with others.
    pub shared: bool,
    /// The user's own (may delete).
    pub mine: bool,
}

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::{access::Actor, entities::saved_analyses};

    use super::*;

    pub fn pivot(p: pivot::Pivot) -> PivotView {
        PivotView {
            rows: p.rows,
            columns: p.columns,
            cells: p.cells,
            row_totals: p.row_totals,
            column_totals: p.column_totals,
            total: p.total,
            money: p.money,
        }
    }

    /// A CSV file's text (the domain writes UTF-8).
    pub fn text(bytes: Vec<u8>) -> Result<String, AppError> {
        String::from_utf8(bytes).map_err(|_| AppError::Internal)
    }

    /// The analyses, each marked when the user may delete it.
    pub fn saved(list: Vec<saved_analyses::Model>, actor: &Actor) -> Vec<SavedView> {
        list.into_iter()
            .map(|s| SavedView {
                mine: pivot::may_delete(actor, &s),
                id: s.id,
                name: s.name,
                definition: s.definition,
                shared: s.shared,
            })
            .collect()
    }
}

crate::authz!(
    "/api/pivot/run",
    Needs(ReportsView),
    JSON,
    r#"{"definition":"source=orders&rows=owner&measure=count"}"#,
);
/// Runs an analysis given as a query string.
#[server(endpoint = "pivot/run", input = server_fn::codec::Json)]
pub async fn run(definition: String) -> Result<PivotView, AppError> {
    let state = crate::ssr::state()?;
    let query = pivot::parse(&definition);
    let p = pivot::run(&state.reader, &signed_in()?, &query, chrono::Utc::now()).await?;
    Ok(convert::pivot(p))
}

crate::authz!(
    "/api/pivot/export",
    AllOf(&[ReportsView, ReportsExport]),
    JSON,
    r#"{"definition":"source=orders&rows=owner&measure=count","row_header":"Owner","total_label":"Total"}"#,
);
/// An analysis as CSV.
#[server(endpoint = "pivot/export", input = server_fn::codec::Json)]
pub async fn export(
    definition: String,
    row_header: String,
    total_label: String,
) -> Result<String, AppError> {
    let state = crate::ssr::state()?;
    let query = pivot::parse(&definition);
    let p = pivot::export(&state.reader, &signed_in()?, &query, chrono::Utc::now()).await?;
    convert::text(pivot::to_csv(&p, &row_header, &total_label)?)
}

crate::authz!(
    "/api/pivot/save",
    Needs(ReportsView),
    JSON,
    r#"{"name":"","definition":"","shared":false}"#,
);
/// Saves an analysis.
#[server(endpoint = "pivot/save", input = server_fn::codec::Json)]
pub async fn save(name: String, definition: String, shared: bool) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    Ok(pivot::save(&state.db, &signed_in()?, &name, &definition, shared, now).await?)
}

crate::authz!("/api/pivot/saved", Needs(ReportsView), JSON, r#"{}"#);
/// The analyses the user may open.
#[server(endpoint = "pivot/saved", input = server_fn::codec::Json)]
pub async fn saved() -> Result<Vec<SavedView>, AppError> {
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    let list = pivot::saved(&state.db, &actor).await?;
    Ok(convert::saved(list, &actor))
}

crate::authz!("/api/pivot/delete", Needs(ReportsView), JSON, r#"{"id":0}"#);
/// Deletes one of the user's analyses.
#[server(endpoint = "pivot/delete", input = server_fn::codec::Json)]
pub async fn delete(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(pivot::delete(&state.db, &signed_in()?, id).await?)
}

/// Sources with their dimensions and measures: the domain's table, which the
/// browser build cannot link; a test keeps the two equal.
const SOURCES: &[(&str, &[&str], &[&str])] = &[
    (
        "orders",
        &[
            "customer",
            "segment",
            "owner",
            "warehouse",
            "state",
            "day",
            "week",
            "month",
        ],
        &["count", "revenue", "total"],
    ),
    (
        "order_lines",
        &[
            "product",
            "category",
            "customer",
            "owner",
            "warehouse",
            "month",
        ],
        &["quantity", "revenue", "margin"],
    ),
    (
        "opportunities",
        &["stage", "owner", "customer", "segment", "month"],
        &["count", "amount", "weighted"],
    ),
    (
        "tickets",
        &[
            "queue", "assignee", "kind", "priority", "status", "channel", "segment", "week",
            "month",
        ],
        &["count"],
    ),
    (
        "stock_moves",
        &["product", "category", "warehouse", "kind", "week", "month"],
        &["quantity", "count"],
    ),
];

fn word(key: &str, i18n: I18nContext<Locale>) -> &'static str {
    match key {
        "orders" => t_string!(i18n, piv.s_orders),
        "order_lines" => t_string!(i18n, piv.s_order_lines),
        "opportunities" => t_string!(i18n, piv.s_opportunities),
        "tickets" => t_string!(i18n, piv.s_tickets),
        "stock_moves" => t_string!(i18n, piv.s_stock_moves),
        "customer" => t_string!(i18n, piv.d_customer),
        "segment" => t_string!(i18n, piv.d_segment),
        "owner" => t_string!(i18n, piv.d_owner),
        "warehouse" => t_string!(i18n, piv.d_warehouse),
        "state" => t_string!(i18n, piv.d_state),
        "day" => t_string!(i18n, piv.d_day),
        "week" => t_string!(i18n, piv.d_week),
        "month" => t_string!(i18n, piv.d_month),
        "product" => t_string!(i18n, piv.d_product),
        "category" => t_string!(i18n, piv.d_category),
        "stage" => t_string!(i18n, piv.d_stage),
        "queue" => t_string!(i18n, piv.d_queue),
        "assignee" => t_string!(i18n, piv.d_assignee),
        "kind" => t_string!(i18n, piv.d_kind),
        "priority" => t_string!(i18n, piv.d_priority),
        "status" => t_string!(i18n, piv.d_status),
        "channel" => t_string!(i18n, piv.d_channel),
        "count" => t_string!(i18n, piv.m_count),
        "revenue" => t_string!(i18n, piv.m_revenue),
        "total" => t_string!(i18n, piv.m_total),
        "quantity" => t_string!(i18n, piv.m_quantity),
        "margin" => t_string!(i18n, piv.m_margin),
        "amount" => t_string!(i18n, piv.m_amount),
        _ => t_string!(i18n, piv.m_weighted),
    }
}

/// `/analysis`.
#[component]
pub fn AnalysisPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).unwrap_or_default();
    let definition = move || {
        query
            .read()
            .to_query_string()
            .trim_start_matches('?')
            .to_owned()
    };
    let source = RwSignal::new(String::new());
    Effect::new(move |_| {
        source.set(if get("source").is_empty() {
            "orders".into()
        } else {
            get("source")
        })
    });
    let ready = move || !get("rows").is_empty() && !get("measure").is_empty();
    let result = Resource::new(
        move || (ready(), definition()),
        |(ready, d)| async move {
            if ready {
                run(d).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let saving = ServerAction::<Save>::new();
    let removing = ServerAction::<Delete>::new();
    let list = Resource::new(
        move || (saving.version().get(), removing.version().get()),
        |_| saved(),
    );
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let can_export = use_me().is_some_and(|m| m.can("reports.export"));
    let dims = move || {
        SOURCES
            .iter()
            .find(|s| s.0 == source.get())
            .map(|s| (s.1, s.2))
            .unwrap_or((SOURCES[0].1, SOURCES[0].2))
    };
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, piv.title).to_owned()) />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, piv.title)}</h1>
                <a class="btn btn-secondary" href="/reports">
                    {t!(i18n, rep.title)}
                </a>
            </header>
            <Form
                method="GET"
                action=""
                attr:class="filters no-print"
                attr:data-testid="pivot-form"
            >
                <div class="field">
                    <label for="piv-source">{t!(i18n, piv.source)}</label>
                    <select
                        id="piv-source"
                        class="select"
                        name="source"
                        on:change=move |ev| source.set(event_target_value(&ev))
                    >
                        {SOURCES
                            .iter()
                            .map(|s| {
                                view! {
                                    <option value=s.0 selected=move || source.get() == s.0>
                                        {move || word(s.0, i18n)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="piv-rows">{t!(i18n, piv.rows)}</label>
                    <select id="piv-rows" class="select" name="rows">
                        {move || {
                            dims()
                                .0
                                .iter()
                                .map(|d| {
                                    view! {
                                        <option value=*d selected=get("rows") == *d>
                                            {word(d, i18n)}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="piv-columns">{t!(i18n, piv.columns)}</label>
                    <select id="piv-columns" class="select" name="columns">
                        <option value="">{t!(i18n, piv.no_columns)}</option>
                        {move || {
                            dims()
                                .0
                                .iter()
                                .map(|d| {
                                    view! {
                                        <option value=*d selected=get("columns") == *d>
                                            {word(d, i18n)}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="piv-measure">{t!(i18n, piv.measure)}</label>
                    <select id="piv-measure" class="select" name="measure">
                        {move || {
                            dims()
                                .1
                                .iter()
                                .map(|m| {
                                    view! {
                                        <option value=*m selected=get("measure") == *m>
                                            {word(m, i18n)}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="piv-period">{t!(i18n, dash.period)}</label>
                    <select id="piv-period" class="select" name="period">
                        {["30d", "7d", "today", "quarter", "year"]
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <option value=p selected=get("period") == p>
                                        {move || crate::dashboards::filters::period_label(p, i18n)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field field-actions">
                    <button type="submit" class="btn btn-primary">
                        {t!(i18n, piv.show)}
                    </button>
                </div>
            </Form>
            <Transition fallback=move || {
                view! {
                    <p class="muted" role="status">
                        {t!(i18n, dash.loading)}
                    </p>
                }
            }>
                {move || {
                    result
                        .get()
                        .map(|r| match r {
                            Ok(Some(p)) => {
                                view! {
                                    <PivotTable
                                        pivot=p
                                        rows_dim=get("rows")
                                        definition=definition()
                                        can_export
                                    />
                                }
                                    .into_any()
                            }
                            Ok(None) => {
                                view! { <p class="muted">{t!(i18n, piv.pick)}</p> }.into_any()
                            }
                            Err(err) => {
                                view! {
                                    <p class="field-error" role="alert">
                                        {crate::components::forms::describe(&err, i18n)}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <section class="card no-print">
                <h2 class="card-title">{t!(i18n, piv.saved)}</h2>
                <div class="filters">
                    <div class="field">
                        <label for="piv-name">{t!(i18n, piv.name)}</label>
                        <input
                            id="piv-name"
                            class="input"
                            maxlength="100"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || shared.get()
                                on:change=move |ev| shared.set(event_target_checked(&ev))
                            />
                            " "
                            {t!(i18n, piv.share)}
                        </label>
                    </div>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="save-analysis"
                        disabled=move || !ready()
                        on:click=move |_| {
                            saving
                                .dispatch(Save {
                                    name: name.get(),
                                    definition: definition(),
                                    shared: shared.get(),
                                });
                        }
                    >
                        {t!(i18n, piv.save)}
                    </button>
                </div>
                {move || {
                    saving
                        .value()
                        .get()
                        .and_then(Result::err)
                        .map(|e| {
                            view! {
                                <p class="field-error" role="alert">
                                    {crate::components::forms::describe(&e, i18n)}
                                </p>
                            }
                        })
                }}
                <Transition>
                    {move || {
                        list.get()
                            .and_then(Result::ok)
                            .map(|rows| {
                                view! {
                                    <ul class="plain-list" data-testid="saved-analyses">
                                        {rows
                                            .into_iter()
                                            .map(|s| {
                                                let id = s.id;
                                                view! {
                                                    <li>
                                                        <a href=format!(
                                                            "/analysis?{}",
                                                            s.definition,
                                                        )>{s.name.clone()}</a>
                                                        {s
                                                            .shared
                                                            .then(|| {
                                                                view! {
                                                                    " "
                                                                    <span class="badge">{t!(i18n, piv.shared)}</span>
                                                                }
                                                            })}
                                                        {s
                                                            .mine
                                                            .then(|| {
                                                                view! {
                                                                    " "
                                                                    <button
                                                                        type="button"
                                                                        class="btn btn-link"
                                                                        on:click=move |_| {
                                                                            removing.dispatch(Delete { id });
                                                                        }
                                                                    >
                                                                        {t!(i18n, piv.delete)}
                                                                    </button>
                                                                }
                                                            })}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })
                    }}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn PivotTable(
    pivot: PivotView,
    rows_dim: String,
    definition: String,
    can_export: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let show = move |v: i64| {
        if pivot.money {
            scale::money(v)
        } else {
            scale::grouped(v)
        }
    };
    let exporting = RwSignal::new(false);
    let export_csv = move |_| {
        let definition = definition.clone();
        let header = word(&rows_dim, i18n).to_owned();
        exporting.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(text) =
                export(definition, header, t_string!(i18n, rep.total).to_owned()).await
            {
                super::download("analysis.csv", &text);
            }
            exporting.set(false);
        });
    };
    view! {
        <section class="card" data-testid="pivot">
            <div class="actions no-print">
                {can_export
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-secondary"
                                data-testid="export-pivot"
                                on:click=export_csv
                                disabled=move || exporting.get()
                            >
                                {t!(i18n, rep.export)}
                            </button>
                        }
                    })}
            </div>
            {pivot.rows.is_empty().then(|| view! { <p class="muted">{t!(i18n, dash.no_data)}</p> })}
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            {pivot
                                .columns
                                .iter()
                                .map(|c| {
                                    view! {
                                        <th scope="col" class="num">
                                            {if c.is_empty() {
                                                t_string!(i18n, rep.none).to_owned()
                                            } else {
                                                localize(c, i18n.get_locale())
                                            }}
                                        </th>
                                    }
                                })
                                .collect_view()}
                            <th scope="col" class="num">
                                {t!(i18n, rep.total)}
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {pivot
                            .rows
                            .iter()
                            .enumerate()
                            .map(|(r, label)| {
                                view! {
                                    <tr>
                                        <th scope="row">
                                            {if label.is_empty() {
                                                t_string!(i18n, rep.none).to_owned()
                                            } else {
                                                localize(label, i18n.get_locale())
                                            }}
                                        </th>
                                        {pivot
                                            .cells[r]
                                            .iter()
                                            .map(|v| view! { <td class="num">{show(*v)}</td> })
                                            .collect_view()}
                                        <td class="num">
                                            <strong>{show(pivot.row_totals[r])}</strong>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                    <tfoot>
                        <tr data-testid="pivot-totals">
                            <th scope="row">{t!(i18n, rep.total)}</th>
                            {pivot
                                .column_totals
                                .iter()
                                .map(|v| view! { <td class="num">{show(*v)}</td> })
                                .collect_view()}
                            <td class="num" data-testid="pivot-total">
                                <strong>{show(pivot.total)}</strong>
                            </td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_choices_are_the_domains() {
        assert_eq!(super::SOURCES, tandem_domain::analytics::pivot::SOURCES);
        assert_eq!(
            super::super::KINDS,
            tandem_domain::analytics::reports::KINDS
        );
    }
}
