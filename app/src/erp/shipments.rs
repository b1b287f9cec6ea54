//! `/shipments` (to ship today and the shipment list) and
//! `/shipments/:id` (the picking list, printable, and the ship form).

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};

use super::{api, shipment_state_label, ErpTabs};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        Pager,
    },
    crm::{param, query_string},
    i18n::*,
};

/// `/shipments`.
#[component]
pub fn ShipmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| param(&query.read(), k);
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let due = Resource::new(|| (), |_| api::to_ship(None));
    let list = Resource::new(
        move || (get("state"), page()),
        |(state, page)| api::list_shipments(state, None, page),
    );
    let link = move |target: u64| {
        format!(
            "/shipments{}",
            query_string(&[("state", get("state")), ("page", Some(target.to_string()))])
        )
    };
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, erp.shipments).to_owned())/>
        <div class="page">
            <header class="page-header"><h1>{t!(i18n, erp.shipments)}</h1></header>
            <ErpTabs current="shipments"/>
            <section class="card" aria-labelledby="due-title">
                <h2 id="due-title" class="card-title">{t!(i18n, erp.to_ship_today)}</h2>
                <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                    {move || due.get().map(|result| result.map(|rows| view! {
                        {rows.is_empty().then(|| view! { <p class="muted">{t!(i18n, erp.nothing_due)}</p> })}
                        <div class="table-wrap">
                            <table class="table" data-testid="to-ship">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, erp.number)}</th>
                                    <th scope="col">{t!(i18n, crm.customer)}</th>
                                    <th scope="col">{t!(i18n, erp.ship_by)}</th>
                                    <th scope="col" class="num">{t!(i18n, erp.ready)}</th>
                                    <th scope="col" class="num">{t!(i18n, erp.picking)}</th>
                                    <th scope="col" class="num">{t!(i18n, erp.backordered)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td><a href=format!("/orders/{}", r.order_id)><code>{r.number.clone()}</code></a></td>
                                            <td>{r.customer.clone()}</td>
                                            <td class="small">{r.ship_by.clone()}</td>
                                            <td class="num">{r.ready}</td>
                                            <td class="num">{r.picking}</td>
                                            <td class="num">{r.backordered}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }))}
                </Transition>
            </section>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="shipment-state">{t!(i18n, crm.status)}</label>
                    <select id="shipment-state" class="select" name="state" prop:value=move || get("state").unwrap_or_default()>
                        <option value="">{t!(i18n, crm.any)}</option>
                        {["open", "shipped", "cancelled"].into_iter().map(|s| view! { <option value=s>{shipment_state_label(s, i18n)}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="btn btn-secondary">{t!(i18n, admin.apply)}</button>
            </Form>
            <ExportCsv name="shipments" headers=vec![t_string!(i18n, erp.number).to_owned(), t_string!(i18n, erp.order).to_owned(), t_string!(i18n, crm.customer).to_owned(), t_string!(i18n, crm.status).to_owned(), t_string!(i18n, erp.carrier).to_owned(), t_string!(i18n, erp.tracking).to_owned(), t_string!(i18n, erp.shipped).to_owned()] run=move |headers| api::export_shipments(get("state"), None, headers)/>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || list.get().map(|result| result.map(|found| {
                    let pages = found.pages();
                    let current = found.page;
                    view! {
                        <ShipmentTable rows=found.items/>
                        <Pager page=current pages link=move |target: u64| link(target)/>
                    }
                }))}
            </Transition>
        </div>
    }
}

