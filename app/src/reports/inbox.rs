//! The report inbox: background runs with their progress (refreshed while
//! any is working), subscriptions, and a finished run's table; and the
//! report page's "run in the background" and "subscribe" controls.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api, kind_label, ReportTable, Source};
use crate::{components::id_param, i18n::*};

fn status_label(status: &str, i18n: I18nContext<Locale>) -> &'static str {
    match status {
        "queued" => t_string!(i18n, rep.s_queued),
        "running" => t_string!(i18n, rep.s_running),
        "done" => t_string!(i18n, rep.s_done),
        _ => t_string!(i18n, rep.s_failed),
    }
}

fn frequency_label(f: &str, i18n: I18nContext<Locale>) -> &'static str {
    match f {
        "daily" => t_string!(i18n, rep.f_daily),
        "weekly" => t_string!(i18n, rep.f_weekly),
        _ => t_string!(i18n, rep.f_monthly),
    }
}

use leptos_i18n::I18nContext;

/// On the report page: run this report in the background, or subscribe.
#[component]
pub fn Schedule(kind: Signal<String>, filter: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let frequency = RwSignal::new("weekly".to_owned());
    let queued = ServerAction::<api::Request>::new();
    let subscribed = ServerAction::<api::Subscribe>::new();
    let filter_text = move || filter.get().trim_start_matches('?').to_owned();
    view! {
        <div class="filters no-print" data-testid="schedule">
            <button
                type="button"
                class="btn btn-secondary"
                data-testid="run-background"
                on:click=move |_| {
                    queued
                        .dispatch(api::Request {
                            kind: kind.get(),
                            filter: filter_text(),
                        });
                }
            >
                {t!(i18n, rep.run_background)}
            </button>
            <div class="field">
                <label for="sub-frequency">{t!(i18n, rep.frequency)}</label>
                <select
                    id="sub-frequency"
                    class="select"
                    on:change=move |ev| frequency.set(event_target_value(&ev))
                >
                    {["daily", "weekly", "monthly"]
                        .into_iter()
                        .map(|f| {
                            view! {
                                <option value=f selected=move || frequency.get() == f>
                                    {move || frequency_label(f, i18n)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <button
                type="button"
                class="btn btn-secondary"
                data-testid="subscribe"
                on:click=move |_| {
                    subscribed
                        .dispatch(api::Subscribe {
                            kind: kind.get(),
                            filter: filter_text(),
                            frequency: frequency.get(),
                        });
                }
            >
                {t!(i18n, rep.subscribe)}
            </button>
            <a class="btn btn-link" href="/reports/inbox">
                {t!(i18n, rep.inbox)}
            </a>
            <p role="status" class="small" data-testid="schedule-status">
                {move || {
                    queued
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(_) => t_string!(i18n, rep.queued_note).to_owned(),
                            Err(e) => {
                                crate::components::forms::describe(&e, i18n).unwrap_or_default()
                            }
                        })
                }}
                {move || {
                    subscribed
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(_) => t_string!(i18n, rep.subscribed_note).to_owned(),
                            Err(e) => {
                                crate::components::forms::describe(&e, i18n).unwrap_or_default()
                            }
                        })
                }}
            </p>
        </div>
    }
}

/// `/reports/inbox`.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0_u32);
    let cancel = ServerAction::<api::Unsubscribe>::new();
    let runs = Resource::new(move || refresh.get(), |_| api::runs());
    let subs = Resource::new(move || cancel.version().get(), |_| api::subscriptions());
    // While a run is queued or working, look again every two seconds.
    Effect::new(move |_| {
        let busy = runs.get().and_then(Result::ok).is_some_and(|rows| {
            rows.iter()
                .any(|r| r.status == "queued" || r.status == "running")
        });
        if busy {
            set_timeout(
                move || refresh.update(|n| *n += 1),
                std::time::Duration::from_secs(2),
            );
        }
    });
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, rep.inbox).to_owned()) />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, rep.inbox)}</h1>
                <a class="btn btn-secondary" href="/reports">
                    {t!(i18n, rep.title)}
                </a>
            </header>
            <section class="card">
                <h2 class="card-title">{t!(i18n, rep.runs)}</h2>
                <Transition fallback=move || {
                    view! { <p class="muted">{t!(i18n, common.loading)}</p> }
                }>
                    {move || {
                        runs.get()
                            .map(|r| {
                                r.map(|rows| {
                                    view! {
                                        {rows
                                            .is_empty()
                                            .then(|| {
                                                view! { <p class="muted">{t!(i18n, rep.no_runs)}</p> }
                                            })}
                                        <table class="table" data-testid="runs">
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t!(i18n, rep.report)}</th>
                                                    <th scope="col">{t!(i18n, rep.status)}</th>
                                                    <th scope="col">{t!(i18n, rep.asked)}</th>
                                                    <th scope="col" class="num">
                                                        {t!(i18n, rep.rows)}
                                                    </th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {rows
                                                    .into_iter()
                                                    .map(|run| {
                                                        let label = format!(
                                                            "{}{}",
                                                            kind_label(&run.kind, i18n),
                                                            if run.scheduled { " ⟳" } else { "" },
                                                        );
                                                        view! {
                                                            <tr data-status=run.status.clone()>
                                                                <th scope="row">
                                                                    {if run.status == "done" {
                                                                        view! {
                                                                            <a href=format!("/reports/inbox/{}", run.id)>{label}</a>
                                                                        }
                                                                            .into_any()
                                                                    } else {
                                                                        view! { <span>{label}</span> }.into_any()
                                                                    }} <span class="muted small">" " {run.filter.clone()}</span>
                                                                </th>
                                                                <td>
                                                                    {status_label(&run.status, i18n)}
                                                                    {(run.status == "queued" || run.status == "running")
                                                                        .then(|| {
                                                                            view! {
                                                                                " "
                                                                                <progress
                                                                                    max="100"
                                                                                    value=run.progress
                                                                                    aria-label=move || t_string!(i18n, rep.progress)
                                                                                >
                                                                                    {run.progress}
                                                                                    "%"
                                                                                </progress>
                                                                            }
                                                                        })}
                                                                    {(!run.error.is_empty())
                                                                        .then(|| {
                                                                            view! {
                                                                                <span class="small">" (" {run.error.clone()} ")"</span>
                                                                            }
                                                                        })}
                                                                </td>
                                                                <td>{run.created.clone()}</td>
                                                                <td class="num">{run.rows}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                })
                            })
                    }}
                </Transition>
            </section>
            <section class="card">
                <h2 class="card-title">{t!(i18n, rep.subscriptions)}</h2>
                <Transition>
                    {move || {
                        subs.get()
                            .map(|r| {
                                r.map(|rows| {
                                    view! {
                                        {rows
                                            .is_empty()
                                            .then(|| {
                                                view! {
                                                    <p class="muted">{t!(i18n, rep.no_subscriptions)}</p>
                                                }
                                            })}
                                        <ul class="plain-list" data-testid="subscriptions">
                                            {rows
                                                .into_iter()
                                                .map(|s| {
                                                    let id = s.id;
                                                    view! {
                                                        <li>
                                                            {kind_label(&s.kind, i18n)} " · "
                                                            {frequency_label(&s.frequency, i18n)} " · "
                                                            {t!(i18n, rep.next_run)} " " {s.next_run.clone()}
                                                            <span class="muted small">" " {s.filter.clone()}</span> " "
                                                            <button
                                                                type="button"
                                                                class="btn btn-link"
                                                                on:click=move |_| {
                                                                    cancel.dispatch(api::Unsubscribe { id });
                                                                }
                                                            >
                                                                {t!(i18n, rep.unsubscribe)}
                                                            </button>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                })
                            })
                    }}
                </Transition>
            </section>
        </div>
    }
}

/// `/reports/inbox/:id`: a finished run.
#[component]
pub fn RunPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let run = Resource::new(id, api::get_run);
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, rep.inbox).to_owned()) />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, rep.inbox)}</h1>
                <a class="btn btn-secondary no-print" href="/reports/inbox">
                    {t!(i18n, rep.back_to_inbox)}
                </a>
            </header>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    run.get()
                        .map(|r| match r {
                            Ok(v) => {
                                match v.report {
                                    Some(report) => {
                                        view! {
                                            <p class="muted small">
                                                {t!(i18n, rep.asked)} " " {v.run.created.clone()} " · "
                                                {v.run.finished.clone()}
                                            </p>
                                            <ReportTable report source=Source::Run(v.run.id) />
                                        }
                                            .into_any()
                                    }
                                    None => {
                                        view! { <p>{status_label(&v.run.status, i18n)}</p> }
                                            .into_any()
                                    }
                                }
                            }
                            Err(e) => crate::components::failed(e),
                        })
                }}
            </Transition>
        </div>
    }
}
