//! `/leads`: the list with filters and bulk reassignment, the new-lead form
//! with duplicate warnings, and a lead's page with qualify, disqualify and
//! convert.

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;

use super::{
    api, assignee_options, customer_matches,
    owners::{BulkReassign, OwnerField, OwnerFilter},
    text_field,
    types::{ConvertForm, LeadForm},
    CrmTabs,
};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        id_param, use_list_query, Col, FilterBar, HiddenFilters, ListTable, NewLink, Options,
        PageHeader, PagedList, SearchFilter, SelectAll, SelectFilter, SelectRow,
    },
    i18n::*,
};

/// A lead status in the current language.
pub fn status_label(status: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match status {
        "new" => t_string!(i18n, crm.status_new),
        "qualified" => t_string!(i18n, crm.status_qualified),
        "disqualified" => t_string!(i18n, crm.status_disqualified),
        _ => t_string!(i18n, crm.status_converted),
    }
}

/// A lead source in the current language.
pub fn source_label(source: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match source {
        "web" => t_string!(i18n, crm.source_web),
        "referral" => t_string!(i18n, crm.source_referral),
        "campaign" => t_string!(i18n, crm.source_campaign),
        "event" => t_string!(i18n, crm.source_event),
        _ => t_string!(i18n, crm.source_other),
    }
}

const SOURCES: [&str; 5] = ["web", "referral", "campaign", "event", "other"];
const STATUSES: [&str; 4] = ["new", "qualified", "disqualified", "converted"];
/// The filters `/leads` keeps in its address.
const FILTERS: [&str; 6] = ["q", "status", "source", "campaign", "owner", "sort"];

