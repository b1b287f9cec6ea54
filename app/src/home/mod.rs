//! The home page: the dashboard of the user's role, the areas, and the
//! system status.

pub mod api;
pub mod types;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    areas::{Area, AreaCard},
    auth::use_me,
    i18n::*,
};

/// `/`: the user's dashboard, areas and system status.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, home.title).to_string()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, home.title)}</h1>
                <p class="lead">{t!(i18n, home.intro)}</p>
            </header>
            {use_me()
                .is_some_and(|me| me.can("dashboards.view") || me.can("dashboards.view_all"))
                .then(|| view! { <crate::dashboards::BoardPanel /> })}
            <div class="grid grid-main-side">
                <section aria-labelledby="areas-title">
                    <h2 id="areas-title">{t!(i18n, home.areas_title)}</h2>
                    <ul class="card-grid" role="list">
                        {Area::ALL
                            .into_iter()
                            .filter(|area| use_me().is_some_and(|me| area.need().met_by(&me)))
                            .map(|area| {
                                view! {
                                    <li>
                                        <AreaCard area />
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
                <SystemStatus />
            </div>
        </div>
    }
}

/// The status card: version, engine, database reachability, with a re-check button.
#[component]
fn SystemStatus() -> impl IntoView {
    let i18n = use_i18n();
    let checks = RwSignal::new(1_u32);
    let status = Resource::new(move || checks.get(), |_| api::system_status());
    view! {
        <section class="card" aria-labelledby="status-title" data-testid="system-status">
            <h2 id="status-title" class="card-title">
                {t!(i18n, home.status_title)}
            </h2>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, home.status_loading)}</p> }
            }>
                {move || {
                    status.get().map(|result| result.map(|s| view! { <StatusList status=s /> }))
                }}
            </Transition>
            <p class="muted small">
                {t!(i18n, home.status_checks)} ": "
                <span data-testid="status-checks">{move || checks.get()}</span>
            </p>
            <button
                type="button"
                class="btn btn-secondary"
                on:click=move |_| checks.update(|n| *n += 1)
            >
                {t!(i18n, home.status_refresh)}
            </button>
        </section>
    }
}

#[component]
fn StatusList(status: types::SystemStatusView) -> impl IntoView {
    let i18n = use_i18n();
    let ok = status.database_ok;
    view! {
        <dl class="facts">
            <dt>{t!(i18n, home.status_version)}</dt>
            <dd>{status.version}</dd>
            <dt>{t!(i18n, home.status_engine)}</dt>
            <dd>{status.engine}</dd>
            <dt>{t!(i18n, home.status_database)}</dt>
            <dd>
                <span class=if ok {
                    "badge badge-success"
                } else {
                    "badge badge-danger"
                }>
                    {move || {
                        if ok {
                            t_string!(i18n, home.status_ok)
                        } else {
                            t_string!(i18n, home.status_down)
                        }
                    }}
                </span>
            </dd>
            <dt>{t!(i18n, home.status_checked)}</dt>
            <dd>
                <time datetime=status
                    .checked_at
                    .clone()>{status.checked_at.replace('T', " ").replace('Z', " UTC")}</time>
            </dd>
        </dl>
    }
}
