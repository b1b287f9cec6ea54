//! `/opportunities`: the board (cards move by drag and drop or by keyboard),
//! the list, an opportunity's page, the new-opportunity form, the weighted
//! forecast and the stage settings.

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{
    activities::{ActivityList, LogActivity},
    api, assignee_options, customer_matches,
    owners::{BulkReassign, OwnerField, OwnerFilter},
    text_field,
    types::{OpportunityForm, StageForm, StageView},
    CrmTabs,
};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, use_list_query, Col, FilterBar, ListTable, Money, NewLink, PageHeader,
        PagedList, SearchFilter, SelectAll, SelectFilter, SelectRow,
    },
    i18n::*,
};

#[component]
fn OpportunityNav(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let configure = me
        .as_ref()
        .is_some_and(|m| m.can("opportunities.configure"));
    let write = me.as_ref().is_some_and(|m| m.can("opportunities.write"));
    let here = move |key: &str| (current == key).then_some("page");
    view! {
        <div class="toolbar">
            <a class="btn btn-ghost" href="/opportunities" aria-current=here("board")>
                {t!(i18n, crm.board)}
            </a>
            <a class="btn btn-ghost" href="/opportunities/list" aria-current=here("list")>
                {t!(i18n, crm.list)}
            </a>
            <a class="btn btn-ghost" href="/opportunities/forecast" aria-current=here("forecast")>
                {t!(i18n, crm.forecast)}
            </a>
            {configure
                .then(|| {
                    view! {
                        <a
                            class="btn btn-ghost"
                            href="/opportunities/stages"
                            aria-current=here("stages")
                        >
                            {t!(i18n, crm.stages)}
                        </a>
                    }
                })}
            <NewLink allowed=write href="/opportunities/new">
                {t!(i18n, crm.new_opportunity)}
            </NewLink>
        </div>
    }
}

/// A move waiting for its lost reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PendingMove {
    id: i64,
    from: i64,
    to: i64,
}