/// `/leads`.
#[component]
pub fn LeadsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let reassign = ServerAction::<api::ReassignLeads>::new();
    let leads = Resource::new(
        move || {
            (
                (
                    query.get("q"),
                    query.get("status"),
                    query.get("source"),
                    query.id("campaign"),
                ),
                query.id("owner"),
                query.get("sort"),
                query.page(),
                reassign.version().get(),
            )
        },
        |((q, status, source, campaign), owner, sort, page, _)| {
            api::list_leads(
                q,
                status,
                source,
                campaign,
                owner,
                sort.unwrap_or_default(),
                page,
            )
        },
    );
    let owners = assignee_options();
    let can_write = use_me().is_some_and(|m| m.can("leads.write"));
    let selected = RwSignal::new(Vec::<i64>::new());
    let errors = Signal::derive(move || reassign.value().get().and_then(Result::err));
    view! {
        <div class="page">
            <PageHeader title=move || { t_string!(i18n, crm.leads) }>
                <NewLink allowed=can_write href="/leads/new">
                    {t!(i18n, crm.new_lead)}
                </NewLink>
            </PageHeader>
            <CrmTabs current="leads" />
            <FilterBar>
                <SearchFilter id="lead-search" name="q" label=t!(i18n, crm.search_leads) />
                <SelectFilter id="lead-status" name="status" label=t!(i18n, crm.status)>
                    <Options values=&STATUSES label=status_label />
                </SelectFilter>
                <SelectFilter id="lead-source" name="source" label=t!(i18n, crm.source)>
                    <Options values=&SOURCES label=source_label />
                </SelectFilter>
                <HiddenFilters keys=&["campaign"] />
                <OwnerFilter owners />
                <SelectFilter id="lead-sort" name="sort" label=t!(i18n, crm.sort) any=false>
                    <option value="">{t!(i18n, crm.newest)}</option>
                    <option value="created">{t!(i18n, crm.oldest)}</option>
                    <option value="name">{t!(i18n, admin.name)}</option>
                </SelectFilter>
            </FilterBar>
            <ExportCsv
                name="leads"
                headers=vec![
                    t_string!(i18n, admin.name).to_owned(),
                    t_string!(i18n, crm.company).to_owned(),
                    t_string!(i18n, admin.email).to_owned(),
                    t_string!(i18n, crm.phone).to_owned(),
                    t_string!(i18n, crm.source).to_owned(),
                    t_string!(i18n, crm.status).to_owned(),
                    t_string!(i18n, crm.owner).to_owned(),
                    t_string!(i18n, crm.created).to_owned(),
                ]
                run=move |headers| api::export_leads(
                    query.get("q"),
                    query.get("status"),
                    query.get("source"),
                    query.id("campaign"),
                    query.id("owner"),
                    query.get("sort").unwrap_or_default(),
                    headers,
                )
            />
            <PagedList
                list=leads
                link=query.pager("/leads", &FILTERS)
                counted=t!(i18n, crm.leads_found)
                count_testid="lead-count"
                let:items
            >
                <ListTable head=view! {
                    <SelectAll ids=items.iter().map(|l| l.id).collect() selected />
                    <Col>{t!(i18n, admin.name)}</Col>
                    <Col>{t!(i18n, crm.company)}</Col>
                    <Col>{t!(i18n, crm.source)}</Col>
                    <Col>{t!(i18n, crm.status)}</Col>
                    <Col>{t!(i18n, crm.owner)}</Col>
                    <Col>{t!(i18n, crm.created)}</Col>
                }>
                    {items
                        .into_iter()
                        .map(|l| {
                            view! {
                                <tr>
                                    <SelectRow id=l.id name=l.name.clone() selected />
                                    <td>
                                        <a href=format!("/leads/{}", l.id)>{l.name}</a>
                                    </td>
                                    <td>{l.company}</td>
                                    <td>{source_label(&l.source, i18n)}</td>
                                    <td>
                                        <span class="badge">{status_label(&l.status, i18n)}</span>
                                    </td>
                                    <td>{l.owner.unwrap_or_default()}</td>
                                    <td class="small">{l.created}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            </PagedList>
            <BulkReassign
                owners
                selected
                errors
                select_id="lead-bulk-owner"
                title_id=Some("lead-bulk-title")
                allowed=can_write
                on_reassign=move |owner_id: i64| {
                    reassign
                        .dispatch(api::ReassignLeads {
                            ids: selected.get_untracked(),
                            owner_id,
                        });
                }
            />
        </div>
    }
}

#[component]
fn LeadFields(
    form: RwSignal<LeadForm>,
    errors: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let campaigns = Resource::new(
        || (),
        |_| async { api::list_campaigns().await.unwrap_or_default() },
    );
    let owners = assignee_options();
    view! {
        {text_field!(form, errors, "lead-name", name, t!(i18n, admin.name), "text")}
        {text_field!(form, errors, "lead-company", company, t!(i18n, crm.company), "text")}
        {text_field!(form, errors, "lead-email", email, t!(i18n, admin.email), "email")}
        {text_field!(form, errors, "lead-phone", phone, t!(i18n, crm.phone), "tel")}
        <div class="field">
            <label for="lead-source-input">{t!(i18n, crm.source)}</label>
            <select
                id="lead-source-input"
                class="select"
                prop:value=move || form.read().source.clone()
                on:change=move |ev| form.update(|f| f.source = event_target_value(&ev))
            >
                {SOURCES
                    .iter()
                    .map(|s| view! { <option value=*s>{source_label(s, i18n)}</option> })
                    .collect_view()}
            </select>
            <FieldError errors field="source" />
        </div>
        <div class="field">
            <label for="lead-campaign">{t!(i18n, crm.campaign)}</label>
            <select
                id="lead-campaign"
                class="select"
                prop:value=move || {
                    form.read().campaign_id.map(|c| c.to_string()).unwrap_or_default()
                }
                on:change=move |ev| {
                    form.update(|f| f.campaign_id = event_target_value(&ev).parse().ok())
                }
            >
                <option value="">"—"</option>
                <Transition>
                    {move || {
                        campaigns
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                            .collect_view()
                    }}
                </Transition>
            </select>
            <FieldError errors field="campaign_id" />
        </div>
        <OwnerField
            id="lead-owner"
            owners
            errors
            value=move || form.read().owner_id
            on_change={move |owner: Option<i64>| form.update(|f| f.owner_id = owner)}
        />
    }
}

#[component]
fn LeadDuplicates(form: RwSignal<LeadForm>, except: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let key = move || {
        let f = form.read();
        (
            f.name.clone(),
            f.company.clone(),
            f.email.clone(),
            f.phone.clone(),
        )
    };
    let found = Resource::new(key, move |(name, _, email, phone)| async move {
        if name.trim().is_empty() && email.trim().is_empty() && phone.trim().is_empty() {
            return Ok(Vec::new());
        }
        api::lead_duplicates(form.get_untracked(), except).await
    });
    view! {
        <Transition>
            {move || {
                found
                    .get()
                    .and_then(Result::ok)
                    .filter(|l| !l.is_empty())
                    .map(|list| {
                        view! {
                            <section
                                class="notice notice-warning"
                                role="status"
                                data-testid="duplicates"
                            >
                                <h2 class="card-title">{t!(i18n, crm.possible_duplicates)}</h2>
                                <ul class="plain-list">
                                    {list
                                        .into_iter()
                                        .map(|d| {
                                            let href = if d.kind == "lead" {
                                                format!("/leads/{}", d.id)
                                            } else {
                                                format!("/customers/{}", d.id)
                                            };
                                            let kind = if d.kind == "lead" {
                                                t_string!(i18n, crm.lead)
                                            } else {
                                                t_string!(i18n, crm.customer)
                                            };
                                            view! {
                                                <li>
                                                    <a href=href>{d.name}</a>
                                                    " ("
                                                    {kind}
                                                    ") — "
                                                    <span class="muted">{d.reasons.join(", ")}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            }}
        </Transition>
    }
}

/// `/leads/new`.
#[component]
pub fn NewLeadPage() -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(LeadForm {
        source: "web".into(),
        ..Default::default()
    });
    let create = ServerAction::<api::CreateLead>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let _ = window().location().set_href(&format!("/leads/{id}"));
        }
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, crm.new_lead).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, crm.new_lead)}</h1>
            </header>
            <div class="grid grid-main-side">
                <form
                    class="card"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        create
                            .dispatch(api::CreateLead {
                                form: form.get_untracked(),
                            });
                    }
                >
                    <LeadFields form errors />
                    <FormErrors errors field="form" />
                    <button
                        type="submit"
                        class="btn btn-primary"
                        disabled=move || create.pending().get()
                    >
                        {t!(i18n, crm.save_lead)}
                    </button>
                </form>
                <LeadDuplicates form except=None />
            </div>
        </div>
    }
}

/// `/leads/:id`.
#[component]
pub fn LeadPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let qualify = ServerAction::<api::QualifyLead>::new();
    let disqualify = ServerAction::<api::DisqualifyLead>::new();
    let update = ServerAction::<api::UpdateLead>::new();
    let lead = Resource::new(
        move || {
            (
                id(),
                qualify.version().get(),
                disqualify.version().get(),
                update.version().get(),
            )
        },
        |(id, _, _, _)| api::get_lead(id),
    );
    let form = RwSignal::new(LeadForm::default());
    Effect::new(move |_| {
        if let Some(Ok(l)) = lead.get() {
            form.set(LeadForm {
                name: l.row.name.clone(),
                company: l.row.company.clone(),
                email: l.row.email.clone().unwrap_or_default(),
                phone: l.row.phone.clone().unwrap_or_default(),
                source: l.row.source.clone(),
                campaign_id: l.row.campaign_id,
                owner_id: l.row.owner_id,
            });
        }
    });
    let reason = RwSignal::new(String::new());
    let status_errors = Signal::derive(move || {
        qualify
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| disqualify.value().get().and_then(Result::err))
    });
    let update_errors = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, crm.lead).to_owned()) />
        <div class="page">
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    lead.get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(l) => {
                                let open = l.row.status == "new" || l.row.status == "qualified";
                                let status = l.row.status.clone();
                                view! {
                                    <header class="page-header">
                                        <h1>{l.row.name.clone()}</h1>
                                        <p class="muted">
                                            {l.row.company.clone()} " · "
                                            <span class="badge" data-testid="lead-status">
                                                {status_label(&l.row.status, i18n)}
                                            </span>
                                        </p>
                                    </header>
                                    <div class="grid grid-main-side">
                                        <section class="card">
                                            <dl class="facts">
                                                <dt>{t!(i18n, admin.email)}</dt>
                                                <dd>{l.row.email.clone().unwrap_or_default()}</dd>
                                                <dt>{t!(i18n, crm.phone)}</dt>
                                                <dd>{l.row.phone.clone().unwrap_or_default()}</dd>
                                                <dt>{t!(i18n, crm.source)}</dt>
                                                <dd>{source_label(&l.row.source, i18n)}</dd>
                                                <dt>{t!(i18n, crm.campaign)}</dt>
                                                <dd>{l.campaign.clone().unwrap_or_default()}</dd>
                                                <dt>{t!(i18n, crm.owner)}</dt>
                                                <dd>{l.row.owner.clone().unwrap_or_default()}</dd>
                                                <dt>{t!(i18n, crm.created)}</dt>
                                                <dd>{l.row.created.clone()}</dd>
                                                {(!l.disqualify_reason.is_empty())
                                                    .then(|| {
                                                        view! {
                                                            <dt>{t!(i18n, crm.reason)}</dt>
                                                            <dd>{l.disqualify_reason.clone()}</dd>
                                                        }
                                                    })}
                                            </dl>
                                            {l
                                                .customer_id
                                                .map(|c| {
                                                    view! {
                                                        <p>
                                                            <a href=format!(
                                                                "/customers/{c}",
                                                            )>{t!(i18n, crm.open_customer)}</a>
                                                        </p>
                                                    }
                                                })}
                                            {l
                                                .opportunity_id
                                                .map(|o| {
                                                    view! {
                                                        <p>
                                                            <a href=format!(
                                                                "/opportunities/{o}",
                                                            )>{t!(i18n, crm.open_opportunity)}</a>
                                                        </p>
                                                    }
                                                })}
                                        </section>
                                        {(l.can_write && open)
                                            .then(|| {
                                                view! {
                                                    <section class="card">
                                                        <h2 class="card-title">{t!(i18n, crm.next_step)}</h2>
                                                        <FormErrors errors=status_errors field="form" />
                                                        {(status == "new")
                                                            .then(|| {
                                                                view! {
                                                                    <button
                                                                        type="button"
                                                                        class="btn btn-primary"
                                                                        on:click=move |_| {
                                                                            qualify.dispatch(api::QualifyLead { id: id() });
                                                                        }
                                                                    >
                                                                        {t!(i18n, crm.qualify)}
                                                                    </button>
                                                                }
                                                            })}
                                                        {(status == "qualified")
                                                            .then(|| {
                                                                view! {
                                                                    <ConvertLead lead_id=l.row.id name=l.row.company.clone() />
                                                                }
                                                            })}
                                                        <form
                                                            novalidate
                                                            on:submit=move |ev| {
                                                                ev.prevent_default();
                                                                disqualify
                                                                    .dispatch(api::DisqualifyLead {
                                                                        id: id(),
                                                                        reason: reason.get_untracked(),
                                                                    });
                                                            }
                                                        >
                                                            <div class="field">
                                                                <label for="disqualify-reason">
                                                                    {t!(i18n, crm.reason)}
                                                                </label>
                                                                <input
                                                                    id="disqualify-reason"
                                                                    class="input"
                                                                    type="text"
                                                                    prop:value=move || reason.get()
                                                                    on:input=move |ev| reason.set(event_target_value(&ev))
                                                                />
                                                                <FieldError errors=status_errors field="reason" />
                                                            </div>
                                                            <button type="submit" class="btn btn-secondary">
                                                                {t!(i18n, crm.disqualify)}
                                                            </button>
                                                        </form>
                                                    </section>
                                                }
                                            })}
                                    </div>
                                    {(l.can_write && open)
                                        .then(|| {
                                            view! {
                                                <div class="grid grid-main-side">
                                                    <form
                                                        class="card"
                                                        novalidate
                                                        on:submit=move |ev| {
                                                            ev.prevent_default();
                                                            update
                                                                .dispatch(api::UpdateLead {
                                                                    id: id(),
                                                                    form: form.get_untracked(),
                                                                });
                                                        }
                                                    >
                                                        <h2 class="card-title">{t!(i18n, crm.edit_lead)}</h2>
                                                        <LeadFields form errors=update_errors />
                                                        <FormErrors errors=update_errors field="form" />
                                                        <button type="submit" class="btn btn-secondary">
                                                            {t!(i18n, common.save)}
                                                        </button>
                                                    </form>
                                                    <LeadDuplicates form except=Some(l.row.id) />
                                                </div>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// Converting a qualified lead: a new customer or an existing one, and the opportunity.
#[component]
fn ConvertLead(lead_id: i64, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let convert = ServerAction::<api::ConvertLead>::new();
    let errors = Signal::derive(move || convert.value().get().and_then(Result::err));
    let form = RwSignal::new(ConvertForm {
        title: name,
        currency: "EUR".into(),
        ..Default::default()
    });
    let search = RwSignal::new(String::new());
    let matches = customer_matches(search);
    Effect::new(move |_| {
        if let Some(Ok(done)) = convert.value().get() {
            let _ = window()
                .location()
                .set_href(&format!("/opportunities/{}", done.opportunity_id));
        }
    });
    view! {
        <form
            novalidate
            data-testid="convert-form"
            on:submit=move |ev| {
                ev.prevent_default();
                convert
                    .dispatch(api::ConvertLead {
                        id: lead_id,
                        form: form.get_untracked(),
                    });
            }
        >
            <h3 class="card-title">{t!(i18n, crm.convert)}</h3>
            <div class="field">
                <label for="convert-customer-search">{t!(i18n, crm.existing_customer)}</label>
                <input
                    id="convert-customer-search"
                    class="input"
                    type="search"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <select
                    class="select"
                    aria-label=move || t_string!(i18n, crm.existing_customer)
                    on:change=move |ev| {
                        form.update(|f| f.customer_id = event_target_value(&ev).parse().ok())
                    }
                >
                    <option value="">{t!(i18n, crm.new_customer_from_lead)}</option>
                    <Transition>
                        {move || {
                            matches
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                                .collect_view()
                        }}
                    </Transition>
                </select>
                <FieldError errors field="customer_id" />
            </div>
            {text_field!(
                form, errors, "convert-title", title, t!(i18n, crm.opportunity_title), "text"
            )}
            {text_field!(form, errors, "convert-amount", amount, t!(i18n, crm.amount), "text")}
            {text_field!(
                form, errors, "convert-currency", currency, t!(i18n, crm.currency), "text"
            )}
            {text_field!(
                form, errors, "convert-close", expected_close, t!(i18n, crm.expected_close), "date"
            )}
            <FormErrors errors field="form" />
            <button type="submit" class="btn btn-primary" disabled=move || convert.pending().get()>
                {t!(i18n, crm.convert)}
            </button>
        </form>
    }
}
