//! `/purchase-orders`, `/purchase-orders/:id` (send, receive, close),
//! `/suppliers`, `/suppliers/:id` (prices), `/replenishment`, and the
//! supply section of a product's page (forecast, incoming, reorder rules).

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::{api, po_state_label, reason_label, types::*, PurchasingTabs};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, use_list_query, Col, FilterBar, ListTable, Money, Options, PageHeader,
        PagedList, SearchFilter, SelectFilter,
    },
    erp::{api as erp_api, DynFieldError},
    i18n::*,
};

/// `/purchase-orders`: the list and a new order.
#[component]
pub fn PurchaseOrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let list = Resource::new(
        move || (query.get("state"), query.page()),
        |(state, page)| api::list_purchase_orders(state, page),
    );
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, money.purchase_orders) />
            <PurchasingTabs current="orders" />
            <FilterBar>
                <SelectFilter id="po-state" name="state" label=t!(i18n, crm.status)>
                    <option value="open">{t!(i18n, money.open_pos)}</option>
                    <Options
                        values=&[
                            "draft",
                            "sent",
                            "partially_received",
                            "received",
                            "closed",
                            "cancelled",
                        ]
                        label=po_state_label
                    />
                </SelectFilter>
            </FilterBar>
            <ExportCsv
                name="purchase_orders"
                headers=vec![
                    t_string!(i18n, erp.number).to_owned(),
                    t_string!(i18n, money.supplier).to_owned(),
                    t_string!(i18n, erp.warehouse).to_owned(),
                    t_string!(i18n, crm.status).to_owned(),
                    t_string!(i18n, money.expected).to_owned(),
                    t_string!(i18n, erp.total).to_owned(),
                    t_string!(i18n, crm.currency).to_owned(),
                ]
                run=move |headers| api::export_purchase_orders(query.get("state"), headers)
            />
            <PagedList list link=query.pager("/purchase-orders", &["state"]) let:items>
                <ListTable
                    testid="purchase-orders"
                    head=view! {
                        <Col>{t!(i18n, erp.number)}</Col>
                        <Col>{t!(i18n, money.supplier)}</Col>
                        <Col>{t!(i18n, erp.warehouse)}</Col>
                        <Col>{t!(i18n, crm.status)}</Col>
                        <Col>{t!(i18n, money.expected)}</Col>
                        <Col num=true>{t!(i18n, erp.total)}</Col>
                    }
                >
                    {items
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/purchase-orders/{}", p.id)>
                                            <code>{p.number}</code>
                                        </a>
                                    </td>
                                    <td>{p.supplier}</td>
                                    <td>{p.warehouse}</td>
                                    <td>
                                        <span class="badge">{po_state_label(&p.state, i18n)}</span>
                                    </td>
                                    <td class="small">{p.expected_on}</td>
                                    <td class="num">
                                        <Money amount=p.total currency=p.currency />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            </PagedList>
            <NewPurchaseOrder />
        </div>
    }
}

