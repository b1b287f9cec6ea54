//! `/tickets` (queues and filters, all in the URL), `/tickets/new` and
//! `/tickets/:id` (the conversation, SLA clocks, assignment, returns and
//! credits, with the ERP panel of the customer beside it).

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::{
    api, channel_label, kind_label, priority_label, status_label, types::*, ServiceTabs, CHANNELS,
    KINDS, PRIORITIES, STATUSES,
};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, query_string, use_list_query, Col, Empty, FilterBar, HiddenFilters,
        ListTable, Options, PageHeader, PagedList, SearchFilter, SelectFilter,
    },
    erp::{state_label, DynFieldError},
    i18n::*,
};

const FILTERS: [&str; 8] = [
    "view", "status", "priority", "kind", "channel", "queue", "customer", "q",
];

/// `/tickets`.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let view_name = move || query.get("view").unwrap_or_else(|| "mine".into());
    let filter = move || TicketQuery {
        view: view_name(),
        status: query.get("status").unwrap_or_default(),
        priority: query.get("priority").unwrap_or_default(),
        kind: query.get("kind").unwrap_or_default(),
        channel: query.get("channel").unwrap_or_default(),
        queue: query.id("queue"),
        customer: query.id("customer"),
        q: query.get("q").unwrap_or_default(),
        page: query.page(),
    };
    let list = Resource::new(filter, api::list_tickets);
    let queues = Resource::new(|| (), |_| api::list_queues());
    let away_action = ServerAction::<api::SetAway>::new();
    let away = Resource::new(move || away_action.version().get(), |_| api::am_away());
    let link_with = move |changes: &[(&str, Option<String>)]| {
        let pairs: Vec<(&str, Option<String>)> = FILTERS
            .iter()
            .map(|k| {
                let v = changes
                    .iter()
                    .find(|(c, _)| c == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| query.get(k));
                (*k, v)
            })
            .collect();
        format!("/tickets{}", query_string(&pairs))
    };
    let me = crate::auth::use_me();
    let can_write = me.as_ref().is_some_and(|m| m.can("tickets.write"));
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, service.tickets)>
                <Transition fallback=|| ()>
                    {move || {
                        away.get()
                            .and_then(Result::ok)
                            .map(|is_away| {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-secondary"
                                        data-testid="away-toggle"
                                        aria-pressed=is_away.to_string()
                                        on:click=move |_| {
                                            away_action.dispatch(api::SetAway { away: !is_away });
                                        }
                                    >
                                        {if is_away {
                                            t_string!(i18n, service.back_again)
                                        } else {
                                            t_string!(i18n, service.go_away)
                                        }}
                                    </button>
                                }
                            })
                    }}
                </Transition>
            </PageHeader>
            <ServiceTabs current="tickets" />
            <nav class="tabs" aria-label=move || t_string!(i18n, service.views)>
                {[
                    ("mine", t_string!(i18n, service.v_mine)),
                    ("unassigned", t_string!(i18n, service.v_unassigned)),
                    ("breaching", t_string!(i18n, service.v_breaching)),
                    ("all", t_string!(i18n, service.v_all)),
                ]
                    .into_iter()
                    .map(|(key, label)| {
                        view! {
                            <a
                                class="tab"
                                href=move || link_with(&[("view", Some(key.to_owned()))])
                                aria-current=move || (view_name() == key).then_some("page")
                            >
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <FilterBar>
                <input type="hidden" name="view" prop:value=view_name />
                <SearchFilter id="t-q" name="q" label=t!(i18n, service.search) />
                <SelectFilter id="t-status" name="status" label=t!(i18n, crm.status) any=false>
                    <option value="">{t!(i18n, service.active_any)}</option>
                    <Options values=&STATUSES label=status_label />
                </SelectFilter>
                <SelectFilter id="t-priority" name="priority" label=t!(i18n, service.priority)>
                    <Options values=&PRIORITIES label=priority_label />
                </SelectFilter>
                <SelectFilter id="t-kind" name="kind" label=t!(i18n, service.kind)>
                    <Options values=&KINDS label=kind_label />
                </SelectFilter>
                <SelectFilter id="t-channel" name="channel" label=t!(i18n, service.channel)>
                    <Options values=&CHANNELS label=channel_label />
                </SelectFilter>
                <SelectFilter id="t-queue" name="queue" label=t!(i18n, service.queue)>
                    <Transition fallback=|| ()>
                        {move || {
                            queues
                                .get()
                                .and_then(Result::ok)
                                .map(|qs| {
                                    qs.into_iter()
                                        .map(|q| {
                                            view! { <option value=q.id.to_string()>{q.name}</option> }
                                        })
                                        .collect_view()
                                })
                        }}
                    </Transition>
                </SelectFilter>
                <HiddenFilters keys=&["customer"] />
            </FilterBar>
            <ExportCsv
                name="tickets"
                headers=vec![
                    t_string!(i18n, erp.number).to_owned(),
                    t_string!(i18n, service.subject).to_owned(),
                    t_string!(i18n, crm.customer).to_owned(),
                    t_string!(i18n, crm.status).to_owned(),
                    t_string!(i18n, service.priority).to_owned(),
                    t_string!(i18n, service.kind).to_owned(),
                    t_string!(i18n, service.channel).to_owned(),
                    t_string!(i18n, service.queue).to_owned(),
                    t_string!(i18n, service.assignee).to_owned(),
                    t_string!(i18n, service.due).to_owned(),
                    t_string!(i18n, service.breached).to_owned(),
                    t_string!(i18n, service.created).to_owned(),
                ]
                run=move |headers| api::export_tickets(filter(), headers)
            />
            {can_write.then(|| view! { <p class="muted small">{t!(i18n, service.new_hint)}</p> })}
            <PagedList
                list
                link=query.pager("/tickets", &FILTERS)
                counted=t!(i18n, service.tickets_found)
                count_testid="ticket-count"
                let:items
            >
                <TicketTable rows=items show_customer=true />
            </PagedList>
        </div>
    }
}

/// A table of tickets.
#[component]
pub fn TicketTable(rows: Vec<TicketRow>, show_customer: bool) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <Empty>{t!(i18n, service.no_tickets)}</Empty> }.into_any();
    }
    view! {
        <ListTable
            testid="tickets"
            head=view! {
                <Col>{t!(i18n, erp.number)}</Col>
                <Col>{t!(i18n, service.subject)}</Col>
                {show_customer.then(|| view! { <Col>{t!(i18n, crm.customer)}</Col> })}
                <Col>{t!(i18n, crm.status)}</Col>
                <Col>{t!(i18n, service.priority)}</Col>
                <Col>{t!(i18n, service.kind)}</Col>
                <Col>{t!(i18n, service.assignee)}</Col>
                <Col>{t!(i18n, service.due)}</Col>
            }
        >
            {rows
                .into_iter()
                .map(|r| {
                    view! {
                        <tr>
                            <td>
                                <a href=format!("/tickets/{}", r.id)>
                                    <code>{r.number}</code>
                                </a>
                            </td>
                            <td>{r.subject}</td>
                            {show_customer
                                .then(|| {
                                    view! {
                                        <td>
                                            <a href=format!(
                                                "/customers/{}",
                                                r.customer_id,
                                            )>{r.customer}</a>
                                        </td>
                                    }
                                })}
                            <td>
                                <span class="badge" data-state=r.status.clone()>
                                    {status_label(&r.status, i18n)}
                                </span>
                            </td>
                            <td>{priority_label(&r.priority, i18n)}</td>
                            <td>
                                {kind_label(&r.kind, i18n)} " · " {channel_label(&r.channel, i18n)}
                            </td>
                            <td>
                                {if r.assignee.is_empty() { "—".to_owned() } else { r.assignee }}
                            </td>
                            <td class="small">
                                {r
                                    .breached
                                    .then(|| {
                                        view! {
                                            <span class="badge badge-danger">
                                                {t!(i18n, service.breached)}
                                            </span>
                                            " "
                                        }
                                    })} {r.due}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
    .into_any()
}

/// `/tickets/new?customer=ID`.
#[component]
pub fn NewTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let customer = move || query.id("customer");
    let create = ServerAction::<api::CreateTicket>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/tickets/{id}"), Default::default());
        }
    });
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let form = RwSignal::new(TicketForm {
        kind: "question".into(),
        channel: "phone".into(),
        priority: "normal".into(),
        ..Default::default()
    });
    let queues = Resource::new(|| (), |_| api::list_queues());
    let text = move |f: fn(&mut TicketForm) -> &mut String| {
        move |ev: leptos::ev::Event| form.update(|v| *f(v) = event_target_value(&ev))
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.new_ticket).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, service.new_ticket)}</h1>
            </header>
            <ServiceTabs current="tickets" />
            {move || match customer() {
                None => {
                    view! {
                        <p class="muted">
                            {t!(i18n, service.pick_customer_first)} " "
                            <a href="/customers">{t!(i18n, nav.customers)}</a>
                        </p>
                    }
                        .into_any()
                }
                Some(customer_id) => {
                    view! {
                        <form
                            class="card"
                            novalidate
                            data-testid="ticket-form"
                            on:submit=move |ev| {
                                ev.prevent_default();
                                let mut f = form.get_untracked();
                                f.customer_id = Some(customer_id);
                                create.dispatch(api::CreateTicket { form: f });
                            }
                        >
                            <div class="field">
                                <label for="nt-subject">{t!(i18n, service.subject)}</label>
                                <input
                                    id="nt-subject"
                                    class="input"
                                    required
                                    on:change=text(|f| &mut f.subject)
                                />
                                <FieldError errors field="subject" />
                            </div>
                            <div class="field">
                                <label for="nt-description">{t!(i18n, service.description)}</label>
                                <textarea
                                    id="nt-description"
                                    class="input"
                                    rows="5"
                                    on:change=text(|f| &mut f.description)
                                ></textarea>
                                <FieldError errors field="description" />
                            </div>
                            <div class="grid-2">
                                <div class="field">
                                    <label for="nt-kind">{t!(i18n, service.kind)}</label>
                                    <select
                                        id="nt-kind"
                                        class="select"
                                        prop:value=move || form.with(|f| f.kind.clone())
                                        on:change=text(|f| &mut f.kind)
                                    >
                                        {KINDS
                                            .into_iter()
                                            .map(|s| {
                                                view! { <option value=s>{kind_label(s, i18n)}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                    <FieldError errors field="kind" />
                                </div>
                                <div class="field">
                                    <label for="nt-channel">{t!(i18n, service.channel)}</label>
                                    <select
                                        id="nt-channel"
                                        class="select"
                                        prop:value=move || form.with(|f| f.channel.clone())
                                        on:change=text(|f| &mut f.channel)
                                    >
                                        {CHANNELS
                                            .into_iter()
                                            .map(|s| {
                                                view! { <option value=s>{channel_label(s, i18n)}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                    <FieldError errors field="channel" />
                                </div>
                                <div class="field">
                                    <label for="nt-priority">{t!(i18n, service.priority)}</label>
                                    <select
                                        id="nt-priority"
                                        class="select"
                                        prop:value=move || form.with(|f| f.priority.clone())
                                        on:change=text(|f| &mut f.priority)
                                    >
                                        {PRIORITIES
                                            .into_iter()
                                            .map(|s| {
                                                view! { <option value=s>{priority_label(s, i18n)}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                    <FieldError errors field="priority" />
                                </div>
                                <div class="field">
                                    <label for="nt-queue">{t!(i18n, service.queue)}</label>
                                    <select
                                        id="nt-queue"
                                        class="select"
                                        on:change=move |ev| {
                                            form.update(|f| {
                                                f.queue_id = event_target_value(&ev).parse().ok();
                                            })
                                        }
                                    >
                                        <option value="">{t!(i18n, service.no_queue)}</option>
                                        <Transition fallback=|| ()>
                                            {move || {
                                                queues
                                                    .get()
                                                    .and_then(Result::ok)
                                                    .map(|qs| {
                                                        qs.into_iter()
                                                            .map(|q| {
                                                                view! { <option value=q.id.to_string()>{q.name}</option> }
                                                            })
                                                            .collect_view()
                                                    })
                                            }}
                                        </Transition>
                                    </select>
                                    <FieldError errors field="queue_id" />
                                </div>
                                <div class="field">
                                    <label for="nt-requester">{t!(i18n, service.requester)}</label>
                                    <input
                                        id="nt-requester"
                                        class="input"
                                        on:change=text(|f| &mut f.requester_name)
                                    />
                                    <FieldError errors field="requester_name" />
                                </div>
                                <div class="field">
                                    <label for="nt-email">
                                        {t!(i18n, service.requester_email)}
                                    </label>
                                    <input
                                        id="nt-email"
                                        class="input"
                                        type="email"
                                        on:change=text(|f| &mut f.requester_email)
                                    />
                                    <FieldError errors field="requester_email" />
                                </div>
                            </div>
                            <div class="field">
                                <label for="nt-tags">{t!(i18n, service.tags)}</label>
                                <input id="nt-tags" class="input" on:change=text(|f| &mut f.tags) />
                                <FieldError errors field="tags" />
                            </div>
                            <FormErrors errors field="customer_id" />
                            <FormErrors errors field="form" />
                            <button
                                type="submit"
                                class="btn btn-primary"
                                disabled=move || create.pending().get()
                            >
                                {t!(i18n, service.create_ticket)}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// `/tickets/:id`.
#[component]
pub fn TicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let status = ServerAction::<api::SetTicketStatus>::new();
    let comment = ServerAction::<api::CommentTicket>::new();
    let assign = ServerAction::<api::AssignTicket>::new();
    let update = ServerAction::<api::UpdateTicket>::new();
    let request = ServerAction::<api::RequestReturn>::new();
    let approve = ServerAction::<api::ApproveReturn>::new();
    let reject = ServerAction::<api::RejectReturn>::new();
    let credit = ServerAction::<api::CreditComplaint>::new();
    let version = move || {
        (
            status.version().get(),
            comment.version().get(),
            assign.version().get(),
            update.version().get(),
            request.version().get(),
            approve.version().get() + reject.version().get() + credit.version().get(),
        )
    };
    let ticket = Resource::new(move || (id(), version()), |(id, _)| api::get_ticket(id));
    let panel = Resource::new(move || (id(), version()), |(id, _)| api::ticket_panel(id));
    let actions = Actions {
        status,
        comment,
        assign,
        update,
        request,
        approve,
        reject,
        credit,
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, service.ticket).to_owned()
        }) />
        <div class="page">
            <ServiceTabs current="tickets" />
            <Transition fallback=loading>
                {move || {
                    ticket
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(v) => view! { <TicketBody v panel actions /> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    status: ServerAction<api::SetTicketStatus>,
    comment: ServerAction<api::CommentTicket>,
    assign: ServerAction<api::AssignTicket>,
    update: ServerAction<api::UpdateTicket>,
    request: ServerAction<api::RequestReturn>,
    approve: ServerAction<api::ApproveReturn>,
    reject: ServerAction<api::RejectReturn>,
    credit: ServerAction<api::CreditComplaint>,
}

/// The clock's words.
fn clock_text(c: &ClockView, i18n: leptos_i18n::I18nContext<Locale>) -> String {
    match c.state.as_str() {
        "running" => format!(
            "{} {} · {} {}",
            t_string!(i18n, service.due),
            c.at,
            t_string!(i18n, service.left),
            c.left
        ),
        "paused" => format!(
            "{} · {} {}",
            t_string!(i18n, service.paused),
            t_string!(i18n, service.left),
            c.left
        ),
        "met" => format!("{} {}", t_string!(i18n, service.met_at), c.at),
        _ => t_string!(i18n, service.no_sla).to_owned(),
    }
}

#[component]
fn TicketBody(
    v: TicketView,
    panel: Resource<Result<PanelView, crate::error::AppError>>,
    actions: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    let Actions {
        status,
        comment,
        assign,
        update,
        request,
        approve,
        reject,
        credit,
    } = actions;
    let r = v.row.clone();
    let ticket_id = r.id;
    let status_errors = Signal::derive(move || status.value().get().and_then(Result::err));
    let comment_errors = Signal::derive(move || comment.value().get().and_then(Result::err));
    let assign_errors = Signal::derive(move || assign.value().get().and_then(Result::err));
    let update_errors = Signal::derive(move || update.value().get().and_then(Result::err));
    let request_errors = Signal::derive(move || request.value().get().and_then(Result::err));
    let decide_errors = Signal::derive(move || {
        approve
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reject.value().get().and_then(Result::err))
    });
    let credit_errors = Signal::derive(move || credit.value().get().and_then(Result::err));
    let reply = RwSignal::new(String::new());
    let public = RwSignal::new(true);
    let related = Resource::new(
        move || reply.get(),
        |text| async move {
            if text.trim().len() < 12 {
                Ok(Vec::new())
            } else {
                api::related_articles(text).await
            }
        },
    );
    let edit = RwSignal::new(TicketEdit {
        kind: r.kind.clone(),
        priority: r.priority.clone(),
        subject: r.subject.clone(),
        order_id: v.order.as_ref().map(|o| o.0),
        shipment_id: v.shipment.as_ref().map(|s| s.0),
        tags: v.tags.clone(),
    });
    let queues = Resource::new(|| (), |_| api::list_queues());
    let queue_pick = RwSignal::new(v.queue_id);
    let assignee_pick = RwSignal::new(v.assignee_id);
    let next: Vec<&'static str> = match r.status.as_str() {
        "new" => vec!["open", "waiting", "resolved", "closed"],
        "open" => vec!["waiting", "resolved", "closed"],
        "waiting" => vec!["open", "resolved", "closed"],
        "resolved" => vec!["open", "closed"],
        _ => vec!["open"],
    };
    let is_return = r.kind == "return";
    let is_complaint = r.kind == "complaint";
    let can_write = v.can_write;
    let can_returns = v.can_returns;
    let return_order = RwSignal::new(v.order.as_ref().map(|o| o.0));
    let return_qty: RwSignal<Vec<(i64, String)>> = RwSignal::new(Vec::new());
    let return_reason = RwSignal::new(String::new());
    let return_warehouse: RwSignal<Option<i64>> = RwSignal::new(None);
    let warehouses = Resource::new(|| (), |_| api::return_warehouses());
    let credit_invoice: RwSignal<Option<i64>> = RwSignal::new(None);
    let credit_reason = RwSignal::new(String::new());
    view! {
        <header class="page-header">
            <h1>
                <code data-testid="ticket-number">{r.number.clone()}</code>
                " "
                {r.subject.clone()}
            </h1>
            <p>
                <span class="badge" data-testid="ticket-status" data-state=r.status.clone()>
                    {status_label(&r.status, i18n)}
                </span>
                " "
                <span class="badge">{priority_label(&r.priority, i18n)}</span>
                " "
                {kind_label(&r.kind, i18n)}
                " · "
                {channel_label(&r.channel, i18n)}
                " · "
                <a href=format!("/customers/{}?tab=tickets", r.customer_id)>{r.customer.clone()}</a>
                {(!v.requester.is_empty())
                    .then(|| {
                        view! {
                            " · "
                            {v.requester.clone()}
                        }
                    })}
                {(!v.requester_email.is_empty())
                    .then(|| {
                        view! {
                            " <"
                            {v.requester_email.clone()}
                            ">"
                        }
                    })}
            </p>
        </header>
        <div class="ticket-layout">
            <div class="ticket-main">
                <section class="card" aria-labelledby="sla-title">
                    <h2 id="sla-title" class="card-title">
                        {t!(i18n, service.sla)}
                        {(!v.policy.is_empty()).then(|| format!(" · {}", v.policy))}
                    </h2>
                    <dl class="facts" data-testid="sla">
                        <div>
                            <dt>{t!(i18n, service.first_response)}</dt>
                            <dd class=if v.response.breached {
                                "text-danger"
                            } else {
                                ""
                            }>{clock_text(&v.response, i18n)}</dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, service.resolution)}</dt>
                            <dd
                                class=if v.resolution.breached { "text-danger" } else { "" }
                                data-testid="resolution-clock"
                            >
                                {clock_text(&v.resolution, i18n)}
                            </dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, service.queue)}</dt>
                            <dd>
                                {if r.queue.is_empty() {
                                    "—".to_owned()
                                } else {
                                    r.queue.clone()
                                }}
                            </dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, service.assignee)}</dt>
                            <dd data-testid="assignee">
                                {if r.assignee.is_empty() {
                                    "—".to_owned()
                                } else {
                                    r.assignee.clone()
                                }}
                            </dd>
                        </div>
                        {v
                            .order
                            .clone()
                            .map(|(oid, number, state)| {
                                view! {
                                    <div>
                                        <dt>{t!(i18n, erp.order)}</dt>
                                        <dd data-testid="ticket-order">
                                            <a href=format!("/orders/{oid}")>
                                                <code>{number}</code>
                                            </a>
                                            " "
                                            {state_label(&state, i18n)}
                                        </dd>
                                    </div>
                                }
                            })}
                        {v
                            .shipment
                            .clone()
                            .map(|(_, number, carrier, tracking)| {
                                view! {
                                    <div>
                                        <dt>{t!(i18n, money.shipment)}</dt>
                                        <dd>
                                            <code>{number}</code>
                                            " · "
                                            {carrier}
                                            " "
                                            {tracking}
                                        </dd>
                                    </div>
                                }
                            })}
                        {v
                            .rating
                            .map(|score| {
                                view! {
                                    <div>
                                        <dt>{t!(i18n, service.satisfaction)}</dt>
                                        <dd data-testid="rating">
                                            {score} "/5 " {v.rating_comment.clone()}
                                        </dd>
                                    </div>
                                }
                            })}
                    </dl>
                    {(!v.rating_link.is_empty())
                        .then(|| {
                            view! {
                                <p class="small">
                                    {t!(i18n, service.rating_link)} " "
                                    <a href=v.rating_link.clone() data-testid="rating-link">
                                        {v.rating_link.clone()}
                                    </a>
                                </p>
                            }
                        })}
                </section>
                {can_write
                    .then(|| {
                        view! {
                            <div
                                class="actions"
                                role="group"
                                aria-label=move || t_string!(i18n, service.change_status)
                            >
                                {next
                                    .iter()
                                    .map(|to| {
                                        let to = *to;
                                        view! {
                                            <button
                                                type="button"
                                                class="btn btn-secondary"
                                                data-testid=format!("status-{to}")
                                                disabled=move || status.pending().get()
                                                on:click=move |_| {
                                                    status
                                                        .dispatch(api::SetTicketStatus {
                                                            id: ticket_id,
                                                            status: to.to_owned(),
                                                        });
                                                }
                                            >
                                                {t!(i18n, service.mark)}
                                                " "
                                                {status_label(to, i18n)}
                                            </button>
                                        }
                                    })
                                    .collect_view()}
                                <FormErrors errors=status_errors field="form" />
                                <FormErrors errors=status_errors field="status" />
                            </div>
                        }
                    })}
                <section class="card">
                    <h2 class="card-title">{t!(i18n, service.conversation)}</h2>
                    <p class="pre">{v.description.clone()}</p>
                    <ol class="plain-list comments" data-testid="comments">
                        {v
                            .comments
                            .iter()
                            .map(|c| {
                                view! {
                                    <li class=if c.public {
                                        "comment"
                                    } else {
                                        "comment comment-internal"
                                    }>
                                        <p class="small muted">
                                            <strong>{c.author.clone()}</strong>
                                            " · "
                                            {c.at.clone()}
                                            " · "
                                            {if c.public {
                                                t_string!(i18n, service.public_reply)
                                            } else {
                                                t_string!(i18n, service.internal_note)
                                            }}
                                        </p>
                                        <p class="pre">{c.body.clone()}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    {can_write
                        .then(|| {
                            view! {
                                <form
                                    novalidate
                                    data-testid="reply-form"
                                    on:submit=move |ev| {
                                        ev.prevent_default();
                                        comment
                                            .dispatch(api::CommentTicket {
                                                id: ticket_id,
                                                body: reply.get_untracked(),
                                                public: public.get_untracked(),
                                            });
                                        reply.set(String::new());
                                    }
                                >
                                    <div class="field">
                                        <label for="reply-body">{t!(i18n, service.reply)}</label>
                                        <textarea
                                            id="reply-body"
                                            class="input"
                                            rows="4"
                                            prop:value=move || reply.get()
                                            on:change=move |ev| reply.set(event_target_value(&ev))
                                        ></textarea>
                                        <FieldError errors=comment_errors field="body" />
                                    </div>
                                    <div class="field">
                                        <label class="check">
                                            <input
                                                type="checkbox"
                                                prop:checked=move || !public.get()
                                                on:change=move |ev| public.set(!event_target_checked(&ev))
                                            />
                                            " "
                                            {t!(i18n, service.internal_only)}
                                        </label>
                                    </div>
                                    <Transition fallback=|| ()>
                                        {move || {
                                            related
                                                .get()
                                                .and_then(Result::ok)
                                                .filter(|a| !a.is_empty())
                                                .map(|articles| {
                                                    view! {
                                                        <div class="related" data-testid="related-articles">
                                                            <p class="small muted">{t!(i18n, service.related)}</p>
                                                            <ul class="plain-list">
                                                                {articles
                                                                    .into_iter()
                                                                    .map(|a| {
                                                                        view! {
                                                                            <li>
                                                                                <a
                                                                                    href=format!("/help/{}", a.id)
                                                                                    target="_blank"
                                                                                    rel="noopener"
                                                                                >
                                                                                    {a.title}
                                                                                </a>
                                                                            </li>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </ul>
                                                        </div>
                                                    }
                                                })
                                        }}
                                    </Transition>
                                    <FormErrors errors=comment_errors field="form" />
                                    <button
                                        type="submit"
                                        class="btn btn-primary"
                                        disabled=move || comment.pending().get()
                                    >
                                        {t!(i18n, service.send)}
                                    </button>
                                </form>
                            }
                        })}
                </section>
                {v
                    .can_assign
                    .then(|| {
                        view! {
                            <form
                                class="card"
                                novalidate
                                data-testid="assign-form"
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    assign
                                        .dispatch(api::AssignTicket {
                                            id: ticket_id,
                                            queue_id: queue_pick.get_untracked(),
                                            assignee_id: assignee_pick.get_untracked(),
                                        });
                                }
                            >
                                <h2 class="card-title">{t!(i18n, service.assignment)}</h2>
                                <Transition fallback=|| ()>
                                    {move || {
                                        queues
                                            .get()
                                            .and_then(Result::ok)
                                            .map(|qs| {
                                                let mut people: Vec<(i64, String, bool)> = qs
                                                    .iter()
                                                    .flat_map(|q| q.members.clone())
                                                    .collect();
                                                people.sort_by(|a, b| a.1.cmp(&b.1));
                                                people.dedup_by_key(|p| p.0);
                                                view! {
                                                    <div class="grid-2">
                                                        <div class="field">
                                                            <label for="as-queue">{t!(i18n, service.queue)}</label>
                                                            <select
                                                                id="as-queue"
                                                                class="select"
                                                                prop:value=move || {
                                                                    queue_pick.get().map(|q| q.to_string()).unwrap_or_default()
                                                                }
                                                                on:change=move |ev| {
                                                                    queue_pick.set(event_target_value(&ev).parse().ok())
                                                                }
                                                            >
                                                                <option value="">{t!(i18n, service.no_queue)}</option>
                                                                {qs
                                                                    .iter()
                                                                    .map(|q| {
                                                                        view! {
                                                                            <option value=q.id.to_string()>{q.name.clone()}</option>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </select>
                                                        </div>
                                                        <div class="field">
                                                            <label for="as-agent">{t!(i18n, service.assignee)}</label>
                                                            <select
                                                                id="as-agent"
                                                                class="select"
                                                                prop:value=move || {
                                                                    assignee_pick
                                                                        .get()
                                                                        .map(|q| q.to_string())
                                                                        .unwrap_or_default()
                                                                }
                                                                on:change=move |ev| {
                                                                    assignee_pick.set(event_target_value(&ev).parse().ok())
                                                                }
                                                            >
                                                                <option value="">{t!(i18n, service.unassigned)}</option>
                                                                {people
                                                                    .into_iter()
                                                                    .map(|(id, name, away)| {
                                                                        view! {
                                                                            <option value=id
                                                                                .to_string()>{name} {away.then_some(" (away)")}</option>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </select>
                                                        </div>
                                                    </div>
                                                }
                                            })
                                    }}
                                </Transition>
                                <FieldError errors=assign_errors field="assignee_id" />
                                <FormErrors errors=assign_errors field="form" />
                                <button
                                    type="submit"
                                    class="btn btn-secondary"
                                    disabled=move || assign.pending().get()
                                >
                                    {t!(i18n, service.assign)}
                                </button>
                            </form>
                        }
                    })}
                {can_write
                    .then(|| {
                        view! {
                            <form
                                class="card"
                                novalidate
                                data-testid="edit-ticket-form"
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    update
                                        .dispatch(api::UpdateTicket {
                                            id: ticket_id,
                                            form: edit.get_untracked(),
                                        });
                                }
                            >
                                <h2 class="card-title">{t!(i18n, service.details)}</h2>
                                <div class="grid-2">
                                    <div class="field">
                                        <label for="ed-kind">{t!(i18n, service.kind)}</label>
                                        <select
                                            id="ed-kind"
                                            class="select"
                                            prop:value=move || edit.with(|e| e.kind.clone())
                                            on:change=move |ev| {
                                                edit.update(|e| e.kind = event_target_value(&ev))
                                            }
                                        >
                                            {KINDS
                                                .into_iter()
                                                .map(|s| {
                                                    view! { <option value=s>{kind_label(s, i18n)}</option> }
                                                })
                                                .collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="ed-priority">
                                            {t!(i18n, service.priority)}
                                        </label>
                                        <select
                                            id="ed-priority"
                                            class="select"
                                            prop:value=move || edit.with(|e| e.priority.clone())
                                            on:change=move |ev| {
                                                edit.update(|e| e.priority = event_target_value(&ev))
                                            }
                                        >
                                            {PRIORITIES
                                                .into_iter()
                                                .map(|s| {
                                                    view! { <option value=s>{priority_label(s, i18n)}</option> }
                                                })
                                                .collect_view()}
                                        </select>
                                    </div>
                                </div>
                                <div class="field">
                                    <label for="ed-subject">{t!(i18n, service.subject)}</label>
                                    <input
                                        id="ed-subject"
                                        class="input"
                                        prop:value=move || edit.with(|e| e.subject.clone())
                                        on:change=move |ev| {
                                            edit.update(|e| e.subject = event_target_value(&ev))
                                        }
                                    />
                                    <FieldError errors=update_errors field="subject" />
                                </div>
                                <div class="field">
                                    <label for="ed-tags">{t!(i18n, service.tags)}</label>
                                    <input
                                        id="ed-tags"
                                        class="input"
                                        prop:value=move || edit.with(|e| e.tags.clone())
                                        on:change=move |ev| {
                                            edit.update(|e| e.tags = event_target_value(&ev))
                                        }
                                    />
                                    <FieldError errors=update_errors field="tags" />
                                </div>
                                <p class="small muted">{t!(i18n, service.order_from_panel)}</p>
                                <FieldError errors=update_errors field="order_id" />
                                <FormErrors errors=update_errors field="form" />
                                <button
                                    type="submit"
                                    class="btn btn-secondary"
                                    disabled=move || update.pending().get()
                                >
                                    {t!(i18n, service.save)}
                                </button>
                            </form>
                        }
                    })}
                {(!v.returns.is_empty() || !v.credit_notes.is_empty())
                    .then(|| {
                        view! {
                            <section class="card">
                                <h2 class="card-title">{t!(i18n, service.returns)}</h2>
                                <ul class="plain-list" data-testid="returns">
                                    {v
                                        .returns
                                        .iter()
                                        .map(|ret| {
                                            let rid = ret.id;
                                            let open = ret.state == "requested";
                                            view! {
                                                <li>
                                                    <code>{ret.number.clone()}</code>
                                                    " · "
                                                    <code>{ret.order.clone()}</code>
                                                    " · "
                                                    <span class="badge" data-state=ret.state.clone()>
                                                        {match ret.state.as_str() {
                                                            "requested" => t_string!(i18n, service.ret_requested),
                                                            "approved" => t_string!(i18n, service.ret_approved),
                                                            _ => t_string!(i18n, service.ret_rejected),
                                                        }}
                                                    </span>
                                                    " · "
                                                    {ret
                                                        .lines
                                                        .iter()
                                                        .map(|(d, q)| format!("{q} × {d}"))
                                                        .collect::<Vec<_>>()
                                                        .join(", ")}
                                                    {(open && can_returns)
                                                        .then(|| {
                                                            view! {
                                                                " "
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-primary"
                                                                    data-testid="approve-return"
                                                                    disabled=move || approve.pending().get()
                                                                    on:click=move |_| {
                                                                        approve.dispatch(api::ApproveReturn { id: rid });
                                                                    }
                                                                >
                                                                    {t!(i18n, service.approve_return)}
                                                                </button>
                                                                " "
                                                                <button
                                                                    type="button"
                                                                    class="btn btn-secondary"
                                                                    disabled=move || reject.pending().get()
                                                                    on:click=move |_| {
                                                                        reject.dispatch(api::RejectReturn { id: rid });
                                                                    }
                                                                >
                                                                    {t!(i18n, service.reject_return)}
                                                                </button>
                                                            }
                                                        })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                    {v
                                        .credit_notes
                                        .iter()
                                        .map(|(invoice, number, amount)| {
                                            view! {
                                                <li>
                                                    {t!(i18n, money.credit_notes)} " "
                                                    <a href=format!("/invoices/{invoice}")>
                                                        <code data-testid="ticket-credit-note">
                                                            {number.clone()}
                                                        </code>
                                                    </a> " · " {amount.clone()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <FormErrors errors=decide_errors field="form" />
                            </section>
                        }
                    })}
                <Transition fallback=|| ()>
                    {move || {
                        panel
                            .get()
                            .and_then(Result::ok)
                            .map(|p| {
                                let orders = p.orders.clone();
                                let invoices = p.invoices.clone();
                                view! {
                                    {(is_return && can_write)
                                        .then(|| {
                                            let orders = orders.clone();
                                            view! {
                                                <form
                                                    class="card"
                                                    novalidate
                                                    data-testid="return-form"
                                                    on:submit=move |ev| {
                                                        ev.prevent_default();
                                                        if let Some(order_id) = return_order.get_untracked() {
                                                            request
                                                                .dispatch(api::RequestReturn {
                                                                    ticket_id,
                                                                    order_id,
                                                                    warehouse_id: return_warehouse.get_untracked(),
                                                                    lines: return_qty.get_untracked(),
                                                                    reason: return_reason.get_untracked(),
                                                                });
                                                        }
                                                    }
                                                >
                                                    <h2 class="card-title">
                                                        {t!(i18n, service.request_return)}
                                                    </h2>
                                                    {move || {
                                                        let chosen = return_order.get();
                                                        match orders.iter().find(|o| Some(o.id) == chosen).cloned()
                                                        {
                                                            None => {
                                                                view! {
                                                                    <p class="muted">{t!(i18n, service.pick_order_first)}</p>
                                                                }
                                                                    .into_any()
                                                            }
                                                            Some(o) => {
                                                                view! {
                                                                    <p>
                                                                        <code>{o.number.clone()}</code>
                                                                    </p>
                                                                    {o
                                                                        .lines
                                                                        .iter()
                                                                        .enumerate()
                                                                        .map(|(i, l)| {
                                                                            let line_id = l.line_id;
                                                                            let field_id = format!("ret-qty-{i}");
                                                                            view! {
                                                                                <div class="field">
                                                                                    <label for=field_id
                                                                                        .clone()>
                                                                                        {l.description.clone()} " (" {t!(i18n, service.returnable)}
                                                                                        " " {l.shipped - l.returned} ")"
                                                                                    </label>
                                                                                    <input
                                                                                        id=field_id
                                                                                        class="input input-narrow"
                                                                                        inputmode="numeric"
                                                                                        on:change=move |ev| {
                                                                                            let text = event_target_value(&ev);
                                                                                            return_qty
                                                                                                .update(|q| {
                                                                                                    q.retain(|(id, _)| *id != line_id);
                                                                                                    q.push((line_id, text));
                                                                                                });
                                                                                        }
                                                                                    />
                                                                                    <DynFieldError
                                                                                        errors=request_errors
                                                                                        field=format!("lines.{i}.quantity")
                                                                                    />
                                                                                </div>
                                                                            }
                                                                        })
                                                                        .collect_view()}
                                                                }
                                                                    .into_any()
                                                            }
                                                        }
                                                    }}
                                                    <div class="field">
                                                        <label for="ret-warehouse">
                                                            {t!(i18n, service.back_to_warehouse)}
                                                        </label>
                                                        <select
                                                            id="ret-warehouse"
                                                            class="select"
                                                            on:change=move |ev| {
                                                                return_warehouse.set(event_target_value(&ev).parse().ok())
                                                            }
                                                        >
                                                            <option value="">
                                                                {t!(i18n, service.order_warehouse)}
                                                            </option>
                                                            {move || {
                                                                warehouses
                                                                    .get()
                                                                    .and_then(Result::ok)
                                                                    .map(|ws| {
                                                                        ws.into_iter()
                                                                            .map(|(id, name)| {
                                                                                view! { <option value=id.to_string()>{name}</option> }
                                                                            })
                                                                            .collect_view()
                                                                    })
                                                            }}
                                                        </select>
                                                    </div>
                                                    <div class="field">
                                                        <label for="ret-reason">{t!(i18n, erp.reason)}</label>
                                                        <input
                                                            id="ret-reason"
                                                            class="input"
                                                            on:change=move |ev| {
                                                                return_reason.set(event_target_value(&ev))
                                                            }
                                                        />
                                                        <FieldError errors=request_errors field="reason" />
                                                    </div>
                                                    <FieldError errors=request_errors field="lines" />
                                                    <FormErrors errors=request_errors field="form" />
                                                    <button
                                                        type="submit"
                                                        class="btn btn-primary"
                                                        disabled=move || {
                                                            request.pending().get() || return_order.get().is_none()
                                                        }
                                                    >
                                                        {t!(i18n, service.request_return)}
                                                    </button>
                                                </form>
                                            }
                                        })}
                                    {(is_complaint && can_returns && !invoices.is_empty())
                                        .then(|| {
                                            let invoices = invoices.clone();
                                            view! {
                                                <form
                                                    class="card"
                                                    novalidate
                                                    data-testid="complaint-credit-form"
                                                    on:submit=move |ev| {
                                                        ev.prevent_default();
                                                        if let Some(invoice_id) = credit_invoice.get_untracked() {
                                                            credit
                                                                .dispatch(api::CreditComplaint {
                                                                    ticket_id,
                                                                    invoice_id,
                                                                    reason: credit_reason.get_untracked(),
                                                                });
                                                        }
                                                    }
                                                >
                                                    <h2 class="card-title">
                                                        {t!(i18n, service.credit_complaint)}
                                                    </h2>
                                                    <div class="field">
                                                        <label for="cc-invoice">{t!(i18n, money.invoice)}</label>
                                                        <select
                                                            id="cc-invoice"
                                                            class="select"
                                                            on:change=move |ev| {
                                                                credit_invoice.set(event_target_value(&ev).parse().ok())
                                                            }
                                                        >
                                                            <option value="">"—"</option>
                                                            {invoices
                                                                .iter()
                                                                .map(|i| {
                                                                    view! {
                                                                        <option value=i
                                                                            .id
                                                                            .to_string()>
                                                                            {format!("{} · {} {}", i.number, i.total, i.currency)}
                                                                        </option>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </select>
                                                        <FieldError errors=credit_errors field="invoice_id" />
                                                    </div>
                                                    <div class="field">
                                                        <label for="cc-reason">{t!(i18n, erp.reason)}</label>
                                                        <input
                                                            id="cc-reason"
                                                            class="input"
                                                            on:change=move |ev| {
                                                                credit_reason.set(event_target_value(&ev))
                                                            }
                                                        />
                                                        <FieldError errors=credit_errors field="reason" />
                                                    </div>
                                                    <FormErrors errors=credit_errors field="form" />
                                                    <button
                                                        type="submit"
                                                        class="btn btn-secondary"
                                                        disabled=move || credit.pending().get()
                                                    >
                                                        {t!(i18n, service.credit_complaint)}
                                                    </button>
                                                </form>
                                            }
                                        })}
                                }
                            })
                    }}
                </Transition>
                <section class="card">
                    <h2 class="card-title">{t!(i18n, service.history)}</h2>
                    <ol class="plain-list small" data-testid="history">
                        {v
                            .history
                            .iter()
                            .map(|h| {
                                view! {
                                    <li>
                                        {h.at.clone()} " · "
                                        {if h.from.is_empty() {
                                            t_string!(i18n, service.created).to_owned()
                                        } else {
                                            format!(
                                                "{} → {}",
                                                status_label(&h.from, i18n),
                                                status_label(&h.to, i18n),
                                            )
                                        }} {(!h.by.is_empty()).then(|| format!(" · {}", h.by))}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </section>
            </div>
            <aside class="ticket-panel" aria-labelledby="panel-title">
                <h2 id="panel-title" class="card-title">
                    {t!(i18n, service.erp_panel)}
                </h2>
                <Transition fallback=loading>
                    {move || {
                        panel
                            .get()
                            .map(|result| match result {
                                Err(e) => crate::components::failed(e),
                                Ok(p) => {
                                    view! {
                                        <Panel p edit update ticket_id can_write return_order />
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Transition>
            </aside>
        </div>
    }
}

/// The customer's orders, shipments, invoices and other tickets.
#[component]
fn Panel(
    p: PanelView,
    edit: RwSignal<TicketEdit>,
    update: ServerAction<api::UpdateTicket>,
    ticket_id: i64,
    can_write: bool,
    return_order: RwSignal<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = edit.get_untracked().order_id;
    view! {
        <section class="card" data-testid="panel-orders">
            <h3 class="card-title">{t!(i18n, erp.orders)}</h3>
            {p
                .orders
                .is_empty()
                .then(|| view! { <p class="muted small">{t!(i18n, service.none)}</p> })}
            <ul class="plain-list">
                {p
                    .orders
                    .iter()
                    .map(|o| {
                        let oid = o.id;
                        let linked = current == Some(oid);
                        view! {
                            <li>
                                <a href=format!("/orders/{oid}")>
                                    <code>{o.number.clone()}</code>
                                </a>
                                " · "
                                {state_label(&o.state, i18n)}
                                " · "
                                {o.total.clone()}
                                " "
                                {o.currency.clone()}
                                <span class="small muted">" · " {o.date.clone()}</span>
                                {linked
                                    .then(|| {
                                        view! {
                                            " "
                                            <span class="badge">{t!(i18n, service.linked)}</span>
                                        }
                                    })}
                                {(can_write && !linked)
                                    .then(|| {
                                        view! {
                                            " "
                                            <button
                                                type="button"
                                                class="btn btn-link"
                                                data-testid=format!("link-order-{}", o.number)
                                                on:click=move |_| {
                                                    let mut e = edit.get_untracked();
                                                    e.order_id = Some(oid);
                                                    e.shipment_id = None;
                                                    return_order.set(Some(oid));
                                                    update
                                                        .dispatch(api::UpdateTicket {
                                                            id: ticket_id,
                                                            form: e,
                                                        });
                                                }
                                            >
                                                {t!(i18n, service.link_order)}
                                            </button>
                                        }
                                    })}
                                <ul class="plain-list small">
                                    {o
                                        .lines
                                        .iter()
                                        .map(|l| {
                                            view! {
                                                <li>
                                                    {l.description.clone()} " — " {l.quantity} " · "
                                                    {t!(i18n, service.shipped)} " " {l.shipped} " · "
                                                    {t!(i18n, service.invoiced)} " " {l.invoiced} " · "
                                                    {t!(i18n, service.returned)} " " {l.returned}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="card" data-testid="panel-shipments">
            <h3 class="card-title">{t!(i18n, erp.shipments)}</h3>
            {p
                .shipments
                .is_empty()
                .then(|| view! { <p class="muted small">{t!(i18n, service.none)}</p> })}
            <ul class="plain-list">
                {p
                    .shipments
                    .iter()
                    .map(|s| {
                        view! {
                            <li>
                                <code>{s.number.clone()}</code>
                                " · "
                                <code>{s.order.clone()}</code>
                                " · "
                                {s.carrier.clone()}
                                " "
                                <strong data-testid="tracking">{s.tracking.clone()}</strong>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="card" data-testid="panel-invoices">
            <h3 class="card-title">{t!(i18n, money.invoices)}</h3>
            {p
                .invoices
                .is_empty()
                .then(|| view! { <p class="muted small">{t!(i18n, service.none)}</p> })}
            <ul class="plain-list">
                {p
                    .invoices
                    .iter()
                    .map(|i| {
                        view! {
                            <li>
                                <a href=format!("/invoices/{}", i.id)>
                                    <code>{i.number.clone()}</code>
                                </a>
                                " · "
                                <span class=if i.state == "overdue" {
                                    "badge badge-danger"
                                } else {
                                    "badge"
                                }>{crate::money::invoice_state_label(&i.state, i18n)}</span>
                                " · "
                                {i.total.clone()}
                                " "
                                {i.currency.clone()}
                                " · "
                                {t!(i18n, money.owed)}
                                " "
                                {i.owed.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section class="card" data-testid="panel-tickets">
            <h3 class="card-title">{t!(i18n, service.previous_tickets)}</h3>
            {p
                .tickets
                .is_empty()
                .then(|| view! { <p class="muted small">{t!(i18n, service.none)}</p> })}
            <ul class="plain-list">
                {p
                    .tickets
                    .iter()
                    .map(|t| {
                        view! {
                            <li>
                                <a href=format!("/tickets/{}", t.id)>
                                    <code>{t.number.clone()}</code>
                                </a>
                                " "
                                {t.subject.clone()}
                                " · "
                                {status_label(&t.status, i18n)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// A customer's tickets (customer page tab).
#[component]
pub fn CustomerTickets(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(move || customer_id, api::customer_tickets);
    let me = crate::auth::use_me();
    let can_write = me.as_ref().is_some_and(|m| m.can("tickets.write"));
    view! {
        {can_write
            .then(|| {
                view! {
                    <p>
                        <a
                            class="btn btn-secondary"
                            href=format!("/tickets/new?customer={customer_id}")
                        >
                            {t!(i18n, service.new_ticket)}
                        </a>
                    </p>
                }
            })}
        <Transition fallback=loading>
            {move || {
                list.get().map(|r| r.map(|rows| view! { <TicketTable rows show_customer=false /> }))
            }}
        </Transition>
    }
}
