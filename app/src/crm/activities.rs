//! `/activities`: "my day" (overdue, today, upcoming) and the list of
//! activities; the activity list and log form used on customer and
//! opportunity pages.

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{
    api, assignee_options,
    leads::OwnerFilter,
    param, query_string, text_field,
    types::{ActivityForm, ActivityQuery, ActivityRow},
    CrmTabs,
};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        Pager,
    },
    i18n::*,
};

const KINDS: [&str; 5] = ["call", "email", "meeting", "task", "note"];

/// An activity kind in the current language.
pub fn kind_label(kind: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match kind {
        "call" => t_string!(i18n, crm.kind_call),
        "email" => t_string!(i18n, crm.kind_email),
        "meeting" => t_string!(i18n, crm.kind_meeting),
        "task" => t_string!(i18n, crm.kind_task),
        _ => t_string!(i18n, crm.kind_note),
    }
}

#[component]
fn ActivityItems(
    items: Vec<ActivityRow>,
    complete: ServerAction<api::CompleteActivity>,
    with_customer: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let can_write = use_me().is_some_and(|m| m.can("activities.write"));
    view! {
        <ul class="plain-list activity-list">
            {items.into_iter().map(|a| {
                let id = a.id;
                let open = a.done.is_none();
                view! {
                    <li class="activity" data-testid="activity">
                        <span class="badge">{kind_label(&a.kind, i18n)}</span> " "
                        <strong>{a.subject.clone()}</strong>
                        {with_customer.then(|| view! { " · " <a href=format!("/customers/{}", a.customer_id)>{a.customer.clone()}</a> })}
                        <br/>
                        <span class="small muted">
                            {a.due.clone().map(|d| format!("{} {d}", t_string!(i18n, crm.due)))}
                            {a.done.clone().map(|d| format!(" · {} {d}", t_string!(i18n, crm.done)))}
                            {a.owner.clone().map(|o| format!(" · {o}"))}
                        </span>
                        {(!a.body.is_empty()).then(|| view! { <p class="pre small">{a.body.clone()}</p> })}
                        {(open && can_write).then(|| view! {
                            " " <button type="button" class="btn btn-ghost small" on:click=move |_| { complete.dispatch(api::CompleteActivity { id }); }>{t!(i18n, crm.mark_done)}</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// `/activities`.
#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| param(&query.read(), k);
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let complete = ServerAction::<api::CompleteActivity>::new();
    let day = Resource::new(move || complete.version().get(), |_| api::my_day());
    let list = Resource::new(
        move || {
            (
                get("q"),
                get("kind"),
                get("owner"),
                get("status"),
                get("sort"),
                page(),
                complete.version().get(),
            )
        },
        |(q, kind, owner, status, sort, page, _)| {
            api::list_activities(ActivityQuery {
                search: q,
                kind,
                owner_id: owner.and_then(|o| o.parse().ok()),
                status: status.unwrap_or_default(),
                sort: sort.unwrap_or_default(),
                page,
                ..Default::default()
            })
        },
    );
    let owners = assignee_options();
    let link = move |target: u64| {
        format!(
            "/activities{}",
            query_string(&[
                ("q", get("q")),
                ("kind", get("kind")),
                ("owner", get("owner")),
                ("status", get("status")),
                ("sort", get("sort")),
                ("page", Some(target.to_string())),
            ])
        )
    };
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, crm.activities).to_owned())/>
        <div class="page">
            <header class="page-header"><h1>{t!(i18n, crm.activities)}</h1></header>
            <CrmTabs current="activities"/>
            <section class="card" aria-labelledby="my-day-title" data-testid="my-day">
                <h2 id="my-day-title" class="card-title">{t!(i18n, crm.my_day)}</h2>
                <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                    {move || day.get().map(|result| result.map(|d| view! {
                        <div class="grid grid-3">
                            <div><h3>{t!(i18n, crm.overdue)} " (" {d.overdue.len()} ")"</h3><ActivityItems items=d.overdue complete with_customer=true/></div>
                            <div><h3>{t!(i18n, crm.today)} " (" {d.today.len()} ")"</h3><ActivityItems items=d.today complete with_customer=true/></div>
                            <div><h3>{t!(i18n, crm.upcoming)} " (" {d.upcoming.len()} ")"</h3><ActivityItems items=d.upcoming complete with_customer=true/></div>
                        </div>
                    }))}
                </Transition>
            </section>
            <h2>{t!(i18n, crm.all_activities)}</h2>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="activity-search">{t!(i18n, crm.search_subject)}</label>
                    <input id="activity-search" class="input" type="search" name="q" prop:value=move || get("q").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="activity-kind">{t!(i18n, crm.kind)}</label>
                    <select id="activity-kind" class="select" name="kind" prop:value=move || get("kind").unwrap_or_default()>
                        <option value="">{t!(i18n, crm.any)}</option>
                        {KINDS.iter().map(|k| view! { <option value=*k>{kind_label(k, i18n)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="activity-status">{t!(i18n, crm.status)}</label>
                    <select id="activity-status" class="select" name="status" prop:value=move || get("status").unwrap_or_default()>
                        <option value="">{t!(i18n, crm.any)}</option>
                        <option value="open">{t!(i18n, crm.open)}</option>
                        <option value="done">{t!(i18n, crm.done)}</option>
                    </select>
                </div>
                <OwnerFilter owners current=Signal::derive(move || get("owner"))/>
                <div class="field">
                    <label for="activity-sort">{t!(i18n, crm.sort)}</label>
                    <select id="activity-sort" class="select" name="sort" prop:value=move || get("sort").unwrap_or_default()>
                        <option value="">{t!(i18n, crm.newest)}</option>
                        <option value="created">{t!(i18n, crm.oldest)}</option>
                        <option value="due">{t!(i18n, crm.due)}</option>
                    </select>
                </div>
                <button type="submit" class="btn btn-secondary">{t!(i18n, admin.apply)}</button>
            </Form>
            <ExportCsv name="activities" headers=vec![t_string!(i18n, crm.kind).to_owned(), t_string!(i18n, crm.subject).to_owned(), t_string!(i18n, crm.customer).to_owned(), t_string!(i18n, crm.due).to_owned(), t_string!(i18n, crm.done).to_owned(), t_string!(i18n, crm.owner).to_owned()] run=move |headers| api::export_activities(ActivityQuery { search: get("q"), kind: get("kind"), owner_id: get("owner").and_then(|o| o.parse().ok()), status: get("status").unwrap_or_default(), sort: get("sort").unwrap_or_default(), page: 1, ..Default::default() }, headers)/>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || list.get().map(|result| result.map(|found| {
                    let pages = found.pages();
                    let current = found.page;
                    view! {
                        <p class="muted small">{found.total} " " {t!(i18n, crm.activities_found)}</p>
                        <ActivityItems items=found.items complete with_customer=true/>
                        <Pager page=current pages link=move |target: u64| link(target)/>
                    }
                }))}
            </Transition>
        </div>
    }
}

/// The activities of a customer (and optionally one opportunity), newest first.
#[component]
pub fn ActivityList(customer_id: Option<i64>, opportunity_id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let complete = ServerAction::<api::CompleteActivity>::new();
    let refresh = use_context::<ActivityRefresh>().map(|r| r.0);
    let page = RwSignal::new(1u64);
    let list = Resource::new(
        move || {
            (
                page.get(),
                complete.version().get(),
                refresh.map(|r| r.get()).unwrap_or_default(),
            )
        },
        move |(page, _, _)| {
            api::list_activities(ActivityQuery {
                customer_id,
                opportunity_id,
                page,
                ..Default::default()
            })
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || list.get().map(|result| result.map(|found| {
                let more = found.page < found.pages();
                view! {
                    <ActivityItems items=found.items complete with_customer=false/>
                    {more.then(|| view! { <button type="button" class="btn btn-secondary small" on:click=move |_| page.update(|p| *p += 1)>{t!(i18n, common.next)}</button> })}
                }
            }))}
        </Transition>
    }
}

/// Bumped when an activity is logged, so lists on the same page refresh.
#[derive(Clone, Copy)]
pub struct ActivityRefresh(pub RwSignal<u64>);

/// The form that logs or plans an activity on a customer.
#[component]
pub fn LogActivity(customer_id: i64, opportunity_id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let can_write = use_me().is_some_and(|m| m.can("activities.write"));
    let create = ServerAction::<api::CreateActivity>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let blank = move || ActivityForm {
        kind: "call".into(),
        done: true,
        customer_id,
        opportunity_id,
        ..Default::default()
    };
    let form = RwSignal::new(blank());
    let refresh = use_context::<ActivityRefresh>();
    Effect::new(move |_| {
        if let Some(Ok(())) = create.value().get() {
            form.set(blank());
            if let Some(r) = refresh {
                r.0.update(|v| *v += 1);
            }
        }
    });
    can_write.then(|| view! {
        <form class="log-activity" novalidate on:submit=move |ev| { ev.prevent_default(); create.dispatch(api::CreateActivity { form: form.get_untracked() }); }>
            <h3 class="card-title">{t!(i18n, crm.log_activity)}</h3>
            <div class="field">
                <label for="activity-kind-input">{t!(i18n, crm.kind)}</label>
                <select id="activity-kind-input" class="select" prop:value=move || form.read().kind.clone() on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))>
                    {KINDS.iter().map(|k| view! { <option value=*k>{kind_label(k, i18n)}</option> }).collect_view()}
                </select>
                <FieldError errors field="kind"/>
            </div>
            {text_field!(form, errors, "activity-subject", subject, t!(i18n, crm.subject), "text")}
            <div class="field">
                <label for="activity-body">{t!(i18n, crm.body)}</label>
                <textarea id="activity-body" class="textarea" prop:value=move || form.read().body.clone() on:change=move |ev| form.update(|f| f.body = event_target_value(&ev))></textarea>
                <FieldError errors field="body"/>
            </div>
            {text_field!(form, errors, "activity-due", due, t!(i18n, crm.due), "datetime-local")}
            <div class="check">
                <input id="activity-done" type="checkbox" prop:checked=move || form.read().done on:change=move |ev| form.update(|f| f.done = event_target_checked(&ev))/>
                <label for="activity-done">{t!(i18n, crm.already_done)}</label>
            </div>
            <FormErrors errors field="form"/>
            <FormErrors errors field="customer_id"/>
            <button type="submit" class="btn btn-secondary" disabled=move || create.pending().get()>{t!(i18n, crm.log_activity)}</button>
        </form>
    })
}
