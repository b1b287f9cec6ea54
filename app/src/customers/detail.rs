//! `/customers/:id`: the customer 360 page. A header with the facts and
//! figures, then tabs: the timeline (one feed of everything that happened),
//! contacts, opportunities, activities, orders and shipments, and the tabs
//! that later modules fill (invoices, tickets).

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api, types::ContactForm};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param, use_list_query,
    },
    crm::{
        self,
        activities::{ActivityList, ActivityRefresh, LogActivity},
        event_label, CrmTabs,
    },
    i18n::*,
};

const TABS: [&str; 8] = [
    "timeline",
    "contacts",
    "opportunities",
    "activities",
    "orders",
    "shipments",
    "invoices",
    "tickets",
];

fn tab_label(tab: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match tab {
        "timeline" => t_string!(i18n, crm.timeline),
        "contacts" => t_string!(i18n, crm.contacts),
        "opportunities" => t_string!(i18n, crm.opportunities),
        "activities" => t_string!(i18n, crm.activities),
        "orders" => t_string!(i18n, crm.orders),
        "shipments" => t_string!(i18n, crm.shipments),
        "invoices" => t_string!(i18n, crm.invoices),
        _ => t_string!(i18n, crm.tickets),
    }
}

/// The customer page.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let query = use_list_query();
    let tab = move || {
        query
            .get("tab")
            .filter(|t| TABS.contains(&t.as_str()))
            .unwrap_or_else(|| "timeline".into())
    };
    let archive = ServerAction::<api::ArchiveCustomer>::new();
    let merge = ServerAction::<crm::api::MergeCustomers>::new();
    let refresh = RwSignal::new(0u64);
    provide_context(ActivityRefresh(refresh));
    let customer = Resource::new(
        move || (id(), archive.version().get(), merge.version().get()),
        |(id, _, _)| api::get_customer(id),
    );
    let overview = Resource::new(
        move || (id(), merge.version().get(), refresh.get()),
        |(id, _, _)| crm::api::customer_overview(id),
    );
    let archive_errors = Signal::derive(move || archive.value().get().and_then(Result::err));
    let open_tickets = Resource::new(id, crate::service::api::open_ticket_count);
    let me = crate::auth::use_me();
    let sees_orders = me.as_ref().is_some_and(|m| m.can("orders.read"));
    let quotes = me.as_ref().is_some_and(|m| m.can("orders.write"));
    let figures = Resource::new(
        move || (id(), sees_orders),
        |(id, sees)| async move {
            if sees {
                crate::erp::api::customer_order_figures(id).await.ok()
            } else {
                None
            }
        },
    );
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, nav.customers).to_owned()
        }) />
        <div class="page">
            <CrmTabs current="customers" />
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    customer
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(c) => {
                                let archived = c.summary.archived;
                                let can_write = c.can_write;
                                let is_company = c.summary.kind == "company";
                                let customer_id = c.summary.id;
                                let figure_currency = c.currency.clone();
                                view! {
                                    <header class="page-header page-header-row">
                                        <div>
                                            <h1 data-testid="customer-name">
                                                {c.summary.name.clone()}
                                            </h1>
                                            <p class="muted">
                                                <code>{c.summary.code.clone()}</code>
                                                " · "
                                                {if is_company {
                                                    t_string!(i18n, crm.company)
                                                } else {
                                                    t_string!(i18n, crm.person)
                                                }}
                                                {archived
                                                    .then(|| {
                                                        view! {
                                                            " "
                                                            <span class="badge">{t!(i18n, crm.archived)}</span>
                                                        }
                                                    })}
                                                {c
                                                    .summary
                                                    .merged_into
                                                    .map(|m| {
                                                        view! {
                                                            " "
                                                            <a class="badge" href=format!("/customers/{m}")>
                                                                {t!(i18n, crm.merged_into)}
                                                            </a>
                                                        }
                                                    })}
                                            </p>
                                            <crate::money::invoices::OverdueFlag customer_id />
                                        </div>
                                        <div class="user-menu">
                                            {can_write
                                                .then(|| {
                                                    view! {
                                                        <a
                                                            class="btn btn-secondary"
                                                            href=format!("/customers/{customer_id}/edit")
                                                        >
                                                            {t!(i18n, crm.edit_customer)}
                                                        </a>
                                                    }
                                                })}
                                            {can_write
                                                .then(|| {
                                                    view! {
                                                        <a
                                                            class="btn btn-secondary"
                                                            href=format!("/opportunities/new?customer={customer_id}")
                                                        >
                                                            {t!(i18n, crm.new_opportunity)}
                                                        </a>
                                                    }
                                                })}
                                            {(quotes && !archived)
                                                .then(|| {
                                                    view! {
                                                        <a
                                                            class="btn btn-primary"
                                                            href=format!("/orders/new?customer={customer_id}")
                                                        >
                                                            {t!(i18n, crm.new_quote)}
                                                        </a>
                                                    }
                                                })}
                                            {c
                                                .can_archive
                                                .then(|| {
                                                    view! {
                                                        <button
                                                            type="button"
                                                            class="btn btn-secondary"
                                                            on:click=move |_| {
                                                                archive
                                                                    .dispatch(api::ArchiveCustomer {
                                                                        id: id(),
                                                                        archived: !archived,
                                                                    });
                                                            }
                                                        >
                                                            {if archived {
                                                                t_string!(i18n, crm.restore)
                                                            } else {
                                                                t_string!(i18n, crm.archive)
                                                            }}
                                                        </button>
                                                    }
                                                })}
                                        </div>
                                    </header>
                                    <FormErrors errors=archive_errors field="form" />
                                    <section
                                        class="card figures"
                                        aria-label=move || t_string!(i18n, crm.overview)
                                    >
                                        <dl class="figure-grid">
                                            <div>
                                                <dt>{t!(i18n, crm.owner)}</dt>
                                                <dd>{c.owner.clone().unwrap_or_else(|| "—".into())}</dd>
                                            </div>
                                            <div>
                                                <dt>{t!(i18n, crm.segment)}</dt>
                                                <dd>
                                                    {if c.summary.segment.is_empty() {
                                                        "—".to_owned()
                                                    } else {
                                                        c.summary.segment.clone()
                                                    }}
                                                </dd>
                                            </div>
                                            <div>
                                                <dt>{t!(i18n, crm.credit_limit)}</dt>
                                                <dd>{format!("{} {}", c.credit_limit, c.currency)}</dd>
                                            </div>
                                            <Transition>
                                                {move || {
                                                    let f = figures.get().flatten();
                                                    let currency = figure_currency.clone();
                                                    let shown = |v: Option<String>| {
                                                        v.unwrap_or_else(|| "—".into())
                                                    };
                                                    view! {
                                                        <div>
                                                            <dt>{t!(i18n, crm.exposure)}</dt>
                                                            <dd data-testid="exposure">
                                                                {shown(
                                                                    f.as_ref().map(|f| format!("{} {}", f.exposure, currency)),
                                                                )}
                                                            </dd>
                                                        </div>
                                                        <div>
                                                            <dt>{t!(i18n, crm.lifetime_revenue)}</dt>
                                                            <dd data-testid="revenue">
                                                                {shown(
                                                                    f.as_ref().map(|f| format!("{} {}", f.revenue, currency)),
                                                                )}
                                                            </dd>
                                                        </div>
                                                        <div>
                                                            <dt>{t!(i18n, crm.open_orders)}</dt>
                                                            <dd data-testid="open-orders">
                                                                {shown(f.as_ref().map(|f| f.open_orders.to_string()))}
                                                            </dd>
                                                        </div>
                                                    }
                                                }}
                                            </Transition>
                                            <Transition>
                                                {move || {
                                                    open_tickets
                                                        .get()
                                                        .and_then(Result::ok)
                                                        .flatten()
                                                        .map(|n| {
                                                            view! {
                                                                <div>
                                                                    <dt>{t!(i18n, crm.open_tickets)}</dt>
                                                                    <dd data-testid="open-tickets">{n}</dd>
                                                                </div>
                                                            }
                                                        })
                                                }}
                                            </Transition>
                                            <Transition>
                                                {move || {
                                                    overview
                                                        .get()
                                                        .and_then(Result::ok)
                                                        .map(|o| {
                                                            view! {
                                                                <div>
                                                                    <dt>{t!(i18n, crm.open_deals)}</dt>
                                                                    <dd data-testid="open-deals">
                                                                        {o
                                                                            .open_opportunities
                                                                            .map(|n| n.to_string())
                                                                            .unwrap_or_else(|| "—".into())}
                                                                    </dd>
                                                                </div>
                                                                <div>
                                                                    <dt>{t!(i18n, crm.pipeline)}</dt>
                                                                    <dd>{o.pipeline.unwrap_or_else(|| "—".into())}</dd>
                                                                </div>
                                                                <div>
                                                                    <dt>{t!(i18n, crm.won)}</dt>
                                                                    <dd data-testid="won-amount">
                                                                        {o.won.unwrap_or_else(|| "—".into())}
                                                                    </dd>
                                                                </div>
                                                                <div>
                                                                    <dt>{t!(i18n, crm.open_activities)}</dt>
                                                                    <dd>
                                                                        {o
                                                                            .open_activities
                                                                            .map(|n| n.to_string())
                                                                            .unwrap_or_else(|| "—".into())}
                                                                    </dd>
                                                                </div>
                                                            }
                                                        })
                                                }}
                                            </Transition>
                                        </dl>
                                    </section>
                                    <nav
                                        class="tabs"
                                        aria-label=move || t_string!(i18n, crm.customer_sections)
                                    >
                                        {TABS
                                            .iter()
                                            .map(|t| {
                                                view! {
                                                    <a
                                                        class="tab"
                                                        href=format!("/customers/{customer_id}?tab={t}")
                                                        aria-current=move || (tab() == *t).then_some("page")
                                                    >
                                                        {tab_label(t, i18n)}
                                                    </a>
                                                }
                                            })
                                            .collect_view()}
                                    </nav>
                                    {move || match tab().as_str() {
                                        "timeline" => view! { <Timeline customer_id /> }.into_any(),
                                        "contacts" => {
                                            view! {
                                                <div class="grid grid-main-side">
                                                    <section class="card">
                                                        <dl class="facts">
                                                            <dt>{t!(i18n, admin.email)}</dt>
                                                            <dd>{c.summary.email.clone().unwrap_or_default()}</dd>
                                                            <dt>{t!(i18n, crm.phone)}</dt>
                                                            <dd>{c.summary.phone.clone().unwrap_or_default()}</dd>
                                                            <dt>{t!(i18n, crm.address)}</dt>
                                                            <dd class="pre">{c.address.clone()}</dd>
                                                            <dt>{t!(i18n, crm.tax_id)}</dt>
                                                            <dd>{c.tax_id.clone().unwrap_or_default()}</dd>
                                                            <dt>{t!(i18n, crm.tags)}</dt>
                                                            <dd>
                                                                {c
                                                                    .tags
                                                                    .iter()
                                                                    .map(|t| {
                                                                        view! {
                                                                            <span class="badge">{t.clone()}</span>
                                                                            " "
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </dd>
                                                            <dt>{t!(i18n, crm.payment_terms)}</dt>
                                                            <dd>{c.payment_terms_days}</dd>
                                                        </dl>
                                                        <p class="pre">{c.notes.clone()}</p>
                                                    </section>
                                                    {is_company
                                                        .then(|| view! { <Contacts customer_id can_write /> })}
                                                </div>
                                            }
                                                .into_any()
                                        }
                                        "opportunities" => {
                                            view! { <CustomerOpportunities customer_id /> }.into_any()
                                        }
                                        "activities" => {
                                            view! {
                                                <section class="card">
                                                    <ActivityList
                                                        customer_id=Some(customer_id)
                                                        opportunity_id=None
                                                    />
                                                    <LogActivity customer_id opportunity_id=None />
                                                </section>
                                            }
                                                .into_any()
                                        }
                                        "orders" => {
                                            view! { <CustomerOrders customer_id /> }.into_any()
                                        }
                                        "shipments" => {
                                            view! { <CustomerShipments customer_id /> }.into_any()
                                        }
                                        "invoices" => {
                                            view! {
                                                <crate::money::invoices::CustomerInvoices customer_id />
                                            }
                                                .into_any()
                                        }
                                        _ => {
                                            view! {
                                                <section class="card">
                                                    <crate::service::tickets::CustomerTickets customer_id />
                                                </section>
                                            }
                                                .into_any()
                                        }
                                    }}
                                    <Transition>
                                        {move || {
                                            overview
                                                .get()
                                                .and_then(Result::ok)
                                                .filter(|o| o.can_merge)
                                                .map(|_| view! { <Merge survivor=customer_id merge /> })
                                        }}
                                    </Transition>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// The orders tab: the customer's quotes and orders in the user's scope.
#[component]
fn CustomerOrders(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let orders = Resource::new(
        move || customer_id,
        |id| {
            crate::erp::api::list_orders(
                crate::erp::types::OrderQuery {
                    customer: Some(id),
                    ..Default::default()
                },
                1,
            )
        },
    );
    view! {
        <section class="card">
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    orders
                        .get()
                        .map(|r| match r {
                            Err(e) => {
                                view! {
                                    <p class="muted">
                                        {crate::components::forms::describe(&e, i18n)}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(page) => {
                                let more = page.total > page.items.len() as u64;
                                view! {
                                    {page
                                        .items
                                        .is_empty()
                                        .then(|| {
                                            view! { <p class="muted">{t!(i18n, crm.nothing_yet)}</p> }
                                        })}
                                    <crate::erp::orders::OrderTable rows=page.items />
                                    {more
                                        .then(|| {
                                            view! {
                                                <a href=format!(
                                                    "/orders?customer={customer_id}",
                                                )>{t!(i18n, crm.see_all)}</a>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// The shipments tab: shipments of the customer's orders.
#[component]
fn CustomerShipments(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let shipments = Resource::new(
        move || customer_id,
        |id| crate::erp::api::list_shipments(None, Some(id), 1),
    );
    view! {
        <section class="card">
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    shipments
                        .get()
                        .map(|r| match r {
                            Err(e) => {
                                view! {
                                    <p class="muted">
                                        {crate::components::forms::describe(&e, i18n)}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(page) => {
                                view! {
                                    {page
                                        .items
                                        .is_empty()
                                        .then(|| {
                                            view! { <p class="muted">{t!(i18n, crm.nothing_yet)}</p> }
                                        })}
                                    <crate::erp::shipments::ShipmentTable rows=page.items />
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// The timeline tab: newest first, with "older" paging by the last id seen.
#[component]
fn Timeline(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let before = RwSignal::new(None::<i64>);
    let refresh = use_context::<ActivityRefresh>().map(|r| r.0);
    let items = Resource::new(
        move || (before.get(), refresh.map(|r| r.get()).unwrap_or_default()),
        move |(before, _)| crm::api::customer_timeline(customer_id, before),
    );
    view! {
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title" class="card-title">
                {t!(i18n, crm.timeline)}
            </h2>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    items
                        .get()
                        .map(|result| {
                            result
                                .map(|list| {
                                    let last = list.last().map(|e| e.id);
                                    let full = list.len() == 30;
                                    view! {
                                        {list
                                            .is_empty()
                                            .then(|| {
                                                view! { <p class="muted">{t!(i18n, crm.nothing_yet)}</p> }
                                            })}
                                        <ol class="timeline" data-testid="timeline">
                                            {list
                                                .into_iter()
                                                .map(|e| {
                                                    let label = event_label(&e.kind, i18n);
                                                    view! {
                                                        <li class="timeline-item" data-kind=e.kind.clone()>
                                                            <time class="small muted">{e.at.clone()}</time>
                                                            <span class="badge">{label}</span>
                                                            " "
                                                            {if e.link.starts_with('/') {
                                                                view! { <a href=e.link.clone()>{e.summary.clone()}</a> }
                                                                    .into_any()
                                                            } else {
                                                                view! { <span>{e.summary.clone()}</span> }.into_any()
                                                            }}
                                                            {e
                                                                .actor
                                                                .clone()
                                                                .map(|a| {
                                                                    view! { <span class="small muted">" · " {a}</span> }
                                                                })}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                        {(full && last.is_some())
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="btn btn-secondary small"
                                                        on:click=move |_| before.set(last)
                                                    >
                                                        {t!(i18n, crm.older)}
                                                    </button>
                                                }
                                            })}
                                    }
                                })
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn CustomerOpportunities(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let found = Resource::new(
        || (),
        move |_| {
            crm::api::list_opportunities(
                None,
                None,
                None,
                Some(customer_id),
                String::new(),
                "-created".into(),
                1,
            )
        },
    );
    view! {
        <section class="card">
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    found
                        .get()
                        .map(|result| {
                            result
                                .map(|page| {
                                    view! {
                                        {page
                                            .items
                                            .is_empty()
                                            .then(|| {
                                                view! { <p class="muted">{t!(i18n, crm.nothing_yet)}</p> }
                                            })}
                                        <ul class="plain-list">
                                            {page
                                                .items
                                                .into_iter()
                                                .map(|o| {
                                                    view! {
                                                        <li>
                                                            <a href=format!("/opportunities/{}", o.id)>{o.title}</a>
                                                            " · "
                                                            {format!("{} {}", o.amount, o.currency)}
                                                            " · "
                                                            <span class="badge">{o.stage}</span>
                                                            " · "
                                                            <span class="small muted">{o.expected_close}</span>
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
    }
}

/// Merging a duplicate into this customer.
#[component]
fn Merge(survivor: i64, merge: ServerAction<crm::api::MergeCustomers>) -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<i64>);
    let matches = Resource::new(
        move || search.get(),
        |text| async move {
            if text.trim().len() < 2 {
                Vec::new()
            } else {
                crm::api::pick_customers(text).await.unwrap_or_default()
            }
        },
    );
    let errors = Signal::derive(move || merge.value().get().and_then(Result::err));
    view! {
        <details class="card">
            <summary>{t!(i18n, crm.merge_duplicate)}</summary>
            <p class="muted small">{t!(i18n, crm.merge_help)}</p>
            <div class="field">
                <label for="merge-search">{t!(i18n, crm.find_customer)}</label>
                <input
                    id="merge-search"
                    class="input"
                    type="search"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="merge-duplicate">{t!(i18n, crm.duplicate)}</label>
                <select
                    id="merge-duplicate"
                    class="select"
                    on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())
                >
                    <option value="">"—"</option>
                    <Transition>
                        {move || {
                            matches
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .filter(|c| c.id != survivor)
                                .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                                .collect_view()
                        }}
                    </Transition>
                </select>
            </div>
            <FormErrors errors field="form" />
            <FormErrors errors field="duplicate" />
            <button
                type="button"
                class="btn btn-primary"
                on:click=move |_| {
                    if let Some(duplicate) = chosen.get_untracked() {
                        merge
                            .dispatch(crm::api::MergeCustomers {
                                survivor,
                                duplicate,
                            });
                    }
                }
            >
                {t!(i18n, crm.merge_into_this)}
            </button>
        </details>
    }
}

#[component]
fn Contacts(customer_id: i64, can_write: bool) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<api::AddContact>::new();
    let remove = ServerAction::<api::RemoveContact>::new();
    let contacts = Resource::new(
        move || (add.version().get(), remove.version().get()),
        move |_| api::list_contacts(customer_id),
    );
    let form = RwSignal::new(ContactForm::default());
    let errors = Signal::derive(move || add.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            form.set(ContactForm::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(api::AddContact {
            customer_id,
            form: form.get_untracked(),
        });
    };
    view! {
        <section class="card" aria-labelledby="contacts-title">
            <h2 id="contacts-title" class="card-title">
                {t!(i18n, crm.contacts)}
            </h2>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    contacts
                        .get()
                        .map(|result| {
                            result
                                .map(|list| {
                                    view! {
                                        <ul class="plain-list" data-testid="contacts">
                                            {list
                                                .into_iter()
                                                .map(|c| {
                                                    let contact_id = c.id;
                                                    view! {
                                                        <li class="contact">
                                                            <strong>{c.name}</strong>
                                                            " "
                                                            <span class="muted">{c.title}</span>
                                                            <br />
                                                            <span class="small">
                                                                {c.email.unwrap_or_default()} " "
                                                                {c.phone.unwrap_or_default()}
                                                            </span>
                                                            {can_write
                                                                .then(|| {
                                                                    view! {
                                                                        " "
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-ghost small"
                                                                            on:click=move |_| {
                                                                                remove.dispatch(api::RemoveContact { contact_id });
                                                                            }
                                                                        >
                                                                            {t!(i18n, crm.remove)}
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
                        })
                }}
            </Transition>
            {can_write
                .then(|| {
                    view! {
                        <form novalidate on:submit=submit>
                            <h3 class="card-title">{t!(i18n, crm.add_contact)}</h3>
                            <div class="field">
                                <label for="contact-name">{t!(i18n, admin.name)}</label>
                                <input
                                    id="contact-name"
                                    class="input"
                                    type="text"
                                    prop:value=move || form.read().name.clone()
                                    on:input=move |ev| {
                                        form.update(|f| f.name = event_target_value(&ev))
                                    }
                                />
                                <FieldError errors field="name" />
                            </div>
                            <div class="field">
                                <label for="contact-title">{t!(i18n, crm.job_title)}</label>
                                <input
                                    id="contact-title"
                                    class="input"
                                    type="text"
                                    prop:value=move || form.read().title.clone()
                                    on:input=move |ev| {
                                        form.update(|f| f.title = event_target_value(&ev))
                                    }
                                />
                            </div>
                            <div class="field">
                                <label for="contact-email">{t!(i18n, admin.email)}</label>
                                <input
                                    id="contact-email"
                                    class="input"
                                    type="email"
                                    prop:value=move || form.read().email.clone()
                                    on:input=move |ev| {
                                        form.update(|f| f.email = event_target_value(&ev))
                                    }
                                />
                                <FieldError errors field="email" />
                            </div>
                            <div class="field">
                                <label for="contact-phone">{t!(i18n, crm.phone)}</label>
                                <input
                                    id="contact-phone"
                                    class="input"
                                    type="tel"
                                    prop:value=move || form.read().phone.clone()
                                    on:input=move |ev| {
                                        form.update(|f| f.phone = event_target_value(&ev))
                                    }
                                />
                                <FieldError errors field="phone" />
                            </div>
                            <FormErrors errors field="form" />
                            <button type="submit" class="btn btn-secondary">
                                {t!(i18n, crm.add_contact)}
                            </button>
                        </form>
                    }
                })}
        </section>
    }
}
