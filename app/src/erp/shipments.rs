//! `/shipments` (to ship today and the shipment list) and
//! `/shipments/:id` (the picking list, printable, and the ship form).

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;

use super::{api, shipment_state_label, ErpTabs};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param, loading, use_list_query, Col, Empty, FilterBar, ListTable, Options, PageHeader,
        PagedList, SelectFilter,
    },
    i18n::*,
};

/// `/shipments`.
#[component]
pub fn ShipmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let due = Resource::new(|| (), |_| api::to_ship(None));
    let list = Resource::new(
        move || (query.get("state"), query.page()),
        |(state, page)| api::list_shipments(state, None, page),
    );
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, erp.shipments) />
            <ErpTabs current="shipments" />
            <section class="card" aria-labelledby="due-title">
                <h2 id="due-title" class="card-title">
                    {t!(i18n, erp.to_ship_today)}
                </h2>
                <Transition fallback=loading>
                    {move || {
                        due.get()
                            .map(|result| {
                                result
                                    .map(|rows| {
                                        view! {
                                            {rows
                                                .is_empty()
                                                .then(|| {
                                                    view! { <Empty>{t!(i18n, erp.nothing_due)}</Empty> }
                                                })}
                                            <ListTable
                                                testid="to-ship"
                                                head=view! {
                                                    <Col>{t!(i18n, erp.number)}</Col>
                                                    <Col>{t!(i18n, crm.customer)}</Col>
                                                    <Col>{t!(i18n, erp.ship_by)}</Col>
                                                    <Col num=true>{t!(i18n, erp.ready)}</Col>
                                                    <Col num=true>{t!(i18n, erp.picking)}</Col>
                                                    <Col num=true>{t!(i18n, erp.backordered)}</Col>
                                                }
                                            >
                                                {rows
                                                    .into_iter()
                                                    .map(|r| {
                                                        view! {
                                                            <tr>
                                                                <td>
                                                                    <a href=format!("/orders/{}", r.order_id)>
                                                                        <code>{r.number}</code>
                                                                    </a>
                                                                </td>
                                                                <td>{r.customer}</td>
                                                                <td class="small">{r.ship_by}</td>
                                                                <td class="num">{r.ready}</td>
                                                                <td class="num">{r.picking}</td>
                                                                <td class="num">{r.backordered}</td>
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
            </section>
            <FilterBar>
                <SelectFilter id="shipment-state" name="state" label=t!(i18n, crm.status)>
                    <Options values=&["open", "shipped", "cancelled"] label=shipment_state_label />
                </SelectFilter>
            </FilterBar>
            <ExportCsv
                name="shipments"
                headers=vec![
                    t_string!(i18n, erp.number).to_owned(),
                    t_string!(i18n, erp.order).to_owned(),
                    t_string!(i18n, crm.customer).to_owned(),
                    t_string!(i18n, crm.status).to_owned(),
                    t_string!(i18n, erp.carrier).to_owned(),
                    t_string!(i18n, erp.tracking).to_owned(),
                    t_string!(i18n, erp.shipped).to_owned(),
                ]
                run=move |headers| api::export_shipments(query.get("state"), None, headers)
            />
            <PagedList list link=query.pager("/shipments", &["state"]) let:items>
                <ShipmentTable rows=items />
            </PagedList>
        </div>
    }
}

/// A table of shipments (the list and the customer page).
#[component]
pub fn ShipmentTable(rows: Vec<super::types::ShipmentRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListTable
            testid="shipments"
            head=view! {
                <Col>{t!(i18n, erp.number)}</Col>
                <Col>{t!(i18n, erp.order)}</Col>
                <Col>{t!(i18n, crm.customer)}</Col>
                <Col>{t!(i18n, crm.status)}</Col>
                <Col>{t!(i18n, erp.carrier)}</Col>
                <Col>{t!(i18n, erp.tracking)}</Col>
                <Col>{t!(i18n, erp.when)}</Col>
            }
        >
            {rows
                .into_iter()
                .map(|s| {
                    view! {
                        <tr>
                            <td>
                                <a href=format!("/shipments/{}", s.id)>
                                    <code>{s.number}</code>
                                </a>
                            </td>
                            <td>
                                <a href=format!("/orders/{}", s.order_id)>
                                    <code>{s.order_number}</code>
                                </a>
                            </td>
                            <td>{s.customer}</td>
                            <td>
                                <span class="badge">{shipment_state_label(&s.state, i18n)}</span>
                            </td>
                            <td>{s.carrier}</td>
                            <td>{s.tracking}</td>
                            <td class="small">{s.at}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
    }
}

/// `/shipments/:id`: the picking list (print stylesheet) and shipping it.
#[component]
pub fn ShipmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let ship = ServerAction::<api::ShipShipment>::new();
    let cancel = ServerAction::<api::CancelShipment>::new();
    let shipment = Resource::new(
        move || (id(), ship.version().get(), cancel.version().get()),
        |(id, _, _)| api::get_shipment(id),
    );
    let carrier = RwSignal::new(String::new());
    let tracking = RwSignal::new(String::new());
    let errors = Signal::derive(move || {
        ship.value()
            .get()
            .and_then(Result::err)
            .or_else(|| cancel.value().get().and_then(Result::err))
    });
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, erp.picking_list).to_owned()
        }) />
        <div class="page">
            <div class="no-print">
                <ErpTabs current="shipments" />
            </div>
            <Transition fallback=loading>
                {move || {
                    shipment
                        .get()
                        .map(|result| match result {
                            Err(e) => crate::components::failed(e),
                            Ok(s) => {
                                view! {
                                    <header class="page-header page-header-row">
                                        <div>
                                            <h1>
                                                {t!(i18n, erp.picking_list)} " "
                                                <code data-testid="shipment-number">
                                                    {s.number.clone()}
                                                </code> " "
                                                <span class="badge" data-testid="shipment-state">
                                                    {shipment_state_label(&s.state, i18n)}
                                                </span>
                                            </h1>
                                            <p class="muted">
                                                {t!(i18n, erp.order)} " "
                                                <a href=format!("/orders/{}", s.order_id)>
                                                    <code>{s.order_number.clone()}</code>
                                                </a> " · " {t!(i18n, erp.warehouse)} " "
                                                {s.warehouse.clone()} " · " {s.created.clone()}
                                            </p>
                                        </div>
                                        <button
                                            type="button"
                                            class="btn btn-secondary no-print"
                                            on:click=move |_| {
                                                let _ = window().print();
                                            }
                                        >
                                            {t!(i18n, erp.print)}
                                        </button>
                                    </header>
                                    <section class="card">
                                        <h2 class="card-title">{t!(i18n, erp.ship_to)}</h2>
                                        <p>
                                            <strong>{s.customer.clone()}</strong>
                                        </p>
                                        <p class="pre">{s.address.clone()}</p>
                                        {s
                                            .shipped
                                            .clone()
                                            .map(|at| {
                                                view! {
                                                    <p data-testid="shipped-with">
                                                        {t!(i18n, erp.shipped)} " " {at} " · " {s.carrier.clone()}
                                                        " " {s.tracking.clone()}
                                                    </p>
                                                }
                                            })}
                                    </section>
                                    <ListTable
                                        testid="pick-lines"
                                        head=view! {
                                            <Col>{t!(i18n, erp.sku)}</Col>
                                            <Col>{t!(i18n, erp.product)}</Col>
                                            <Col>{t!(i18n, erp.barcode)}</Col>
                                            <Col num=true>{t!(i18n, erp.quantity)}</Col>
                                            <Col>{t!(i18n, erp.picked)}</Col>
                                        }
                                    >
                                        {s
                                            .lines
                                            .into_iter()
                                            .map(|l| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <code>{l.sku}</code>
                                                        </td>
                                                        <td>{l.name}</td>
                                                        <td>{l.barcode.unwrap_or_default()}</td>
                                                        <td class="num">{l.quantity} " " {l.unit}</td>
                                                        <td>
                                                            <span class="pick-box" aria-hidden="true"></span>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </ListTable>
                                    <FormErrors errors field="form" />
                                    {(s.state == "shipped")
                                        .then(|| {
                                            view! {
                                                <crate::money::invoices::ShipmentInvoice
                                                    order_id=s.order_id
                                                    shipment_id=s.id
                                                />
                                            }
                                        })}
                                    {s
                                        .can_ship
                                        .then(|| {
                                            let sid = s.id;
                                            view! {
                                                <form
                                                    class="card no-print"
                                                    novalidate
                                                    data-testid="ship-form"
                                                    on:submit=move |ev| {
                                                        ev.prevent_default();
                                                        ship.dispatch(api::ShipShipment {
                                                            id: sid,
                                                            carrier: carrier.get_untracked(),
                                                            tracking: tracking.get_untracked(),
                                                        });
                                                    }
                                                >
                                                    <h2 class="card-title">{t!(i18n, erp.mark_shipped)}</h2>
                                                    <div class="field">
                                                        <label for="ship-carrier">{t!(i18n, erp.carrier)}</label>
                                                        <input
                                                            id="ship-carrier"
                                                            class="input"
                                                            type="text"
                                                            prop:value=move || carrier.get()
                                                            on:change=move |ev| carrier.set(event_target_value(&ev))
                                                        />
                                                        <FieldError errors field="carrier" />
                                                    </div>
                                                    <div class="field">
                                                        <label for="ship-tracking">{t!(i18n, erp.tracking)}</label>
                                                        <input
                                                            id="ship-tracking"
                                                            class="input"
                                                            type="text"
                                                            prop:value=move || tracking.get()
                                                            on:change=move |ev| tracking.set(event_target_value(&ev))
                                                        />
                                                        <FieldError errors field="tracking" />
                                                    </div>
                                                    <button
                                                        type="submit"
                                                        class="btn btn-primary"
                                                        disabled=move || ship.pending().get()
                                                    >
                                                        {t!(i18n, erp.mark_shipped)}
                                                    </button>
                                                    " "
                                                    <button
                                                        type="button"
                                                        class="btn btn-secondary"
                                                        on:click=move |_| {
                                                            cancel.dispatch(api::CancelShipment { id: sid });
                                                        }
                                                    >
                                                        {t!(i18n, erp.cancel_shipment)}
                                                    </button>
                                                </form>
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