/// A table of shipments (the list and the customer page).
#[component]
pub fn ShipmentTable(rows: Vec<super::types::ShipmentRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="shipments">
                <thead><tr>
                    <th scope="col">{t!(i18n, erp.number)}</th>
                    <th scope="col">{t!(i18n, erp.order)}</th>
                    <th scope="col">{t!(i18n, crm.customer)}</th>
                    <th scope="col">{t!(i18n, crm.status)}</th>
                    <th scope="col">{t!(i18n, erp.carrier)}</th>
                    <th scope="col">{t!(i18n, erp.tracking)}</th>
                    <th scope="col">{t!(i18n, erp.when)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|s| view! {
                        <tr>
                            <td><a href=format!("/shipments/{}", s.id)><code>{s.number.clone()}</code></a></td>
                            <td><a href=format!("/orders/{}", s.order_id)><code>{s.order_number.clone()}</code></a></td>
                            <td>{s.customer.clone()}</td>
                            <td><span class="badge">{shipment_state_label(&s.state, i18n)}</span></td>
                            <td>{s.carrier.clone()}</td>
                            <td>{s.tracking.clone()}</td>
                            <td class="small">{s.at.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/shipments/:id`: the picking list (print stylesheet) and shipping it.
#[component]
pub fn ShipmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
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
        <Title text=crate::components::page_title(move || t_string!(i18n, erp.picking_list).to_owned())/>
        <div class="page">
            <div class="no-print"><ErpTabs current="shipments"/></div>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || shipment.get().map(|result| match result {
                    Err(e) => crate::components::failed(e),
                    Ok(s) => view! {
                        <header class="page-header page-header-row">
                            <div>
                                <h1>{t!(i18n, erp.picking_list)} " " <code data-testid="shipment-number">{s.number.clone()}</code> " "
                                    <span class="badge" data-testid="shipment-state">{shipment_state_label(&s.state, i18n)}</span></h1>
                                <p class="muted">{t!(i18n, erp.order)} " " <a href=format!("/orders/{}", s.order_id)><code>{s.order_number.clone()}</code></a>
                                    " · " {t!(i18n, erp.warehouse)} " " {s.warehouse.clone()} " · " {s.created.clone()}</p>
                            </div>
                            <button type="button" class="btn btn-secondary no-print" on:click=move |_| { let _ = window().print(); }>{t!(i18n, erp.print)}</button>
                        </header>
                        <section class="card">
                            <h2 class="card-title">{t!(i18n, erp.ship_to)}</h2>
                            <p><strong>{s.customer.clone()}</strong></p>
                            <p class="pre">{s.address.clone()}</p>
                            {s.shipped.clone().map(|at| view! {
                                <p data-testid="shipped-with">{t!(i18n, erp.shipped)} " " {at} " · " {s.carrier.clone()} " " {s.tracking.clone()}</p>
                            })}
                        </section>
                        <div class="table-wrap">
                            <table class="table" data-testid="pick-lines">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, erp.sku)}</th>
                                    <th scope="col">{t!(i18n, erp.product)}</th>
                                    <th scope="col">{t!(i18n, erp.barcode)}</th>
                                    <th scope="col" class="num">{t!(i18n, erp.quantity)}</th>
                                    <th scope="col">{t!(i18n, erp.picked)}</th>
                                </tr></thead>
                                <tbody>
                                    {s.lines.iter().map(|l| view! {
                                        <tr>
                                            <td><code>{l.sku.clone()}</code></td>
                                            <td>{l.name.clone()}</td>
                                            <td>{l.barcode.clone().unwrap_or_default()}</td>
                                            <td class="num">{l.quantity} " " {l.unit.clone()}</td>
                                            <td><span class="pick-box" aria-hidden="true"></span></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <FormErrors errors field="form"/>
                        {(s.state == "shipped").then(|| view! { <crate::money::invoices::ShipmentInvoice order_id=s.order_id shipment_id=s.id/> })}
                        {s.can_ship.then(|| {
                            let sid = s.id;
                            view! {
                                <form class="card no-print" novalidate data-testid="ship-form" on:submit=move |ev| {
                                    ev.prevent_default();
                                    ship.dispatch(api::ShipShipment { id: sid, carrier: carrier.get_untracked(), tracking: tracking.get_untracked() });
                                }>
                                    <h2 class="card-title">{t!(i18n, erp.mark_shipped)}</h2>
                                    <div class="field">
                                        <label for="ship-carrier">{t!(i18n, erp.carrier)}</label>
                                        <input id="ship-carrier" class="input" type="text" prop:value=move || carrier.get() on:change=move |ev| carrier.set(event_target_value(&ev))/>
                                        <FieldError errors field="carrier"/>
                                    </div>
                                    <div class="field">
                                        <label for="ship-tracking">{t!(i18n, erp.tracking)}</label>
                                        <input id="ship-tracking" class="input" type="text" prop:value=move || tracking.get() on:change=move |ev| tracking.set(event_target_value(&ev))/>
                                        <FieldError errors field="tracking"/>
                                    </div>
                                    <button type="submit" class="btn btn-primary" disabled=move || ship.pending().get()>{t!(i18n, erp.mark_shipped)}</button>
                                    " "
                                    <button type="button" class="btn btn-secondary" on:click=move |_| { cancel.dispatch(api::CancelShipment { id: sid }); }>{t!(i18n, erp.cancel_shipment)}</button>
                                </form>
                            }
                        })}
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}
