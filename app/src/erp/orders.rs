//! `/orders`, `/orders/new`, `/orders/:id`, `/orders/:id/edit`: the order
//! list, the quote builder (product search as you type, live availability
//! and totals), and the order page with its actions and state history.

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    api, shipment_state_label, state_label,
    types::{OrderQuery, OrderView, QuoteForm, QuoteLine},
    DynFieldError, ErpTabs, PriceCols,
};
use crate::{
    auth::use_me,
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, use_list_query, Col, FilterBar, HiddenFilters, ListTable, Money,
        NewLink, Options, PageHeader, PagedList, SearchFilter, SelectFilter,
    },
    i18n::*,
};

const STATES: [&str; 7] = [
    "draft",
    "confirmed",
    "partially_shipped",
    "shipped",
    "invoiced",
    "closed",
    "cancelled",
];

/// The filters `/orders` keeps in its address.
const FILTERS: [&str; 9] = [
    "q",
    "state",
    "customer",
    "owner",
    "warehouse",
    "team",
    "segment",
    "from",
    "to",
];

/// `/orders`.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let request = move || OrderQuery {
        q: query.get("q"),
        state: query.get("state"),
        customer: query.id("customer"),
        owner: query.id("owner"),
        warehouse: query.id("warehouse"),
        team: query.id("team"),
        segment: query.get("segment"),
        from: query.get("from"),
        to: query.get("to"),
    };
    let orders = Resource::new(
        move || (request(), query.page()),
        |(request, page)| api::list_orders(request, page),
    );
    let can_write = use_me().is_some_and(|m| m.can("orders.write"));
    view! {
        <div class="page">
            <PageHeader title=move || { t_string!(i18n, erp.orders) }>
                <NewLink allowed=can_write href="/orders/new">
                    {t!(i18n, erp.new_quote)}
                </NewLink>
            </PageHeader>
            <ErpTabs current="orders" />
            <FilterBar>
                <SearchFilter
                    id="order-search"
                    name="q"
                    label=t!(i18n, erp.search_orders)
                    placeholder="SO-2026-"
                />
                <SelectFilter id="order-state" name="state" label=t!(i18n, crm.status)>
                    <option value="open">{t!(i18n, erp.open_orders)}</option>
                    <option value="approval">{t!(i18n, erp.awaiting_approval)}</option>
                    <option value="booked">{t!(i18n, erp.booked_orders)}</option>
                    <Options values=&STATES label=state_label />
                </SelectFilter>
                <HiddenFilters keys=&[
                    "customer",
                    "owner",
                    "warehouse",
                    "team",
                    "segment",
                    "from",
                    "to",
                ] />
            </FilterBar>
            <ExportCsv
                name="orders"
                headers=vec![
                    t_string!(i18n, erp.number).to_owned(),
                    t_string!(i18n, crm.customer).to_owned(),
                    t_string!(i18n, crm.status).to_owned(),
                    t_string!(i18n, erp.total).to_owned(),
                    t_string!(i18n, crm.currency).to_owned(),
                    t_string!(i18n, erp.ship_by).to_owned(),
                    t_string!(i18n, crm.created).to_owned(),
                ]
                run=move |headers| api::export_orders(request(), headers)
            />
            {move || {
                (query.get("from").is_some() || query.get("to").is_some())
                    .then(|| {
                        view! {
                            <p class="notice small" data-testid="order-period">
                                {t!(i18n, erp.ordered_between)}
                                " "
                                {query.get("from").unwrap_or_default()}
                                " – "
                                {query.get("to").unwrap_or_default()}
                                " · "
                                <a href="/orders">{t!(i18n, erp.clear_filters)}</a>
                            </p>
                        }
                    })
            }}
            <PagedList
                list=orders
                link=query.pager("/orders", &FILTERS)
                counted=t!(i18n, erp.orders_found)
                count_testid="order-count"
                let:items
            >
                <OrderTable rows=items />
            </PagedList>
        </div>
    }
}