#[component]
fn NewPurchaseOrder() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<api::CreatePurchaseOrder>::new();
    let suppliers = Resource::new(|| (), |_| api::list_suppliers(None, 1));
    let houses = Resource::new(|| (), |_| erp_api::list_warehouses());
    let supplier = RwSignal::new(String::new());
    let warehouse = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let lines: Vec<(RwSignal<String>, RwSignal<String>)> = (0..5)
        .map(|_| (RwSignal::new(String::new()), RwSignal::new(String::new())))
        .collect();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/purchase-orders/{id}"), Default::default());
        }
    });
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let submit_lines = lines.clone();
    view! {
        <form
            class="card"
            novalidate
            data-testid="new-po"
            on:submit=move |ev| {
                ev.prevent_default();
                create
                    .dispatch(api::CreatePurchaseOrder {
                        supplier_id: supplier.get_untracked().parse().unwrap_or(0),
                        warehouse_id: warehouse.get_untracked().parse().unwrap_or(0),
                        notes: notes.get_untracked(),
                        lines: submit_lines
                            .iter()
                            .map(|(s, q)| PoLineForm {
                                sku: s.get_untracked(),
                                quantity: q.get_untracked(),
                            })
                            .collect(),
                    });
            }
        >
            <h2 class="card-title">{t!(i18n, money.new_po)}</h2>
            <div class="field">
                <label for="po-supplier">{t!(i18n, money.supplier)}</label>
                <select
                    id="po-supplier"
                    class="select"
                    prop:value=move || supplier.get()
                    on:change=move |ev| supplier.set(event_target_value(&ev))
                >
                    <option value="">"—"</option>
                    <Transition>
                        {move || {
                            suppliers
                                .get()
                                .map(|r| {
                                    r.map(|page| {
                                        page.items
                                            .into_iter()
                                            .filter(|s| s.active)
                                            .map(|s| {
                                                view! {
                                                    <option value=s.id.to_string()>{s.name.clone()}</option>
                                                }
                                            })
                                            .collect_view()
                                    })
                                })
                        }}
                    </Transition>
                </select>
                <FieldError errors field="supplier_id" />
            </div>
            <div class="field">
                <label for="po-warehouse">{t!(i18n, erp.warehouse)}</label>
                <select
                    id="po-warehouse"
                    class="select"
                    prop:value=move || warehouse.get()
                    on:change=move |ev| warehouse.set(event_target_value(&ev))
                >
                    <option value="">"—"</option>
                    <Transition>
                        {move || {
                            houses
                                .get()
                                .map(|r| {
                                    r.map(|rows| {
                                        rows.into_iter()
                                            .filter(|w| w.active)
                                            .map(|w| {
                                                view! {
                                                    <option value=w
                                                        .id
                                                        .to_string()>
                                                        {w.code.clone()} " · " {w.name.clone()}
                                                    </option>
                                                }
                                            })
                                            .collect_view()
                                    })
                                })
                        }}
                    </Transition>
                </select>
                <FieldError errors field="warehouse_id" />
            </div>
            {lines
                .iter()
                .enumerate()
                .map(|(i, (sku, qty))| {
                    let (sku, qty) = (*sku, *qty);
                    let sku_id = format!("po-sku-{i}");
                    let qty_id = format!("po-qty-{i}");
                    view! {
                        <div class="grid-2">
                            <div class="field">
                                <label for=sku_id.clone()>{t!(i18n, erp.sku)} " " {i + 1}</label>
                                <input
                                    id=sku_id
                                    class="input"
                                    prop:value=move || sku.get()
                                    on:change=move |ev| sku.set(event_target_value(&ev))
                                />
                                <DynFieldError errors field=format!("lines.{i}.product_id") />
                            </div>
                            <div class="field">
                                <label for=qty_id
                                    .clone()>{t!(i18n, erp.quantity)} " " {i + 1}</label>
                                <input
                                    id=qty_id
                                    class="input input-narrow"
                                    inputmode="numeric"
                                    prop:value=move || qty.get()
                                    on:change=move |ev| qty.set(event_target_value(&ev))
                                />
                                <DynFieldError errors field=format!("lines.{i}.quantity") />
                            </div>
                        </div>
                    }
                })
                .collect_view()}
            <FieldError errors field="lines" />
            <div class="field">
                <label for="po-notes">{t!(i18n, erp.notes)}</label>
                <textarea
                    id="po-notes"
                    class="input"
                    prop:value=move || notes.get()
                    on:change=move |ev| notes.set(event_target_value(&ev))
                ></textarea>
                <FieldError errors field="notes" />
            </div>
            <FormErrors errors field="form" />
            <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                {t!(i18n, money.create_po)}
            </button>
        </form>
    }
}

