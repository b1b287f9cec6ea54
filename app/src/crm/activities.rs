//! `/activities`: "my day" (overdue, today, upcoming) and the list of
//! activities; the activity list and log form used on customer and
//! opportunity pages.

use leptos::prelude::*;

use crate::exports::ExportCsv;

use super::{
    api, assignee_options,
    owners::OwnerFilter,
    text_field,
    types::{ActivityForm, ActivityQuery, ActivityRow},
    CrmTabs,
};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        loading, use_list_query, FilterBar, Options, PageHeader, PagedList, SearchFilter,
        SelectFilter,
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
            {items
                .into_iter()
                .map(|a| {
                    let id = a.id;
                    let open = a.done.is_none();
                    view! {
                        <li class="activity" data-testid="activity">
                            <span class="badge">{kind_label(&a.kind, i18n)}</span>
                            " "
                            <strong>{a.subject.clone()}</strong>
                            {with_customer
                                .then(|| {
                                    view! {
                                        " · "
                                        <a href=format!(
                                            "/customers/{}",
                                            a.customer_id,
                                        )>{a.customer.clone()}</a>
                                    }
                                })}
                            <br />
                            <span class="small muted">
                                {a.due.clone().map(|d| format!("{} {d}", t_string!(i18n, crm.due)))}
                                {a
                                    .done
                                    .clone()
                                    .map(|d| format!(" · {} {d}", t_string!(i18n, crm.done)))}
                                {a.owner.clone().map(|o| format!(" · {o}"))}
                            </span>
                            {(!a.body.is_empty())
                                .then(|| view! { <p class="pre small">{a.body.clone()}</p> })}
                            {(open && can_write)
                                .then(|| {
                                    view! {
                                        " "
                                        <button
                                            type="button"
                                            class="btn btn-ghost small"
                                            on:click=move |_| {
                                                complete.dispatch(api::CompleteActivity { id });
                                            }
                                        >
                                            {t!(i18n, crm.mark_done)}
                                        </button>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The filters `/activities` keeps in its address.
const FILTERS: [&str; 5] = ["q", "kind", "owner", "status", "sort"];

/// `/activities`.
#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let complete = ServerAction::<api::CompleteActivity>::new();
    let day = Resource::new(move || complete.version().get(), |_| api::my_day());
    let filter = move || ActivityQuery {
        search: query.get("q"),
        kind: query.get("kind"),
        owner_id: query.id("owner"),
        status: query.get("status").unwrap_or_default(),
        sort: query.get("sort").unwrap_or_default(),
        page: query.page(),
        ..Default::default()
    };
    let list = Resource::new(
        move || (filter(), complete.version().get()),
        |(filter, _)| api::list_activities(filter),
    );
    let owners = assignee_options();
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, crm.activities) />
            <CrmTabs current="activities" />
            <section class="card" aria-labelledby="my-day-title" data-testid="my-day">
                <h2 id="my-day-title" class="card-title">
                    {t!(i18n, crm.my_day)}
                </h2>
                <Transition fallback=loading>
                    {move || {
                        day.get()
                            .map(|result| {
                                result
                                    .map(|d| {
                                        view! {
                                            <div class="grid grid-3">
                                                <div>
                                                    <h3>{t!(i18n, crm.overdue)} " (" {d.overdue.len()} ")"</h3>
                                                    <ActivityItems
                                                        items=d.overdue
                                                        complete
                                                        with_customer=true
                                                    />
                                                </div>
                                                <div>
                                                    <h3>{t!(i18n, crm.today)} " (" {d.today.len()} ")"</h3>
                                                    <ActivityItems items=d.today complete with_customer=true />
                                                </div>
                                                <div>
                                                    <h3>
                                                        {t!(i18n, crm.upcoming)} " (" {d.upcoming.len()} ")"
                                                    </h3>
                                                    <ActivityItems
                                                        items=d.upcoming
                                                        complete
                                                        with_customer=true
                                                    />
                                                </div>
                                            </div>
                                        }
                                    })
                            })
                    }}
                </Transition>
            </section>
            <h2>{t!(i18n, crm.all_activities)}</h2>
            <FilterBar>
                <SearchFilter id="activity-search" name="q" label=t!(i18n, crm.search_subject) />
                <SelectFilter id="activity-kind" name="kind" label=t!(i18n, crm.kind)>
                    <Options values=&KINDS label=kind_label />
                </SelectFilter>
                <SelectFilter id="activity-status" name="status" label=t!(i18n, crm.status)>
                    <option value="open">{t!(i18n, crm.open)}</option>
                    <option value="done">{t!(i18n, crm.done)}</option>
                </SelectFilter>
                <OwnerFilter owners />
                <SelectFilter id="activity-sort" name="sort" label=t!(i18n, crm.sort) any=false>
                    <option value="">{t!(i18n, crm.newest)}</option>
                    <option value="created">{t!(i18n, crm.oldest)}</option>
                    <option value="due">{t!(i18n, crm.due)}</option>
                </SelectFilter>
            </FilterBar>
            <ExportCsv
                name="activities"
                headers=vec![
                    t_string!(i18n, crm.kind).to_owned(),
                    t_string!(i18n, crm.subject).to_owned(),
                    t_string!(i18n, crm.customer).to_owned(),
                    t_string!(i18n, crm.due).to_owned(),
                    t_string!(i18n, crm.done).to_owned(),
                    t_string!(i18n, crm.owner).to_owned(),
                ]
                run=move |headers| api::export_activities(
                    ActivityQuery {
                        page: 1,
                        ..filter()
                    },
                    headers,
                )
            />
            <PagedList
                list
                link=query.pager("/activities", &FILTERS)
                counted=t!(i18n, crm.activities_found)
                let:items
            >
                <ActivityItems items complete with_customer=true />
            </PagedList>
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
        <Transition fallback=loading>
            {move || {
                list.get()
                    .map(|result| {
                        result
                            .map(|found| {
                                let more = found.page < found.pages();
                                view! {
                                    <ActivityItems items=found.items complete with_customer=false />
                                    {more
                                        .then(|| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="btn btn-secondary small"
                                                    on:click=move |_| page.update(|p| *p += 1)
                                                >
                                                    {t!(i18n, common.next)}
                                                </button>
                                            }
                                        })}
                                }
                            })
                    })
            }}
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
        <form
            class="log-activity"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                create
                    .dispatch(api::CreateActivity {
                        form: form.get_untracked(),
                    });
            }
        >
            <h3 class="card-title">{t!(i18n, crm.log_activity)}</h3>
            <div class="field">
                <label for="activity-kind-input">{t!(i18n, crm.kind)}</label>
                <select
                    id="activity-kind-input"
                    class="select"
                    prop:value=move || form.read().kind.clone()
                    on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))
                >
                    {KINDS
                        .iter()
                        .map(|k| view! { <option value=*k>{kind_label(k, i18n)}</option> })
                        .collect_view()}
                </select>
                <FieldError errors field="kind" />
            </div>
            {text_field!(form, errors, "activity-subject", subject, t!(i18n, crm.subject), "text")}
            <div class="field">
                <label for="activity-body">{t!(i18n, crm.body)}</label>
                <textarea
                    id="activity-body"
                    class="textarea"
                    prop:value=move || form.read().body.clone()
                    on:change=move |ev| form.update(|f| f.body = event_target_value(&ev))
                ></textarea>
                <FieldError errors field="body" />
            </div>
            {text_field!(form, errors, "activity-due", due, t!(i18n, crm.due), "datetime-local")}
            <div class="check">
                <input
                    id="activity-done"
                    type="checkbox"
                    prop:checked=move || form.read().done
                    on:change=move |ev| form.update(|f| f.done = event_target_checked(&ev))
                />
                <label for="activity-done">{t!(i18n, crm.already_done)}</label>
            </div>
            <FormErrors errors field="form" />
            <FormErrors errors field="customer_id" />
            <button type="submit" class="btn btn-secondary" disabled=move || create.pending().get()>
                {t!(i18n, crm.log_activity)}
            </button>
        </form>
    })
}