/// A table of orders (the list and the customer page).
#[component]
pub fn OrderTable(rows: Vec<super::types::OrderRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListTable
            testid="orders"
            head=view! {
                <Col>{t!(i18n, erp.number)}</Col>
                <Col>{t!(i18n, crm.customer)}</Col>
                <Col>{t!(i18n, crm.status)}</Col>
                <Col num=true>{t!(i18n, erp.total)}</Col>
                <Col>{t!(i18n, erp.ship_by)}</Col>
                <Col>{t!(i18n, crm.created)}</Col>
            }
        >
            {rows
                .into_iter()
                .map(|o| {
                    view! {
                        <tr>
                            <td>
                                <a href=format!("/orders/{}", o.id)>
                                    <code>{o.number}</code>
                                </a>
                            </td>
                            <td>
                                <a href=format!("/customers/{}", o.customer_id)>{o.customer}</a>
                            </td>
                            <td>
                                <span class="badge" data-state=o.state.clone()>
                                    {state_label(&o.state, i18n)}
                                </span>
                                {o
                                    .awaiting_approval
                                    .then(|| {
                                        view! {
                                            " "
                                            <span class="badge badge-warning">
                                                {t!(i18n, erp.awaiting_approval)}
                                            </span>
                                        }
                                    })}
                            </td>
                            <td class="num">
                                <Money amount=o.total currency=o.currency />
                            </td>
                            <td class="small">{o.ship_by}</td>
                            <td class="small">{o.created}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
}

/// The quote builder, for a new quote (`existing` none) or a draft.
#[component]
fn QuoteBuilder(
    form: RwSignal<QuoteForm>,
    existing: Option<i64>,
    customer_name: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateOrder>::new();
    let update = ServerAction::<api::UpdateOrder>::new();
    // The warehouses, and the company's default one a new quote ships from
    // (0 when it cannot be had).
    let warehouses = Resource::new(
        || (),
        |_| async move {
            let list = api::list_warehouses().await?;
            let default = api::quote_defaults().await.map_or(0, |d| d.warehouse_id);
            Ok::<_, crate::error::AppError>((list, default))
        },
    );
    let errors = Signal::derive(move || {
        if existing.is_some() {
            update.value().get().and_then(Result::err)
        } else {
            create.value().get().and_then(Result::err)
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let _ = window().location().set_href(&format!("/orders/{id}"));
        }
        if let (Some(Ok(())), Some(id)) = (update.value().get(), existing) {
            let _ = window().location().set_href(&format!("/orders/{id}"));
        }
    });
    // A new quote starts from the default warehouse the domain names
    // (the first active one only if that cannot be had).
    Effect::new(move |_| {
        if form.read_untracked().warehouse_id != 0 {
            return;
        }
        let Some(Ok((list, default))) = warehouses.get() else {
            return;
        };
        let id = list
            .iter()
            .find(|w| w.active && w.id == default)
            .or_else(|| list.iter().find(|w| w.active))
            .map(|w| w.id);
        if let Some(id) = id {
            form.update(|f| f.warehouse_id = id);
        }
    });
    let preview = Resource::new(
        move || form.get(),
        |f| async move {
            if f.lines.is_empty() || f.warehouse_id == 0 {
                None
            } else {
                Some(api::preview_quote(f).await)
            }
        },
    );
    let preview_errors = Signal::derive(move || preview.get().flatten().and_then(Result::err));
    let search = RwSignal::new(String::new());
    let offers = Resource::new(
        move || (search.get(), form.read().warehouse_id),
        |(text, warehouse)| async move {
            if text.trim().is_empty() || warehouse == 0 {
                Vec::new()
            } else {
                api::search_products(text, warehouse)
                    .await
                    .unwrap_or_default()
            }
        },
    );
    let customer_search = RwSignal::new(String::new());
    let customers = Resource::new(
        move || customer_search.get(),
        |text| async move {
            if text.trim().len() < 2 {
                Vec::new()
            } else {
                crate::crm::api::pick_customers(text)
                    .await
                    .unwrap_or_default()
            }
        },
    );
    let line_field = move |i: usize, name: &'static str| format!("lines.{i}.{name}");
    view! {
        <form
            class="card"
            novalidate
            data-testid="quote"
            on:submit=move |ev| {
                ev.prevent_default();
                match existing {
                    Some(id) => {
                        update
                            .dispatch(api::UpdateOrder {
                                id,
                                form: form.get_untracked(),
                            });
                    }
                    None => {
                        create
                            .dispatch(api::CreateOrder {
                                form: form.get_untracked(),
                            });
                    }
                }
            }
        >
            {match customer_name {
                Some(name) => {
                    view! {
                        <p>
                            <span class="muted">{t!(i18n, crm.customer)} ": "</span>
                            <strong data-testid="quote-customer">{name}</strong>
                        </p>
                        <FieldError errors field="customer_id" />
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <div class="field">
                            <label for="quote-customer-search">{t!(i18n, crm.find_customer)}</label>
                            <input
                                id="quote-customer-search"
                                class="input"
                                type="search"
                                prop:value=move || customer_search.get()
                                on:input=move |ev| customer_search.set(event_target_value(&ev))
                            />
                            <label for="quote-customer">{t!(i18n, crm.customer)}</label>
                            <select
                                id="quote-customer"
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
                                        customers
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
                        .into_any()
                }
            }}
            <div class="grid grid-2">
                <div class="field">
                    <label for="quote-warehouse">{t!(i18n, erp.warehouse)}</label>
                    <select
                        id="quote-warehouse"
                        class="select"
                        prop:value=move || form.read().warehouse_id.to_string()
                        on:change=move |ev| {
                            form.update(|f| {
                                f.warehouse_id = event_target_value(&ev).parse().unwrap_or(0);
                            })
                        }
                    >
                        <Transition>
                            {move || {
                                warehouses
                                    .get()
                                    .and_then(Result::ok)
                                    .unwrap_or_default()
                                    .0
                                    .into_iter()
                                    .filter(|w| w.active)
                                    .map(|w| {
                                        view! {
                                            <option value=w
                                                .id
                                                .to_string()>{format!("{} · {}", w.code, w.name)}</option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </Transition>
                    </select>
                    <FieldError errors field="warehouse_id" />
                </div>
                <div class="field">
                    <label for="quote-ship-by">{t!(i18n, erp.ship_by)}</label>
                    <input
                        id="quote-ship-by"
                        class="input"
                        type="date"
                        prop:value=move || form.read().ship_by.clone()
                        on:change=move |ev| form.update(|f| f.ship_by = event_target_value(&ev))
                    />
                    <FieldError errors field="ship_by" />
                </div>
            </div>
            <div class="field">
                <label for="quote-product-search">{t!(i18n, erp.add_product)}</label>
                <input
                    id="quote-product-search"
                    class="input"
                    type="search"
                    autocomplete="off"
                    placeholder=move || t_string!(i18n, erp.search_products)
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <Transition>
                    {move || {
                        let list = offers.get().unwrap_or_default();
                        (!list.is_empty())
                            .then(|| {
                                view! {
                                    <ul class="offer-list" role="list" data-testid="offers">
                                        {list
                                            .into_iter()
                                            .map(|o| {
                                                let stock_class = if o.available > 0 {
                                                    "muted"
                                                } else {
                                                    "badge badge-warning"
                                                };
                                                let line = QuoteLine {
                                                    product_id: o.id,
                                                    sku: o.sku.clone(),
                                                    name: o.name.clone(),
                                                    quantity: "1".into(),
                                                    unit_price: o.list_price.clone(),
                                                    discount: "0".into(),
                                                    tax_rate: o.tax_rate.clone(),
                                                };
                                                view! {
                                                    <li>
                                                        <button
                                                            type="button"
                                                            class="btn btn-ghost offer"
                                                            on:click=move |_| {
                                                                let line = line.clone();
                                                                form.update(|f| f.lines.push(line));
                                                                search.set(String::new());
                                                            }
                                                        >
                                                            <code>{o.sku.clone()}</code>
                                                            " "
                                                            {o.name.clone()}
                                                            " · "
                                                            {o.list_price.clone()}
                                                            " · "
                                                            <span class=stock_class>
                                                                {t!(i18n, erp.available)} " " {o.available} " "
                                                                {o.unit.clone()}
                                                            </span>
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })
                    }}
                </Transition>
            </div>
            <FieldError errors field="lines" />
            <div class="table-wrap">
                <table class="table quote-lines" data-testid="quote-lines">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, erp.product)}</th>
                            <th scope="col">{t!(i18n, erp.quantity)}</th>
                            <th scope="col">{t!(i18n, erp.unit_price)}</th>
                            <th scope="col">{t!(i18n, erp.discount_percent)}</th>
                            <th scope="col">{t!(i18n, erp.tax_rate_percent)}</th>
                            <th scope="col" class="num">
                                {t!(i18n, erp.available)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, erp.net)}
                            </th>
                            <th scope="col">
                                <span class="visually-hidden">{t!(i18n, common.actions)}</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            form.read()
                                .lines
                                .iter()
                                .enumerate()
                                .map(|(i, l)| {
                                    macro_rules! cell {
                                        ($field:ident, $label:expr, $mode:literal) => {
                                            view! { < td > < label class = "visually-hidden" for =
                                            format!("line-{i}-{}", stringify!($field)) > { $label } " "
                                            { l.sku.clone() } </ label > < input id =
                                            format!("line-{i}-{}", stringify!($field)) class =
                                            "input input-narrow" type = "text" inputmode =$mode prop :
                                            value = l.$field .clone() on : change = move | ev | form
                                            .update(| f | if let Some(line) = f.lines.get_mut(i) { line
                                            .$field = event_target_value(& ev); }) /> < DynFieldError
                                            errors field = line_field(i, stringify!($field)) /> <
                                            DynFieldError errors = preview_errors field = line_field(i,
                                            stringify!($field)) /> </ td > }
                                        };
                                    }
                                    view! {
                                        <tr data-sku=l.sku.clone()>
                                            <td>
                                                <code>{l.sku.clone()}</code>
                                                " "
                                                {l.name.clone()}
                                                <DynFieldError errors field=line_field(i, "product_id") />
                                            </td>
                                            {cell!(quantity, t!(i18n, erp.quantity), "numeric")}
                                            {cell!(unit_price, t!(i18n, erp.unit_price), "decimal")}
                                            {cell!(discount, t!(i18n, erp.discount_percent), "decimal")}
                                            {cell!(tax_rate, t!(i18n, erp.tax_rate_percent), "decimal")}
                                            <td class="num" data-col="available">
                                                <Transition>
                                                    {move || {
                                                        preview
                                                            .get()
                                                            .flatten()
                                                            .and_then(Result::ok)
                                                            .and_then(|p| p.lines.get(i).cloned())
                                                            .map(|l| {
                                                                let short = l.available <= 0;
                                                                view! {
                                                                    <span class:badge=short class:badge-warning=short>
                                                                        {l.available}
                                                                    </span>
                                                                    {l
                                                                        .elsewhere
                                                                        .map(|e| {
                                                                            view! {
                                                                                " "
                                                                                <span
                                                                                    class="small badge badge-warning"
                                                                                    data-testid="stock-elsewhere"
                                                                                >
                                                                                    {t!(i18n, erp.stock_elsewhere)}
                                                                                    " "
                                                                                    {e.code}
                                                                                    ": "
                                                                                    {e.available}
                                                                                </span>
                                                                            }
                                                                        })}
                                                                }
                                                            })
                                                    }}
                                                </Transition>
                                            </td>
                                            <td class="num" data-col="net">
                                                <Transition>
                                                    {move || {
                                                        preview
                                                            .get()
                                                            .flatten()
                                                            .and_then(Result::ok)
                                                            .and_then(|p| p.lines.get(i).map(|l| l.net.clone()))
                                                    }}
                                                </Transition>
                                            </td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="btn btn-ghost small"
                                                    on:click=move |_| {
                                                        form.update(|f| {
                                                            if i < f.lines.len() {
                                                                f.lines.remove(i);
                                                            }
                                                        })
                                                    }
                                                >
                                                    {t!(i18n, erp.remove)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <Transition>
                {move || {
                    preview
                        .get()
                        .flatten()
                        .and_then(Result::ok)
                        .map(|p| {
                            view! {
                                <dl class="totals" data-testid="quote-totals">
                                    <dt>{t!(i18n, erp.subtotal)}</dt>
                                    <dd data-col="subtotal">{p.subtotal}</dd>
                                    <dt>{t!(i18n, erp.tax)}</dt>
                                    <dd data-col="tax">{p.tax}</dd>
                                    <dt>{t!(i18n, erp.total)}</dt>
                                    <dd data-col="total">
                                        <strong>{p.total}</strong>
                                    </dd>
                                </dl>
                            }
                        })
                }}
            </Transition>
            <p class="muted small">{t!(i18n, erp.rounding_rule)}</p>
            <div class="field">
                <label for="quote-notes">{t!(i18n, erp.notes)}</label>
                <textarea
                    id="quote-notes"
                    class="input"
                    rows="3"
                    prop:value=move || form.read().notes.clone()
                    on:change=move |ev| form.update(|f| f.notes = event_target_value(&ev))
                ></textarea>
                <FieldError errors field="notes" />
            </div>
            <FormErrors errors field="form" />
            <button
                type="submit"
                class="btn btn-primary"
                disabled=move || create.pending().get() || update.pending().get()
            >
                {t!(i18n, erp.save_quote)}
            </button>
        </form>
    }
}

/// `/orders/new` (with `?customer=` from the customer page).
#[component]
pub fn NewQuotePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let preset: i64 = query
        .read_untracked()
        .get("customer")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let customer = Resource::new(
        move || preset,
        |id| async move {
            if id == 0 {
                None
            } else {
                crate::customers::api::get_customer(id).await.ok()
            }
        },
    );
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.new_quote).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, erp.new_quote)}</h1>
            </header>
            <Transition fallback=loading>
                {move || {
                    customer
                        .get()
                        .map(|c| {
                            let form = RwSignal::new(QuoteForm {
                                customer_id: c.as_ref().map_or(0, |c| c.summary.id),
                                ..Default::default()
                            });
                            view! {
                                <QuoteBuilder
                                    form
                                    existing=None
                                    customer_name=c.map(|c| c.summary.name)
                                />
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/orders/:id/edit`.
#[component]
pub fn EditQuotePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let order = Resource::new(id, api::get_order);
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.edit_quote).to_owned()
        }) />
        <div class="page">
            <Transition fallback=loading>
                {move || {
                    order
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(o) => {
                                let form = RwSignal::new(o.form.clone());
                                view! {
                                    <header class="page-header">
                                        <h1>
                                            {t!(i18n, erp.edit_quote)} " "
                                            <code>{o.number.clone()}</code>
                                        </h1>
                                    </header>
                                    {if o.can_edit {
                                        view! {
                                            <QuoteBuilder
                                                form
                                                existing=Some(o.id)
                                                customer_name=Some(o.customer.clone())
                                            />
                                        }
                                            .into_any()
                                    } else {
                                        view! { <p class="notice">{t!(i18n, erp.not_editable)}</p> }
                                            .into_any()
                                    }}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

fn step_label(kind: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match kind {
        "created" => t_string!(i18n, erp.step_created),
        "approved" => t_string!(i18n, erp.step_approved),
        "confirmed" => t_string!(i18n, erp.state_confirmed),
        "shipped" => t_string!(i18n, erp.step_shipped),
        _ => t_string!(i18n, erp.state_cancelled),
    }
}

/// `/orders/:id`.
#[component]
pub fn OrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let confirm = ServerAction::<api::ConfirmOrder>::new();
    let approve = ServerAction::<api::ApproveOrder>::new();
    let cancel = ServerAction::<api::CancelOrder>::new();
    let reserve = ServerAction::<api::ReserveOrder>::new();
    let order = Resource::new(
        move || {
            (
                id(),
                confirm.version().get(),
                approve.version().get(),
                cancel.version().get(),
                reserve.version().get(),
            )
        },
        |(id, ..)| api::get_order(id),
    );
    let errors = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| approve.value().get().and_then(Result::err))
            .or_else(|| cancel.value().get().and_then(Result::err))
            .or_else(|| reserve.value().get().and_then(Result::err))
    });
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, erp.orders).to_owned()) />
        <div class="page">
            <ErpTabs current="orders" />
            <Transition fallback=loading>
                {move || {
                    order
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(o) => {
                                view! { <OrderBody o errors confirm approve cancel reserve /> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

#[component]
fn OrderBody(
    o: OrderView,
    errors: Signal<Option<crate::error::AppError>>,
    confirm: ServerAction<api::ConfirmOrder>,
    approve: ServerAction<api::ApproveOrder>,
    cancel: ServerAction<api::CancelOrder>,
    reserve: ServerAction<api::ReserveOrder>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = o.id;
    let reason = RwSignal::new(String::new());
    let backordered: i64 = o.lines.iter().map(|l| l.backordered).sum();
    let holds = o.state == "confirmed" || o.state == "partially_shipped";
    let approval = o.approval_reason.clone();
    let draft = o.state == "draft";
    let lines = o.lines.clone();
    view! {
        <header class="page-header page-header-row">
            <div>
                <h1>
                    <code data-testid="order-number">{o.number.clone()}</code>
                    " "
                    <span class="badge" data-testid="order-state" data-state=o.state.clone()>
                        {state_label(&o.state, i18n)}
                    </span>
                </h1>
                <p class="muted">
                    <a href=format!("/customers/{}", o.customer_id)>{o.customer.clone()}</a>
                    " · "
                    {o.warehouse.clone()}
                    " · "
                    {t!(i18n, erp.ship_by)}
                    " "
                    {o.ship_by.clone()}
                    {o
                        .owner
                        .clone()
                        .map(|n| {
                            view! {
                                " · "
                                {n}
                            }
                        })}
                </p>
            </div>
            <div class="user-menu no-print">
                {o
                    .can_edit
                    .then(|| {
                        view! {
                            <a class="btn btn-secondary" href=format!("/orders/{id}/edit")>
                                {t!(i18n, erp.edit_quote)}
                            </a>
                        }
                    })}
                {o
                    .can_approve
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-secondary"
                                on:click=move |_| {
                                    approve.dispatch(api::ApproveOrder { id });
                                }
                            >
                                {t!(i18n, erp.approve)}
                            </button>
                        }
                    })}
                {o
                    .can_confirm
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary"
                                data-testid="confirm"
                                disabled=move || confirm.pending().get()
                                on:click=move |_| {
                                    confirm.dispatch(api::ConfirmOrder { id });
                                }
                            >
                                {t!(i18n, erp.confirm)}
                            </button>
                        }
                    })}
                {(holds && backordered > 0 && use_me().is_some_and(|m| m.can("orders.confirm")))
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-secondary"
                                on:click=move |_| {
                                    reserve.dispatch(api::ReserveOrder { id });
                                }
                            >
                                {t!(i18n, erp.reserve_backorders)}
                            </button>
                        }
                    })}
            </div>
        </header>
        <FormErrors errors field="form" />
        {move || {
            reserve
                .value()
                .get()
                .and_then(Result::ok)
                .map(|n| {
                    view! {
                        <p class="notice" role="status">
                            {t!(i18n, erp.reserved_now)}
                            " "
                            {n}
                        </p>
                    }
                })
        }}
        {(draft && !approval.is_empty())
            .then(|| {
                view! {
                    <p class="notice notice-warning" data-testid="approval-needed">
                        {if o.can_approve {
                            t_string!(i18n, erp.approval_needed)
                        } else {
                            t_string!(i18n, erp.approval_needed_sales)
                        }}
                        " "
                        {approval
                            .split(',')
                            .map(|r| match r {
                                "credit_limit" => t_string!(i18n, erp.reason_credit),
                                "tax" => t_string!(i18n, erp.reason_tax),
                                _ => t_string!(i18n, erp.reason_discount),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")}
                    </p>
                }
            })}
        {o
            .approved_by
            .clone()
            .map(|who| {
                view! {
                    <p class="muted small" data-testid="approved-by">
                        {t!(i18n, erp.approved_by)}
                        " "
                        {who}
                    </p>
                }
            })}
        <ListTable
            testid="order-lines"
            head=view! {
                <Col>"#"</Col>
                <Col>{t!(i18n, erp.product)}</Col>
                <PriceCols />
                <Col num=true>{t!(i18n, erp.reserved)}</Col>
                <Col num=true>{t!(i18n, erp.shipped)}</Col>
                <Col num=true>{t!(i18n, erp.backordered)}</Col>
                <Col num=true>{t!(i18n, erp.available)}</Col>
            }
        >
            {lines
                .into_iter()
                .map(|l| {
                    view! {
                        <tr data-sku=l.sku.clone()>
                            <td>{l.line_no}</td>
                            <td>
                                <a href=format!("/products/{}", l.product_id)>
                                    <code>{l.sku.clone()}</code>
                                </a>
                                " "
                                {l.description}
                            </td>
                            <td class="num">
                                {l.quantity} " " <span class="muted small">{l.unit}</span>
                            </td>
                            <td class="num">{l.unit_price}</td>
                            <td class="num">{l.discount}</td>
                            <td class="num">{l.tax_rate}</td>
                            <td class="num">{l.net}</td>
                            <td class="num" data-col="reserved">
                                {l.reserved}
                            </td>
                            <td class="num" data-col="shipped">
                                {l.shipped}
                            </td>
                            <td class="num" data-col="backordered">
                                {(l.backordered > 0)
                                    .then(|| {
                                        view! {
                                            <span class="badge badge-warning">{l.backordered}</span>
                                        }
                                    })}
                            </td>
                            <td class="num">{l.available}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
        <dl class="totals" data-testid="order-totals">
            <dt>{t!(i18n, erp.subtotal)}</dt>
            <dd>{o.subtotal.clone()}</dd>
            <dt>{t!(i18n, erp.tax)}</dt>
            <dd>{o.tax.clone()}</dd>
            <dt>{t!(i18n, erp.total)}</dt>
            <dd>
                <strong>
                    <Money amount=o.total.clone() currency=o.currency.clone() />
                </strong>
            </dd>
        </dl>
        {(!o.notes.is_empty()).then(|| view! { <p class="pre">{o.notes.clone()}</p> })}
        <div class="grid grid-2">
            <section class="card" aria-labelledby="history-title">
                <h2 id="history-title" class="card-title">
                    {t!(i18n, erp.history)}
                </h2>
                <ol class="timeline" data-testid="order-history">
                    {o
                        .history
                        .iter()
                        .map(|s| {
                            view! {
                                <li class="timeline-item" data-kind=s.kind.clone()>
                                    <time class="small muted">{s.at.clone()}</time>
                                    " "
                                    <span class="badge">{step_label(&s.kind, i18n)}</span>
                                    " "
                                    {s.detail.clone()}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
            <section class="card" aria-labelledby="shipments-title">
                <h2 id="shipments-title" class="card-title">
                    {t!(i18n, erp.shipments)}
                </h2>
                {o
                    .shipments
                    .is_empty()
                    .then(|| view! { <p class="muted">{t!(i18n, crm.nothing_yet)}</p> })}
                <ul role="list" class="plain-list" data-testid="order-shipments">
                    {o
                        .shipments
                        .iter()
                        .map(|s| {
                            view! {
                                <li>
                                    <a href=format!("/shipments/{}", s.id)>
                                        <code>{s.number.clone()}</code>
                                    </a>
                                    " "
                                    <span class="badge">
                                        {shipment_state_label(&s.state, i18n)}
                                    </span>
                                    " "
                                    {format!("{} {}", s.carrier, s.tracking)}
                                    " "
                                    <span class="muted small">
                                        {s.shipped.clone().unwrap_or_else(|| s.created.clone())}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {o.can_ship.then(|| view! { <CreateShipment order=o.clone() /> })}
            </section>
        </div>
        <crate::money::invoices::OrderInvoices order_id=o.id state=o.state.clone() />
        {o
            .can_cancel
            .then(|| {
                view! {
                    <form
                        class="card no-print"
                        novalidate
                        on:submit=move |ev| {
                            ev.prevent_default();
                            cancel
                                .dispatch(api::CancelOrder {
                                    id,
                                    reason: reason.get_untracked(),
                                });
                        }
                    >
                        <h2 class="card-title">{t!(i18n, erp.cancel_order)}</h2>
                        <div class="field">
                            <label for="cancel-reason">{t!(i18n, erp.reason_optional)}</label>
                            <input
                                id="cancel-reason"
                                class="input"
                                type="text"
                                prop:value=move || reason.get()
                                on:change=move |ev| reason.set(event_target_value(&ev))
                            />
                            <FieldError errors field="reason" />
                        </div>
                        <button type="submit" class="btn btn-danger">
                            {t!(i18n, erp.cancel_order)}
                        </button>
                    </form>
                }
            })}
    }
}

/// The form creating a shipment from what is reserved.
#[component]
fn CreateShipment(order: OrderView) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreateShipment>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let _ = window().location().set_href(&format!("/shipments/{id}"));
        }
    });
    let free: Vec<(i64, String, i64)> = order
        .lines
        .iter()
        .map(|l| (l.id, l.sku.clone(), l.reserved - l.in_shipments))
        .filter(|(_, _, q)| *q > 0)
        .collect();
    let quantities = RwSignal::new(
        free.iter()
            .map(|(_, _, q)| q.to_string())
            .collect::<Vec<_>>(),
    );
    let order_id = order.id;
    let ids: Vec<i64> = free.iter().map(|f| f.0).collect();
    (!free.is_empty()).then(|| view! {
        <form
            novalidate
            data-testid="create-shipment"
            on:submit=move |ev| {
                ev.prevent_default();
                let lines = ids
                    .iter()
                    .zip(quantities.get_untracked())
                    .map(|(id, q)| (*id, q.trim().parse::<i64>().unwrap_or(-1)))
                    .collect();
                create
                    .dispatch(api::CreateShipment {
                        order_id,
                        lines,
                    });
            }
        >
            <h3>{t!(i18n, erp.new_shipment)}</h3>
            {free
                .iter()
                .enumerate()
                .map(|(i, (_, sku, _))| {
                    view! {
                        <div class="field">
                            <label for=format!(
                                "ship-qty-{i}",
                            )>{t!(i18n, erp.ship_quantity)} " " <code>{sku.clone()}</code></label>
                            <input
                                id=format!("ship-qty-{i}")
                                class="input input-narrow"
                                type="text"
                                inputmode="numeric"
                                prop:value=move || {
                                    quantities.read().get(i).cloned().unwrap_or_default()
                                }
                                on:change=move |ev| {
                                    quantities
                                        .update(|q| {
                                            if let Some(v) = q.get_mut(i) {
                                                *v = event_target_value(&ev);
                                            }
                                        })
                                }
                            />
                            <DynFieldError errors field=format!("lines.{i}.quantity") />
                        </div>
                    }
                })
                .collect_view()}
            <FormErrors errors field="form" />
            <button type="submit" class="btn btn-primary">
                {t!(i18n, erp.create_shipment)}
            </button>
        </form>
    })
}