/// `/purchase-orders/:id`.
#[component]
pub fn PurchaseOrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let step = ServerAction::<api::StepPurchaseOrder>::new();
    let receive = ServerAction::<api::ReceivePurchaseOrder>::new();
    let po = Resource::new(
        move || (id(), step.version().get(), receive.version().get()),
        |(id, _, _)| api::get_purchase_order(id),
    );
    let errors = Signal::derive(move || {
        receive
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| step.value().get().and_then(Result::err))
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, money.purchase_order).to_owned()
        }) />
        <div class="page">
            <PurchasingTabs current="orders" />
            <Transition fallback=loading>
                {move || {
                    po.get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(v) => {
                                let pid = v.row.id;
                                let state = v.row.state.clone();
                                let receivable = v.can_receive
                                    && (state == "sent" || state == "partially_received");
                                let qty: Vec<(i64, RwSignal<String>)> = v
                                    .lines
                                    .iter()
                                    .map(|l| (l.id, RwSignal::new(String::new())))
                                    .collect();
                                let submit = qty.clone();
                                view! {
                                    <header class="page-header page-header-row">
                                        <div>
                                            <h1>
                                                {t!(i18n, money.purchase_order)} " "
                                                <code data-testid="po-number">{v.row.number.clone()}</code>
                                                " " <span class="badge" data-testid="po-state">
                                                    {po_state_label(&state, i18n)}
                                                </span>
                                            </h1>
                                            <p class="muted">
                                                <a href=format!(
                                                    "/suppliers/{}",
                                                    v.supplier_id,
                                                )>{v.row.supplier.clone()}</a>
                                                " · "
                                                {t!(i18n, erp.warehouse)}
                                                " "
                                                {v.row.warehouse.clone()}
                                                " · "
                                                {t!(i18n, money.expected)}
                                                " "
                                                {v.row.expected_on.clone()}
                                            </p>
                                        </div>
                                        <div class="actions">
                                            {(v.can_write && state == "draft")
                                                .then(|| {
                                                    view! {
                                                        <button
                                                            type="button"
                                                            class="btn btn-primary"
                                                            data-testid="po-send"
                                                            on:click=move |_| {
                                                                step.dispatch(api::StepPurchaseOrder {
                                                                    id: pid,
                                                                    step: "send".into(),
                                                                });
                                                            }
                                                        >
                                                            {t!(i18n, money.send_po)}
                                                        </button>
                                                    }
                                                })}
                                            {(v.can_write
                                                && (state == "received" || state == "partially_received"))
                                                .then(|| {
                                                    view! {
                                                        <button
                                                            type="button"
                                                            class="btn btn-secondary"
                                                            on:click=move |_| {
                                                                step.dispatch(api::StepPurchaseOrder {
                                                                    id: pid,
                                                                    step: "close".into(),
                                                                });
                                                            }
                                                        >
                                                            {t!(i18n, money.close_po)}
                                                        </button>
                                                    }
                                                })}
                                            {(v.can_write && (state == "draft" || state == "sent"))
                                                .then(|| {
                                                    view! {
                                                        <button
                                                            type="button"
                                                            class="btn btn-secondary"
                                                            on:click=move |_| {
                                                                step.dispatch(api::StepPurchaseOrder {
                                                                    id: pid,
                                                                    step: "cancel".into(),
                                                                });
                                                            }
                                                        >
                                                            {t!(i18n, money.cancel_po)}
                                                        </button>
                                                    }
                                                })}
                                        </div>
                                    </header>
                                    <FormErrors errors field="form" />
                                    {move || {
                                        receive
                                            .value()
                                            .get()
                                            .and_then(Result::ok)
                                            .filter(|r| !r.is_empty())
                                            .map(|reserved| {
                                                view! {
                                                    <p class="notice" role="status" data-testid="reserved-for">
                                                        {t!(i18n, money.reserved_for)}
                                                        " "
                                                        {reserved
                                                            .into_iter()
                                                            .map(|(n, q)| format!("{n} ({q})"))
                                                            .collect::<Vec<_>>()
                                                            .join(", ")}
                                                    </p>
                                                }
                                            })
                                    }}
                                    <form
                                        novalidate
                                        data-testid="receive-form"
                                        on:submit=move |ev| {
                                            ev.prevent_default();
                                            receive
                                                .dispatch(api::ReceivePurchaseOrder {
                                                    id: pid,
                                                    lines: submit
                                                        .iter()
                                                        .map(|(l, q)| (*l, q.get_untracked()))
                                                        .collect(),
                                                });
                                        }
                                    >
                                        <div class="table-wrap">
                                            <table class="table" data-testid="po-lines">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, erp.sku)}</th>
                                                        <th scope="col">{t!(i18n, erp.product)}</th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, erp.quantity)}
                                                        </th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, money.received)}
                                                        </th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, erp.unit_price)}
                                                        </th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, erp.net)}
                                                        </th>
                                                        {receivable
                                                            .then(|| {
                                                                view! { <th scope="col">{t!(i18n, money.receive_now)}</th> }
                                                            })}
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {v
                                                        .lines
                                                        .iter()
                                                        .zip(qty.clone())
                                                        .enumerate()
                                                        .map(|(i, (l, (_, q)))| {
                                                            let field_id = format!("receive-{i}");
                                                            view! {
                                                                <tr>
                                                                    <td>
                                                                        <a href=format!("/products/{}", l.product_id)>
                                                                            <code>{l.sku.clone()}</code>
                                                                        </a>
                                                                    </td>
                                                                    <td>{l.name.clone()}</td>
                                                                    <td class="num">{l.quantity}</td>
                                                                    <td class="num">{l.received}</td>
                                                                    <td class="num">{l.unit_price.clone()}</td>
                                                                    <td class="num">{l.net.clone()}</td>
                                                                    {receivable
                                                                        .then(|| {
                                                                            view! {
                                                                                <td>
                                                                                    <label class="visually-hidden" for=field_id.clone()>
                                                                                        {t!(i18n, money.receive_now)}
                                                                                        " "
                                                                                        {l.sku.clone()}
                                                                                    </label>
                                                                                    <input
                                                                                        id=field_id
                                                                                        class="input input-narrow"
                                                                                        inputmode="numeric"
                                                                                        placeholder=(l.quantity - l.received).to_string()
                                                                                        prop:value=move || q.get()
                                                                                        on:change=move |ev| q.set(event_target_value(&ev))
                                                                                    />
                                                                                    <DynFieldError errors field=format!("lines.{i}.quantity") />
                                                                                </td>
                                                                            }
                                                                        })}
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <p>
                                            <strong>
                                                {t!(i18n, erp.total)} " " {v.row.total.clone()} " "
                                                {v.row.currency.clone()}
                                            </strong>
                                        </p>
                                        {receivable
                                            .then(|| {
                                                view! {
                                                    <p class="muted small">{t!(i18n, money.receive_help)}</p>
                                                    <button
                                                        type="submit"
                                                        class="btn btn-primary"
                                                        data-testid="po-receive"
                                                        disabled=move || receive.pending().get()
                                                    >
                                                        {t!(i18n, money.receive)}
                                                    </button>
                                                }
                                            })}
                                    </form>
                                    {(!v.receipts.is_empty())
                                        .then(|| {
                                            view! {
                                                <section class="card">
                                                    <h2 class="card-title">{t!(i18n, money.receipts)}</h2>
                                                    <ul class="plain-list">
                                                        {v
                                                            .receipts
                                                            .iter()
                                                            .map(|(n, at)| {
                                                                view! {
                                                                    <li>
                                                                        <code>{n.clone()}</code>
                                                                        " · "
                                                                        {at.clone()}
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ul>
                                                </section>
                                            }
                                        })}
                                    {(!v.notes.is_empty())
                                        .then(|| view! { <p class="pre">{v.notes.clone()}</p> })}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// `/suppliers`: the list and a new supplier.
#[component]
pub fn SuppliersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let list = Resource::new(
        move || (query.get("q"), query.page()),
        |(q, page)| api::list_suppliers(q, page),
    );
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, money.suppliers) />
            <PurchasingTabs current="suppliers" />
            <FilterBar>
                <SearchFilter
                    id="supplier-q"
                    name="q"
                    kind=""
                    label=t!(i18n, money.search_suppliers)
                />
            </FilterBar>
            <PagedList list link=query.pager("/suppliers", &["q"]) let:items>
                <ListTable
                    testid="suppliers"
                    head=view! {
                        <Col>{t!(i18n, money.supplier)}</Col>
                        <Col>{t!(i18n, money.contact)}</Col>
                        <Col>{t!(i18n, money.email)}</Col>
                        <Col num=true>{t!(i18n, money.lead_time)}</Col>
                        <Col>{t!(i18n, money.currency)}</Col>
                    }
                >
                    {items
                        .into_iter()
                        .map(|s| {
                            view! {
                                <tr class=if s.active { "" } else { "muted" }>
                                    <td>
                                        <a href=format!("/suppliers/{}", s.id)>{s.name}</a>
                                    </td>
                                    <td>{s.contact_name}</td>
                                    <td>{s.email}</td>
                                    <td class="num">{s.lead_time_days}</td>
                                    <td>{s.currency}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            </PagedList>
            <SupplierEditor form=SupplierForm {
                lead_time_days: "7".into(),
                currency: "EUR".into(),
                active: true,
                ..Default::default()
            } />
        </div>
    }
}

#[component]
fn SupplierEditor(form: SupplierForm) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<api::SaveSupplier>::new();
    let is_new = form.id == 0;
    let form = RwSignal::new(form);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            if is_new {
                navigate(&format!("/suppliers/{id}"), Default::default());
            }
        }
    });
    let errors = Signal::derive(move || save.value().get().and_then(Result::err));
    let text = move |key: &'static str,
                     label: &'static str,
                     get: fn(&SupplierForm) -> String,
                     set: fn(&mut SupplierForm, String)| {
        let id = format!("supplier-{key}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    class="input"
                    prop:value=move || form.with(get)
                    on:change=move |ev| form.update(|f| set(f, event_target_value(&ev)))
                />
                <FieldError errors field=key />
            </div>
        }
    };
    view! {
        <form
            class="card"
            novalidate
            data-testid="supplier-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(api::SaveSupplier {
                    form: form.get_untracked(),
                });
            }
        >
            <h2 class="card-title">
                {move || {
                    if is_new {
                        t_string!(i18n, money.new_supplier)
                    } else {
                        t_string!(i18n, money.edit_supplier)
                    }
                }}
            </h2>
            {text("name", t_string!(i18n, money.supplier), |f| f.name.clone(), |f, v| f.name = v)}
            {text(
                "contact_name",
                t_string!(i18n, money.contact),
                |f| f.contact_name.clone(),
                |f, v| f.contact_name = v,
            )}
            {text("email", t_string!(i18n, money.email), |f| f.email.clone(), |f, v| f.email = v)}
            {text("phone", t_string!(i18n, money.phone), |f| f.phone.clone(), |f, v| f.phone = v)}
            {text(
                "lead_time_days",
                t_string!(i18n, money.lead_time),
                |f| f.lead_time_days.clone(),
                |f, v| f.lead_time_days = v,
            )}
            {text(
                "currency",
                t_string!(i18n, money.currency),
                |f| f.currency.clone(),
                |f, v| f.currency = v,
            )}
            <div class="field">
                <label for="supplier-notes">{t!(i18n, erp.notes)}</label>
                <textarea
                    id="supplier-notes"
                    class="input"
                    prop:value=move || form.with(|f| f.notes.clone())
                    on:change=move |ev| form.update(|f| f.notes = event_target_value(&ev))
                ></textarea>
                <FieldError errors field="notes" />
            </div>
            <div class="field">
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || form.with(|f| f.active)
                        on:change=move |ev| form.update(|f| f.active = event_target_checked(&ev))
                    />
                    " "
                    {t!(i18n, erp.active)}
                </label>
            </div>
            <FormErrors errors field="form" />
            {move || {
                save.value()
                    .get()
                    .and_then(Result::ok)
                    .filter(|_| !is_new)
                    .map(|_| {
                        view! {
                            <p class="notice" role="status">
                                {t!(i18n, money.saved)}
                            </p>
                        }
                    })
            }}
            <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                {t!(i18n, money.save_supplier)}
            </button>
        </form>
    }
}

/// `/suppliers/:id`: the supplier and its prices.
#[component]
pub fn SupplierPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let price = ServerAction::<api::SetSupplierPrice>::new();
    let remove = ServerAction::<api::RemoveSupplierPrice>::new();
    let supplier = Resource::new(
        move || (id(), price.version().get(), remove.version().get()),
        |(id, _, _)| api::get_supplier(id),
    );
    let (sku, amount, min) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("1".to_string()),
    );
    let errors = Signal::derive(move || price.value().get().and_then(Result::err));
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, money.supplier).to_owned()
        }) />
        <div class="page">
            <PurchasingTabs current="suppliers" />
            <Transition fallback=loading>
                {move || {
                    supplier
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(v) => {
                                let sid = v.supplier.id;
                                view! {
                                    <header class="page-header">
                                        <h1>{v.supplier.name.clone()}</h1>
                                    </header>
                                    <section class="card">
                                        <h2 class="card-title">{t!(i18n, money.prices)}</h2>
                                        <div class="table-wrap">
                                            <table class="table" data-testid="supplier-prices">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, erp.sku)}</th>
                                                        <th scope="col">{t!(i18n, erp.product)}</th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, money.price)}
                                                        </th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, money.min_quantity)}
                                                        </th>
                                                        {v
                                                            .can_edit
                                                            .then(|| {
                                                                view! {
                                                                    <th scope="col">
                                                                        <span class="visually-hidden">{t!(i18n, erp.remove)}</span>
                                                                    </th>
                                                                }
                                                            })}
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {v
                                                        .prices
                                                        .iter()
                                                        .map(|p| {
                                                            let pid = p.product_id;
                                                            view! {
                                                                <tr>
                                                                    <td>
                                                                        <a href=format!("/products/{pid}")>
                                                                            <code>{p.sku.clone()}</code>
                                                                        </a>
                                                                    </td>
                                                                    <td>{p.name.clone()}</td>
                                                                    <td class="num">
                                                                        {p.price.clone()} " " {v.supplier.currency.clone()}
                                                                    </td>
                                                                    <td class="num">{p.min_quantity}</td>
                                                                    {v
                                                                        .can_edit
                                                                        .then(|| {
                                                                            view! {
                                                                                <td>
                                                                                    <button
                                                                                        type="button"
                                                                                        class="btn btn-link"
                                                                                        on:click=move |_| {
                                                                                            remove
                                                                                                .dispatch(api::RemoveSupplierPrice {
                                                                                                    supplier_id: sid,
                                                                                                    product_id: pid,
                                                                                                });
                                                                                        }
                                                                                    >
                                                                                        {t!(i18n, erp.remove)}
                                                                                    </button>
                                                                                </td>
                                                                            }
                                                                        })}
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        {v
                                            .can_edit
                                            .then(|| {
                                                view! {
                                                    <form
                                                        novalidate
                                                        data-testid="price-form"
                                                        on:submit=move |ev| {
                                                            ev.prevent_default();
                                                            price
                                                                .dispatch(api::SetSupplierPrice {
                                                                    supplier_id: sid,
                                                                    sku: sku.get_untracked(),
                                                                    price: amount.get_untracked(),
                                                                    min_quantity: min.get_untracked(),
                                                                });
                                                        }
                                                    >
                                                        <div class="field">
                                                            <label for="price-sku">{t!(i18n, erp.sku)}</label>
                                                            <input
                                                                id="price-sku"
                                                                class="input"
                                                                prop:value=move || sku.get()
                                                                on:change=move |ev| sku.set(event_target_value(&ev))
                                                            />
                                                            <FieldError errors field="sku" />
                                                        </div>
                                                        <div class="field">
                                                            <label for="price-amount">{t!(i18n, money.price)}</label>
                                                            <input
                                                                id="price-amount"
                                                                class="input input-narrow"
                                                                inputmode="decimal"
                                                                prop:value=move || amount.get()
                                                                on:change=move |ev| amount.set(event_target_value(&ev))
                                                            />
                                                            <FieldError errors field="price" />
                                                        </div>
                                                        <div class="field">
                                                            <label for="price-min">
                                                                {t!(i18n, money.min_quantity)}
                                                            </label>
                                                            <input
                                                                id="price-min"
                                                                class="input input-narrow"
                                                                inputmode="numeric"
                                                                prop:value=move || min.get()
                                                                on:change=move |ev| min.set(event_target_value(&ev))
                                                            />
                                                            <FieldError errors field="min_quantity" />
                                                        </div>
                                                        <FormErrors errors field="form" />
                                                        <button type="submit" class="btn btn-secondary">
                                                            {t!(i18n, money.set_price)}
                                                        </button>
                                                    </form>
                                                }
                                            })}
                                    </section>
                                    {v
                                        .can_edit
                                        .then(|| {
                                            view! { <SupplierEditor form=v.supplier.clone() /> }
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

/// `/replenishment`: suggestions, and turning chosen ones into purchase orders.
#[component]
pub fn ReplenishmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let order = ServerAction::<api::OrderSuggestions>::new();
    let list = Resource::new(
        move || order.version().get(),
        |_| api::list_suggestions(None),
    );
    let errors = Signal::derive(move || order.value().get().and_then(Result::err));
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, money.replenishment) />
            <PurchasingTabs current="replenishment" />
            <p class="muted">{t!(i18n, money.replenishment_help)}</p>
            {move || {
                order
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|created| {
                        view! {
                            <p class="notice" role="status" data-testid="created-pos">
                                {t!(i18n, money.created_pos)}
                                " "
                                {created
                                    .into_iter()
                                    .map(|(id, n)| {
                                        view! {
                                            <a href=format!("/purchase-orders/{id}")>
                                                <code>{n}</code>
                                            </a>
                                            " "
                                        }
                                    })
                                    .collect_view()}
                            </p>
                        }
                    })
            }}
            <FormErrors errors field="form" />
            <FormErrors errors field="lines" />
            <Transition fallback=loading>
                {move || {
                    list.get()
                        .map(|result| {
                            result
                                .map(|rows| {
                                    if rows.is_empty() {
                                        return view! {
                                            <p class="muted" data-testid="no-suggestions">
                                                {t!(i18n, money.no_suggestions)}
                                            </p>
                                        }
                                            .into_any();
                                    }
                                    let picks: Vec<(i64, i64, RwSignal<bool>, RwSignal<String>)> = rows
                                        .iter()
                                        .map(|s| (
                                            s.product_id,
                                            s.warehouse_id,
                                            RwSignal::new(false),
                                            RwSignal::new(s.quantity.to_string()),
                                        ))
                                        .collect();
                                    let submit = picks.clone();
                                    view! {
                                        <form
                                            novalidate
                                            data-testid="suggestions-form"
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                order
                                                    .dispatch(api::OrderSuggestions {
                                                        chosen: submit
                                                            .iter()
                                                            .filter(|p| p.2.get_untracked())
                                                            .map(|p| (p.0, p.1, p.3.get_untracked()))
                                                            .collect(),
                                                    });
                                            }
                                        >
                                            <div class="table-wrap">
                                                <table class="table" data-testid="suggestions">
                                                    <thead>
                                                        <tr>
                                                            <th scope="col">{t!(i18n, money.choose)}</th>
                                                            <th scope="col">{t!(i18n, erp.sku)}</th>
                                                            <th scope="col">{t!(i18n, erp.warehouse)}</th>
                                                            <th scope="col" class="num">
                                                                {t!(i18n, erp.available)}
                                                            </th>
                                                            <th scope="col" class="num">
                                                                {t!(i18n, money.incoming)}
                                                            </th>
                                                            <th scope="col" class="num">
                                                                {t!(i18n, erp.backordered)}
                                                            </th>
                                                            <th scope="col" class="num">
                                                                {t!(i18n, money.reorder_point)}
                                                            </th>
                                                            <th scope="col" class="num">
                                                                {t!(i18n, money.forecast_lead)}
                                                            </th>
                                                            <th scope="col">{t!(i18n, money.supplier)}</th>
                                                            <th scope="col">{t!(i18n, money.why)}</th>
                                                            <th scope="col">{t!(i18n, money.order_quantity)}</th>
                                                        </tr>
                                                    </thead>
                                                    <tbody>
                                                        {rows
                                                            .iter()
                                                            .zip(picks.iter())
                                                            .enumerate()
                                                            .map(|(i, (s, p))| {
                                                                let (chosen, qty) = (p.2, p.3);
                                                                let check_id = format!("pick-{i}");
                                                                let qty_id = format!("pick-qty-{i}");
                                                                view! {
                                                                    <tr data-sku=s.sku.clone()>
                                                                        <td>
                                                                            <input
                                                                                id=check_id.clone()
                                                                                type="checkbox"
                                                                                disabled=s.supplier.is_none()
                                                                                prop:checked=move || chosen.get()
                                                                                on:change=move |ev| chosen.set(event_target_checked(&ev))
                                                                            />
                                                                            <label class="visually-hidden" for=check_id>
                                                                                {t!(i18n, money.choose)}
                                                                                " "
                                                                                {s.sku.clone()}
                                                                            </label>
                                                                        </td>
                                                                        <td>
                                                                            <a href=format!("/products/{}", s.product_id)>
                                                                                <code>{s.sku.clone()}</code>
                                                                            </a>
                                                                            " "
                                                                            <span class="small">{s.name.clone()}</span>
                                                                        </td>
                                                                        <td>{s.warehouse.clone()}</td>
                                                                        <td class="num">{s.available}</td>
                                                                        <td class="num">{s.incoming}</td>
                                                                        <td class="num">{s.backordered}</td>
                                                                        <td class="num">{s.reorder_point}</td>
                                                                        <td class="num">
                                                                            {s.forecast} " / " {s.lead_time_days} "d"
                                                                        </td>
                                                                        <td>
                                                                            {s
                                                                                .supplier
                                                                                .clone()
                                                                                .unwrap_or_else(|| {
                                                                                    t_string!(i18n, money.no_supplier).to_owned()
                                                                                })} " " <span class="small">{s.unit_price.clone()}</span>
                                                                        </td>
                                                                        <td>
                                                                            {s
                                                                                .reasons
                                                                                .iter()
                                                                                .map(|r| {
                                                                                    view! {
                                                                                        <span class="badge">{reason_label(r, i18n)}</span>
                                                                                        " "
                                                                                    }
                                                                                })
                                                                                .collect_view()}
                                                                        </td>
                                                                        <td>
                                                                            <label class="visually-hidden" for=qty_id.clone()>
                                                                                {t!(i18n, money.order_quantity)}
                                                                                " "
                                                                                {s.sku.clone()}
                                                                            </label>
                                                                            <input
                                                                                id=qty_id
                                                                                class="input input-narrow"
                                                                                inputmode="numeric"
                                                                                prop:value=move || qty.get()
                                                                                on:change=move |ev| qty.set(event_target_value(&ev))
                                                                            />
                                                                            <DynFieldError errors field=format!("lines.{i}.quantity") />
                                                                            <DynFieldError errors field=format!("lines.{i}") />
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                            <button
                                                type="submit"
                                                class="btn btn-primary"
                                                data-testid="create-pos"
                                                disabled=move || order.pending().get()
                                            >
                                                {t!(i18n, money.create_pos)}
                                            </button>
                                        </form>
                                    }
                                        .into_any()
                                })
                        })
                }}
            </Transition>
        </div>
    }
}

/// A product's demand history and forecast, incoming quantities and
/// reorder rules (on its page).
#[component]
pub fn ProductSupply(product_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let rule = ServerAction::<api::SetReorderRule>::new();
    let supply = Resource::new(
        move || rule.version().get(),
        move |_| api::product_supply(product_id),
    );
    let errors = Signal::derive(move || rule.value().get().and_then(Result::err));
    view! {
        <Transition fallback=loading>
            {move || {
                supply
                    .get()
                    .map(|result| {
                        result
                            .map(|s| {
                                view! {
                                    <section class="card" aria-labelledby="demand-title">
                                        <h2 id="demand-title" class="card-title">
                                            {t!(i18n, money.demand)}
                                        </h2>
                                        <p class="muted small">{t!(i18n, money.forecast_method)}</p>
                                        <div class="table-wrap">
                                            <table class="table" data-testid="demand">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, money.week)}</th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, money.shipped_units)}
                                                        </th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, money.forecast)}
                                                        </th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {s
                                                        .history
                                                        .iter()
                                                        .map(|(w, q)| {
                                                            view! {
                                                                <tr>
                                                                    <td>{w.clone()}</td>
                                                                    <td class="num">{*q}</td>
                                                                    <td></td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                    {s
                                                        .forecast
                                                        .iter()
                                                        .map(|(w, q)| {
                                                            view! {
                                                                <tr class="forecast">
                                                                    <td>{w.clone()}</td>
                                                                    <td></td>
                                                                    <td class="num">{q.clone()}</td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    </section>
                                    <section class="card" aria-labelledby="reorder-title">
                                        <h2 id="reorder-title" class="card-title">
                                            {t!(i18n, money.reorder_rules)}
                                        </h2>
                                        <FormErrors errors field="form" />
                                        <div class="table-wrap">
                                            <table class="table" data-testid="reorder-rules">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">{t!(i18n, erp.warehouse)}</th>
                                                        <th scope="col" class="num">
                                                            {t!(i18n, money.incoming)}
                                                        </th>
                                                        <th scope="col">{t!(i18n, money.reorder_point)}</th>
                                                        <th scope="col">{t!(i18n, money.reorder_quantity)}</th>
                                                        {s
                                                            .can_manage
                                                            .then(|| {
                                                                view! {
                                                                    <th scope="col">
                                                                        <span class="visually-hidden">
                                                                            {t!(i18n, money.save_rule)}
                                                                        </span>
                                                                    </th>
                                                                }
                                                            })}
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {s
                                                        .warehouses
                                                        .iter()
                                                        .map(|w| {
                                                            let (wid, code, incoming, point, quantity) = (
                                                                w.id,
                                                                &w.code,
                                                                &w.incoming,
                                                                &w.point,
                                                                &w.quantity,
                                                            );
                                                            let p = RwSignal::new(
                                                                point.map(|v| v.to_string()).unwrap_or_default(),
                                                            );
                                                            let q = RwSignal::new(
                                                                quantity.map(|v| v.to_string()).unwrap_or_default(),
                                                            );
                                                            let (pid, qid) = (format!("rp-{wid}"), format!("rq-{wid}"));
                                                            if !s.can_manage {
                                                                return view! {
                                                                    <tr>
                                                                        <td>{code.clone()}</td>
                                                                        <td class="num">{*incoming}</td>
                                                                        <td>
                                                                            {point
                                                                                .map(|v| v.to_string())
                                                                                .unwrap_or_else(|| "—".into())}
                                                                        </td>
                                                                        <td>
                                                                            {quantity
                                                                                .map(|v| v.to_string())
                                                                                .unwrap_or_else(|| "—".into())}
                                                                        </td>
                                                                    </tr>
                                                                }
                                                                    .into_any();
                                                            }
                                                            view! {
                                                                <tr>
                                                                    <td>{code.clone()}</td>
                                                                    <td class="num">{*incoming}</td>
                                                                    <td>
                                                                        <label class="visually-hidden" for=pid.clone()>
                                                                            {t!(i18n, money.reorder_point)}
                                                                            " "
                                                                            {code.clone()}
                                                                        </label>
                                                                        <input
                                                                            id=pid
                                                                            class="input input-narrow"
                                                                            inputmode="numeric"
                                                                            prop:value=move || p.get()
                                                                            on:change=move |ev| p.set(event_target_value(&ev))
                                                                        />
                                                                    </td>
                                                                    <td>
                                                                        <label class="visually-hidden" for=qid.clone()>
                                                                            {t!(i18n, money.reorder_quantity)}
                                                                            " "
                                                                            {code.clone()}
                                                                        </label>
                                                                        <input
                                                                            id=qid
                                                                            class="input input-narrow"
                                                                            inputmode="numeric"
                                                                            prop:value=move || q.get()
                                                                            on:change=move |ev| q.set(event_target_value(&ev))
                                                                        />
                                                                    </td>
                                                                    <td>
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-secondary"
                                                                            on:click=move |_| {
                                                                                rule.dispatch(api::SetReorderRule {
                                                                                    product_id,
                                                                                    warehouse_id: wid,
                                                                                    point: p.get_untracked(),
                                                                                    quantity: q.get_untracked(),
                                                                                });
                                                                            }
                                                                        >
                                                                            {t!(i18n, money.save_rule)}
                                                                        </button>
                                                                    </td>
                                                                </tr>
                                                            }
                                                                .into_any()
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <FieldError errors field="reorder_point" />
                                        <FieldError errors field="reorder_quantity" />
                                    </section>
                                }
                            })
                    })
            }}
        </Transition>
    }
}