/// `/opportunities`: the board.
#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let mover = ServerAction::<api::MoveOpportunity>::new();
    let board = Resource::new(
        move || (query.id("owner"), mover.version().get()),
        |(owner, _)| api::board(owner),
    );
    let owners = assignee_options();
    let dragging = RwSignal::new(None::<(i64, i64)>);
    let pending = RwSignal::new(None::<PendingMove>);
    let reason = RwSignal::new(String::new());
    let errors = Signal::derive(move || mover.value().get().and_then(Result::err));
    let can_write = use_me().is_some_and(|m| m.can("opportunities.write"));
    // The card moved by keyboard: its control in the reloaded board gets
    // the focus (the old element is gone with the old board).
    let refocus = RwSignal::new(None::<i64>);
    let request = move |id: i64, from: i64, to: i64, stages: &[StageView]| {
        if from == to {
            return;
        }
        if stages.iter().any(|s| s.id == to && s.is_lost) {
            reason.set(String::new());
            pending.set(Some(PendingMove { id, from, to }));
        } else {
            mover.dispatch(api::MoveOpportunity {
                id,
                from,
                to,
                lost_reason: String::new(),
            });
        }
    };
    view! {
        <div class="page page-wide">
            <PageHeader title=move || t_string!(i18n, crm.opportunities) />
            <CrmTabs current="opportunities" />
            <OpportunityNav current="board" />
            <Form method="GET" action="" attr:class="filters">
                <OwnerFilter owners />
                <Transition>
                    {move || {
                        owners
                            .get()
                            .filter(|o| !o.is_empty())
                            .map(|_| {
                                view! {
                                    <button type="submit" class="btn btn-secondary">
                                        {t!(i18n, admin.apply)}
                                    </button>
                                }
                            })
                    }}
                </Transition>
            </Form>
            <p class="muted small">{t!(i18n, crm.board_help)}</p>
            <FormErrors errors field="form" />
            {move || {
                pending
                    .get()
                    .map(|p| {
                        view! {
                            <form
                                class="card notice"
                                novalidate
                                data-testid="lost-reason"
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    mover
                                        .dispatch(api::MoveOpportunity {
                                            id: p.id,
                                            from: p.from,
                                            to: p.to,
                                            lost_reason: reason.get_untracked(),
                                        });
                                    pending.set(None);
                                }
                            >
                                <div class="field">
                                    <label for="lost-reason-input">
                                        {t!(i18n, crm.lost_reason)}
                                    </label>
                                    <input
                                        id="lost-reason-input"
                                        class="input"
                                        type="text"
                                        autofocus
                                        prop:value=move || reason.get()
                                        on:input=move |ev| reason.set(event_target_value(&ev))
                                    />
                                </div>
                                <button type="submit" class="btn btn-primary">
                                    {t!(i18n, crm.mark_lost)}
                                </button>
                                " "
                                <button
                                    type="button"
                                    class="btn btn-secondary"
                                    on:click=move |_| pending.set(None)
                                >
                                    {t!(i18n, common.cancel)}
                                </button>
                            </form>
                        }
                    })
            }}
            <FormErrors errors field="lost_reason" />
            <Transition fallback=loading>
                {move || {
                    board
                        .get()
                        .map(|result| {
                            result
                                .map(|columns| {
                                    let stages: Vec<StageView> = columns
                                        .iter()
                                        .map(|c| c.stage.clone())
                                        .collect();
                                    view! {
                                        <div class="board" data-testid="board">
                                            {columns
                                                .into_iter()
                                                .map(|column| {
                                                    let stage_id = column.stage.id;
                                                    let stages_drop = stages.clone();
                                                    view! {
                                                        <section
                                                            class="board-column"
                                                            data-stage=column.stage.name.clone()
                                                            aria-label=column.stage.name.clone()
                                                            on:dragover=move |ev| ev.prevent_default()
                                                            on:drop=move |ev| {
                                                                ev.prevent_default();
                                                                if let Some((id, from)) = dragging.get_untracked() {
                                                                    dragging.set(None);
                                                                    request(id, from, stage_id, &stages_drop);
                                                                }
                                                            }
                                                        >
                                                            <header class="board-column-head">
                                                                <h2>{column.stage.name.clone()}</h2>
                                                                <p class="muted small">
                                                                    {column.total} " · " {column.amount.clone()} " · "
                                                                    {column.stage.probability} "%"
                                                                </p>
                                                            </header>
                                                            {column
                                                                .cards
                                                                .into_iter()
                                                                .map(|card| {
                                                                    let id = card.id;
                                                                    let from = card.stage_id;
                                                                    let stages_key = stages.clone();
                                                                    view! {
                                                                        <article
                                                                            class="board-card"
                                                                            draggable=if can_write { "true" } else { "false" }
                                                                            data-testid="card"
                                                                            on:dragstart=move |ev: leptos::ev::DragEvent| {
                                                                                dragging.set(Some((id, from)));
                                                                                if let Some(dt) = ev.data_transfer() {
                                                                                    let _ = dt.set_data("text/plain", &id.to_string());
                                                                                }
                                                                            }
                                                                        >
                                                                            <h3>
                                                                                <a href=format!(
                                                                                    "/opportunities/{id}",
                                                                                )>{card.title.clone()}</a>
                                                                            </h3>
                                                                            <p class="small">{card.customer.clone()}</p>
                                                                            <p class="small">
                                                                                <strong>
                                                                                    {format!("{} {}", card.amount, card.currency)}
                                                                                </strong>
                                                                                " · "
                                                                                {card.expected_close.clone()}
                                                                            </p>
                                                                            <p class="small muted">
                                                                                {card.owner.clone().unwrap_or_default()}
                                                                            </p>
                                                                            {can_write
                                                                                .then(|| {
                                                                                    view! {
                                                                                        <MoveControl
                                                                                            id
                                                                                            from
                                                                                            stages=stages_key.clone()
                                                                                            refocus
                                                                                            on_move=move |to, stages: &[StageView]| {
                                                                                                refocus.set(Some(id));
                                                                                                request(id, from, to, stages);
                                                                                            }
                                                                                        />
                                                                                    }
                                                                                })}
                                                                        </article>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </section>
                                                    }
                                                })
                                                .collect_view()}
                                        </div>
                                    }
                                })
                        })
                }}
            </Transition>
        </div>
    }
}

/// A card's keyboard move: the list only chooses the stage (arrow keys in a
/// closed list change it at every press), the button moves the card.
#[component]
fn MoveControl(
    id: i64,
    from: i64,
    stages: Vec<StageView>,
    refocus: RwSignal<Option<i64>>,
    on_move: impl Fn(i64, &[StageView]) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let choice = RwSignal::new(from);
    // Runs once this control is in the page (never on the server).
    Effect::new(move |_| {
        if refocus.get_untracked() == Some(id) {
            refocus.set(None);
            focus_by_id(&format!("move-{id}"));
        }
    });
    let options = stages.clone();
    view! {
        <div class="board-move">
            <label class="small" for=format!("move-{id}")>
                {t!(i18n, crm.move_to)}
            </label>
            <select
                id=format!("move-{id}")
                class="select select-small"
                on:change=move |ev| {
                    if let Ok(to) = event_target_value(&ev).parse::<i64>() {
                        choice.set(to);
                    }
                }
            >
                {options
                    .iter()
                    .map(|s| {
                        view! {
                            <option value=s.id.to_string() selected=s.id == from>
                                {s.name.clone()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button
                type="button"
                class="btn btn-secondary btn-small"
                data-testid="move-card"
                disabled=move || choice.get() == from
                on:click=move |_| on_move(choice.get_untracked(), &stages)
            >
                {t!(i18n, crm.move_card)}
            </button>
        </div>
    }
}

/// Puts the keyboard focus on the element with this id, if it exists.
fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The filters `/opportunities/list` keeps in its address.
const FILTERS: [&str; 5] = ["q", "stage", "owner", "status", "sort"];

/// `/opportunities/list`.
#[component]
pub fn OpportunityListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let stages = Resource::new(
        || (),
        |_| async { api::list_stages().await.unwrap_or_default() },
    );
    let reassign = ServerAction::<api::ReassignOpportunities>::new();
    let found = Resource::new(
        move || {
            (
                query.get("q"),
                query.id("stage"),
                query.id("owner"),
                query.get("status"),
                query.get("sort"),
                query.page(),
                reassign.version().get(),
            )
        },
        |(q, stage, owner, status, sort, page, _)| {
            api::list_opportunities(
                q,
                stage,
                owner,
                None,
                status.unwrap_or_default(),
                sort.unwrap_or_default(),
                page,
            )
        },
    );
    let owners = assignee_options();
    let selected = RwSignal::new(Vec::<i64>::new());
    let errors = Signal::derive(move || reassign.value().get().and_then(Result::err));
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, crm.opportunities) />
            <CrmTabs current="opportunities" />
            <OpportunityNav current="list" />
            <FilterBar action="/opportunities/list">
                <SearchFilter id="opp-search" name="q" label=t!(i18n, crm.search_title) />
                <SelectFilter id="opp-stage" name="stage" label=t!(i18n, crm.stage)>
                    <Transition>
                        {move || {
                            stages
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|s| view! { <option value=s.id.to_string()>{s.name}</option> })
                                .collect_view()
                        }}
                    </Transition>
                </SelectFilter>
                <SelectFilter id="opp-status" name="status" label=t!(i18n, crm.status)>
                    <option value="open">{t!(i18n, crm.open)}</option>
                    <option value="won">{t!(i18n, crm.won)}</option>
                    <option value="lost">{t!(i18n, crm.lost)}</option>
                </SelectFilter>
                <OwnerFilter owners />
                <SelectFilter id="opp-sort" name="sort" label=t!(i18n, crm.sort) any=false>
                    <option value="">{t!(i18n, crm.close_soonest)}</option>
                    <option value="-close">{t!(i18n, crm.close_latest)}</option>
                    <option value="-amount">{t!(i18n, crm.amount_largest)}</option>
                    <option value="title">{t!(i18n, crm.title)}</option>
                    <option value="-created">{t!(i18n, crm.newest)}</option>
                </SelectFilter>
            </FilterBar>
            <ExportCsv
                name="opportunities"
                headers=vec![
                    t_string!(i18n, crm.title).to_owned(),
                    t_string!(i18n, crm.customer).to_owned(),
                    t_string!(i18n, crm.stage).to_owned(),
                    t_string!(i18n, crm.amount).to_owned(),
                    t_string!(i18n, crm.currency).to_owned(),
                    t_string!(i18n, crm.probability).to_owned(),
                    t_string!(i18n, crm.expected_close).to_owned(),
                    t_string!(i18n, crm.owner).to_owned(),
                ]
                run=move |headers| api::export_opportunities(
                    query.get("q"),
                    query.id("stage"),
                    query.id("owner"),
                    None,
                    query.get("status").unwrap_or_default(),
                    query.get("sort").unwrap_or_default(),
                    headers,
                )
            />
            <PagedList
                list=found
                link=query.pager("/opportunities/list", &FILTERS)
                counted=t!(i18n, crm.opportunities_found)
                let:items
            >
                <ListTable head=view! {
                    <SelectAll ids=items.iter().map(|o| o.id).collect() selected />
                    <Col>{t!(i18n, crm.title)}</Col>
                    <Col>{t!(i18n, crm.customer)}</Col>
                    <Col num=true>{t!(i18n, crm.amount)}</Col>
                    <Col>{t!(i18n, crm.stage)}</Col>
                    <Col>{t!(i18n, crm.expected_close)}</Col>
                    <Col>{t!(i18n, crm.owner)}</Col>
                }>
                    {items
                        .into_iter()
                        .map(|o| {
                            view! {
                                <tr>
                                    <SelectRow id=o.id name=o.title.clone() selected />
                                    <td>
                                        <a href=format!("/opportunities/{}", o.id)>{o.title}</a>
                                    </td>
                                    <td>
                                        <a href=format!(
                                            "/customers/{}",
                                            o.customer_id,
                                        )>{o.customer}</a>
                                    </td>
                                    <td class="num">
                                        <Money amount=o.amount currency=o.currency />
                                    </td>
                                    <td>{o.stage} " (" {o.probability} "%)"</td>
                                    <td>{o.expected_close}</td>
                                    <td>{o.owner.unwrap_or_default()}</td>
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
                select_id="opp-bulk-owner"
                on_reassign=move |owner_id: i64| {
                    reassign
                        .dispatch(api::ReassignOpportunities {
                            ids: selected.get_untracked(),
                            owner_id,
                        });
                }
            />
        </div>
    }
}

#[component]
fn OpportunityFields(
    form: RwSignal<OpportunityForm>,
    errors: Signal<Option<crate::error::AppError>>,
    with_stage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = assignee_options();
    let stages = Resource::new(
        || (),
        |_| async { api::list_stages().await.unwrap_or_default() },
    );
    let contacts = Resource::new(
        move || form.read().customer_id,
        |id| async move {
            if id > 0 {
                api::contact_choices(id).await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    view! {
        {text_field!(form, errors, "opp-title", title, t!(i18n, crm.title), "text")}
        {text_field!(form, errors, "opp-amount", amount, t!(i18n, crm.amount), "text")}
        {text_field!(form, errors, "opp-currency", currency, t!(i18n, crm.currency), "text")}
        {text_field!(
            form, errors, "opp-close", expected_close, t!(i18n, crm.expected_close), "date"
        )}
        {with_stage
            .then(|| {
                view! {
                    <div class="field">
                        <label for="opp-stage-input">{t!(i18n, crm.stage)}</label>
                        <select
                            id="opp-stage-input"
                            class="select"
                            on:change=move |ev| {
                                form.update(|f| f.stage_id = event_target_value(&ev).parse().ok())
                            }
                        >
                            <Transition>
                                {move || {
                                    stages
                                        .get()
                                        .unwrap_or_default()
                                        .into_iter()
                                        .filter(|s| !s.is_won && !s.is_lost)
                                        .map(|s| {
                                            view! {
                                                <option value=s
                                                    .id
                                                    .to_string()>
                                                    {format!("{} ({}%)", s.name, s.probability)}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                }}
                            </Transition>
                        </select>
                    </div>
                }
            })}
        {text_field!(
            form, errors, "opp-probability", probability, t!(i18n, crm.probability), "number"
        )}
        <div class="field">
            <label for="opp-contact">{t!(i18n, crm.contact)}</label>
            <select
                id="opp-contact"
                class="select"
                prop:value=move || form.read().contact_id.map(|c| c.to_string()).unwrap_or_default()
                on:change=move |ev| {
                    form.update(|f| f.contact_id = event_target_value(&ev).parse().ok())
                }
            >
                <option value="">"—"</option>
                <Transition>
                    {move || {
                        contacts
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                            .collect_view()
                    }}
                </Transition>
            </select>
            <FieldError errors field="contact_id" />
        </div>
        <OwnerField
            id="opp-owner"
            owners
            errors
            value=move || form.read().owner_id
            on_change={move |owner: Option<i64>| form.update(|f| f.owner_id = owner)}
        />
    }
}

/// `/opportunities/new?customer=ID`.
#[component]
pub fn NewOpportunityPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let preset = query
        .read_untracked()
        .get("customer")
        .and_then(|c| c.parse::<i64>().ok())
        .unwrap_or(0);
    let form = RwSignal::new(OpportunityForm {
        customer_id: preset,
        currency: "EUR".into(),
        ..Default::default()
    });
    let create = ServerAction::<api::CreateOpportunity>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let search = RwSignal::new(String::new());
    let matches = customer_matches(search);
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let _ = window()
                .location()
                .set_href(&format!("/opportunities/{id}"));
        }
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, crm.new_opportunity).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, crm.new_opportunity)}</h1>
            </header>
            <form
                class="card"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    create
                        .dispatch(api::CreateOpportunity {
                            form: form.get_untracked(),
                        });
                }
            >
                {(preset == 0)
                    .then(|| {
                        view! {
                            <div class="field">
                                <label for="opp-customer-search">
                                    {t!(i18n, crm.find_customer)}
                                </label>
                                <input
                                    id="opp-customer-search"
                                    class="input"
                                    type="search"
                                    prop:value=move || search.get()
                                    on:input=move |ev| search.set(event_target_value(&ev))
                                />
                                <label for="opp-customer">{t!(i18n, crm.customer)}</label>
                                <select
                                    id="opp-customer"
                                    class="select"
                                    on:change=move |ev| {
                                        form.update(|f| {
                                            f.customer_id = event_target_value(&ev)
                                                .parse()
                                                .unwrap_or(0);
                                        })
                                    }
                                >
                                    <option value="">"—"</option>
                                    <Transition>
                                        {move || {
                                            matches
                                                .get()
                                                .unwrap_or_default()
                                                .into_iter()
                                                .map(|c| {
                                                    view! { <option value=c.id.to_string()>{c.name}</option> }
                                                })
                                                .collect_view()
                                        }}
                                    </Transition>
                                </select>
                                <FieldError errors field="customer_id" />
                            </div>
                        }
                    })}
                <OpportunityFields form errors with_stage=true />
                <FormErrors errors field="form" />
                <button
                    type="submit"
                    class="btn btn-primary"
                    disabled=move || create.pending().get()
                >
                    {t!(i18n, crm.save_opportunity)}
                </button>
            </form>
        </div>
    }
}

/// `/opportunities/:id`.
#[component]
pub fn OpportunityPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let mover = ServerAction::<api::MoveOpportunity>::new();
    let update = ServerAction::<api::UpdateOpportunity>::new();
    let opportunity = Resource::new(
        move || (id(), mover.version().get(), update.version().get()),
        |(id, _, _)| api::get_opportunity(id),
    );
    let stages = Resource::new(
        || (),
        |_| async { api::list_stages().await.unwrap_or_default() },
    );
    let form = RwSignal::new(OpportunityForm::default());
    Effect::new(move |_| {
        if let Some(Ok(o)) = opportunity.get() {
            form.set(OpportunityForm {
                customer_id: o.row.customer_id,
                contact_id: o.contact_id,
                title: o.row.title.clone(),
                amount: o.amount_plain.clone(),
                currency: o.row.currency.clone(),
                expected_close: o.row.expected_close.clone(),
                stage_id: Some(o.row.stage_id),
                probability: o.row.probability.to_string(),
                owner_id: o.row.owner_id,
            });
        }
    });
    let target = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let move_errors = Signal::derive(move || mover.value().get().and_then(Result::err));
    let update_errors = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, crm.opportunity).to_owned()
        }) />
        <div class="page">
            <Transition fallback=loading>
                {move || {
                    opportunity
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(o) => {
                                let from = o.row.stage_id;
                                let customer_id = o.row.customer_id;
                                let opportunity_id = o.row.id;
                                view! {
                                    <header class="page-header">
                                        <h1>{o.row.title.clone()}</h1>
                                        <p class="muted">
                                            <a href=format!(
                                                "/customers/{customer_id}",
                                            )>{o.row.customer.clone()}</a>
                                            " · "
                                            <span class="badge" data-testid="opportunity-stage">
                                                {o.row.stage.clone()}
                                            </span>
                                        </p>
                                    </header>
                                    <div class="grid grid-main-side">
                                        <section class="card">
                                            <dl class="facts">
                                                <dt>{t!(i18n, crm.amount)}</dt>
                                                <dd>{format!("{} {}", o.row.amount, o.row.currency)}</dd>
                                                <dt>{t!(i18n, crm.probability)}</dt>
                                                <dd>{o.row.probability} "%"</dd>
                                                <dt>{t!(i18n, crm.expected_close)}</dt>
                                                <dd>{o.row.expected_close.clone()}</dd>
                                                <dt>{t!(i18n, crm.owner)}</dt>
                                                <dd>{o.row.owner.clone().unwrap_or_default()}</dd>
                                                {(!o.row.lost_reason.is_empty())
                                                    .then(|| {
                                                        view! {
                                                            <dt>{t!(i18n, crm.lost_reason)}</dt>
                                                            <dd>{o.row.lost_reason.clone()}</dd>
                                                        }
                                                    })}
                                            </dl>
                                        </section>
                                        {o
                                            .can_write
                                            .then(|| {
                                                view! {
                                                    <form
                                                        class="card"
                                                        novalidate
                                                        on:submit=move |ev| {
                                                            ev.prevent_default();
                                                            if let Ok(to) = target.get_untracked().parse() {
                                                                mover
                                                                    .dispatch(api::MoveOpportunity {
                                                                        id: opportunity_id,
                                                                        from,
                                                                        to,
                                                                        lost_reason: reason.get_untracked(),
                                                                    });
                                                            }
                                                        }
                                                    >
                                                        <h2 class="card-title">{t!(i18n, crm.move_to)}</h2>
                                                        <div class="field">
                                                            <label for="opp-move">{t!(i18n, crm.stage)}</label>
                                                            <select
                                                                id="opp-move"
                                                                class="select"
                                                                on:change=move |ev| target.set(event_target_value(&ev))
                                                            >
                                                                <option value="">"—"</option>
                                                                <Transition>
                                                                    {move || {
                                                                        stages
                                                                            .get()
                                                                            .unwrap_or_default()
                                                                            .into_iter()
                                                                            .filter(|s| s.id != from)
                                                                            .map(|s| {
                                                                                view! { <option value=s.id.to_string()>{s.name}</option> }
                                                                            })
                                                                            .collect_view()
                                                                    }}
                                                                </Transition>
                                                            </select>
                                                        </div>
                                                        <div class="field">
                                                            <label for="opp-lost-reason">
                                                                {t!(i18n, crm.lost_reason_if_lost)}
                                                            </label>
                                                            <input
                                                                id="opp-lost-reason"
                                                                class="input"
                                                                type="text"
                                                                prop:value=move || reason.get()
                                                                on:input=move |ev| reason.set(event_target_value(&ev))
                                                            />
                                                            <FieldError errors=move_errors field="lost_reason" />
                                                        </div>
                                                        <FormErrors errors=move_errors field="form" />
                                                        <button type="submit" class="btn btn-primary">
                                                            {t!(i18n, crm.move_card)}
                                                        </button>
                                                    </form>
                                                }
                                            })}
                                    </div>
                                    {o
                                        .can_write
                                        .then(|| {
                                            view! {
                                                <form
                                                    class="card"
                                                    novalidate
                                                    on:submit=move |ev| {
                                                        ev.prevent_default();
                                                        update
                                                            .dispatch(api::UpdateOpportunity {
                                                                id: opportunity_id,
                                                                form: form.get_untracked(),
                                                            });
                                                    }
                                                >
                                                    <h2 class="card-title">{t!(i18n, crm.edit_opportunity)}</h2>
                                                    <OpportunityFields
                                                        form
                                                        errors=update_errors
                                                        with_stage=false
                                                    />
                                                    <FormErrors errors=update_errors field="form" />
                                                    <button type="submit" class="btn btn-secondary">
                                                        {t!(i18n, common.save)}
                                                    </button>
                                                </form>
                                            }
                                        })}
                                    <section class="card">
                                        <h2 class="card-title">{t!(i18n, crm.activities)}</h2>
                                        <ActivityList
                                            customer_id=Some(customer_id)
                                            opportunity_id=Some(opportunity_id)
                                        />
                                        <LogActivity
                                            customer_id
                                            opportunity_id=Some(opportunity_id)
                                        />
                                    </section>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/opportunities/forecast?whose=mine|team|all`.
#[component]
pub fn ForecastPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let rows = Resource::new(
        move || query.get("whose").unwrap_or_else(|| "mine".into()),
        api::forecast,
    );
    let all = use_me().is_some_and(|m| m.can("opportunities.read_all"));
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, crm.forecast) />
            <CrmTabs current="opportunities" />
            <OpportunityNav current="forecast" />
            <FilterBar>
                <SelectFilter
                    id="forecast-whose"
                    name="whose"
                    label=t!(i18n, crm.whose)
                    any=false
                    unset="mine"
                >
                    <option value="mine">{t!(i18n, crm.mine)}</option>
                    <option value="team">{t!(i18n, crm.my_team)}</option>
                    {all.then(|| view! { <option value="all">{t!(i18n, crm.everyone)}</option> })}
                </SelectFilter>
            </FilterBar>
            <p class="muted small">{t!(i18n, crm.forecast_help)}</p>
            <Transition fallback=loading>
                {move || {
                    rows.get()
                        .map(|result| {
                            result
                                .map(|rows| {
                                    view! {
                                        <ListTable
                                            testid="forecast"
                                            head=view! {
                                                <Col>{t!(i18n, crm.month)}</Col>
                                                <Col>{t!(i18n, crm.currency)}</Col>
                                                <Col num=true>{t!(i18n, crm.open_deals)}</Col>
                                                <Col num=true>{t!(i18n, crm.pipeline)}</Col>
                                                <Col num=true>{t!(i18n, crm.weighted)}</Col>
                                                <Col num=true>{t!(i18n, crm.won)}</Col>
                                            }
                                        >
                                            {rows
                                                .into_iter()
                                                .map(|r| {
                                                    view! {
                                                        <tr>
                                                            <td>{r.month}</td>
                                                            <td>{r.currency}</td>
                                                            <td class="num">{r.open_count}</td>
                                                            <td class="num">{r.open}</td>
                                                            <td class="num">
                                                                <strong>{r.weighted}</strong>
                                                            </td>
                                                            <td class="num">{r.won}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </ListTable>
                                    }
                                })
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/opportunities/stages`: managers configure the pipeline.
#[component]
pub fn StagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateStage>::new();
    let update = ServerAction::<api::UpdateStage>::new();
    let reorder = ServerAction::<api::ReorderStage>::new();
    let delete = ServerAction::<api::DeleteStage>::new();
    let stages = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                reorder.version().get(),
                delete.version().get(),
            )
        },
        |_| api::list_stages(),
    );
    let form = RwSignal::new(StageForm {
        probability: 50,
        ..Default::default()
    });
    let create_errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let errors = Signal::derive(move || {
        update
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
    });
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, crm.stages) />
            <CrmTabs current="opportunities" />
            <OpportunityNav current="stages" />
            <FormErrors errors field="form" />
            <FormErrors errors field="is_won" />
            <Transition fallback=loading>
                {move || {
                    stages
                        .get()
                        .map(|result| {
                            result
                                .map(|list| {
                                    view! {
                                        <ListTable head=view! {
                                            <Col>{t!(i18n, admin.name)}</Col>
                                            <Col>{t!(i18n, crm.probability)}</Col>
                                            <Col>{t!(i18n, crm.won)}</Col>
                                            <Col>{t!(i18n, crm.lost)}</Col>
                                            <Col>{t!(i18n, common.actions)}</Col>
                                        }>
                                            {list
                                                .into_iter()
                                                .map(|s| {
                                                    let row = RwSignal::new(StageForm {
                                                        name: s.name.clone(),
                                                        probability: s.probability,
                                                        is_won: s.is_won,
                                                        is_lost: s.is_lost,
                                                    });
                                                    let id = s.id;
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <input
                                                                    class="input"
                                                                    type="text"
                                                                    aria-label=move || t_string!(i18n, admin.name)
                                                                    prop:value=move || row.read().name.clone()
                                                                    on:change=move |ev| {
                                                                        row.update(|r| r.name = event_target_value(&ev))
                                                                    }
                                                                />
                                                            </td>
                                                            <td>
                                                                <input
                                                                    class="input input-narrow"
                                                                    type="number"
                                                                    min="0"
                                                                    max="100"
                                                                    aria-label=move || t_string!(i18n, crm.probability)
                                                                    prop:value=move || row.read().probability.to_string()
                                                                    on:change=move |ev| {
                                                                        row.update(|r| {
                                                                            r.probability = event_target_value(&ev)
                                                                                .parse()
                                                                                .unwrap_or(-1);
                                                                        })
                                                                    }
                                                                />
                                                            </td>
                                                            <td>
                                                                <input
                                                                    type="checkbox"
                                                                    aria-label=move || t_string!(i18n, crm.won)
                                                                    prop:checked=move || row.read().is_won
                                                                    on:change=move |ev| {
                                                                        row.update(|r| r.is_won = event_target_checked(&ev))
                                                                    }
                                                                />
                                                            </td>
                                                            <td>
                                                                <input
                                                                    type="checkbox"
                                                                    aria-label=move || t_string!(i18n, crm.lost)
                                                                    prop:checked=move || row.read().is_lost
                                                                    on:change=move |ev| {
                                                                        row.update(|r| r.is_lost = event_target_checked(&ev))
                                                                    }
                                                                />
                                                            </td>
                                                            <td class="actions">
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-secondary small"
                                                                    on:click=move |_| {
                                                                        update
                                                                            .dispatch(api::UpdateStage {
                                                                                id,
                                                                                form: row.get_untracked(),
                                                                            });
                                                                    }
                                                                >
                                                                    {t!(i18n, common.save)}
                                                                </button>
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-ghost small"
                                                                    aria-label=move || t_string!(i18n, crm.move_up)
                                                                    on:click=move |_| {
                                                                        reorder.dispatch(api::ReorderStage { id, up: true });
                                                                    }
                                                                >
                                                                    "↑"
                                                                </button>
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-ghost small"
                                                                    aria-label=move || t_string!(i18n, crm.move_down)
                                                                    on:click=move |_| {
                                                                        reorder.dispatch(api::ReorderStage { id, up: false });
                                                                    }
                                                                >
                                                                    "↓"
                                                                </button>
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-ghost small"
                                                                    on:click=move |_| {
                                                                        delete.dispatch(api::DeleteStage { id });
                                                                    }
                                                                >
                                                                    {t!(i18n, crm.remove)}
                                                                </button>
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </ListTable>
                                    }
                                })
                        })
                }}
            </Transition>
            <form
                class="card"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    create
                        .dispatch(api::CreateStage {
                            form: form.get_untracked(),
                        });
                }
            >
                <h2 class="card-title">{t!(i18n, crm.add_stage)}</h2>
                {text_field!(form, create_errors, "stage-name", name, t!(i18n, admin.name), "text")}
                <div class="field">
                    <label for="stage-probability">{t!(i18n, crm.probability)}</label>
                    <input
                        id="stage-probability"
                        class="input"
                        type="number"
                        min="0"
                        max="100"
                        prop:value=move || form.read().probability.to_string()
                        on:change=move |ev| {
                            form.update(|f| {
                                f.probability = event_target_value(&ev).parse().unwrap_or(-1);
                            })
                        }
                    />
                    <FieldError errors=create_errors field="probability" />
                </div>
                <div class="check">
                    <input
                        id="stage-won"
                        type="checkbox"
                        prop:checked=move || form.read().is_won
                        on:change=move |ev| form.update(|f| f.is_won = event_target_checked(&ev))
                    />
                    <label for="stage-won">{t!(i18n, crm.won)}</label>
                </div>
                <div class="check">
                    <input
                        id="stage-lost"
                        type="checkbox"
                        prop:checked=move || form.read().is_lost
                        on:change=move |ev| form.update(|f| f.is_lost = event_target_checked(&ev))
                    />
                    <label for="stage-lost">{t!(i18n, crm.lost)}</label>
                </div>
                <FieldError errors=create_errors field="is_won" />
                <FormErrors errors=create_errors field="form" />
                <button type="submit" class="btn btn-primary">
                    {t!(i18n, crm.add_stage)}
                </button>
            </form>
        </div>
    }
}
