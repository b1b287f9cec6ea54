//! ERP pages: products and stock, warehouses, quotes and orders,
//! shipments, and the ledger check.

pub mod api;
pub mod ledger;
pub mod orders;
pub mod products;
pub mod shipments;
pub mod types;
pub mod warehouses;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::{auth::use_me, components::Col, error::AppError, i18n::*};

/// The ERP's sections, as tabs under the page title.
#[component]
pub fn ErpTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let can = move |code: &str| me.as_ref().is_some_and(|m| m.can(code));
    let here = move |key: &str| (current == key).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, erp.sections)>
            {can("orders.read")
                .then(|| {
                    view! {
                        <a href="/orders" class="tab" aria-current=here("orders")>
                            {t!(i18n, erp.orders)}
                        </a>
                    }
                })}
            {can("shipments.read")
                .then(|| {
                    view! {
                        <a href="/shipments" class="tab" aria-current=here("shipments")>
                            {t!(i18n, erp.shipments)}
                        </a>
                    }
                })}
            {(can("invoices.read") || can("invoices.read_all"))
                .then(|| {
                    view! {
                        <a href="/invoices" class="tab" aria-current=here("invoices")>
                            {t!(i18n, money.invoices)}
                        </a>
                    }
                })}
            {can("products.read")
                .then(|| {
                    view! {
                        <a href="/products" class="tab" aria-current=here("products")>
                            {t!(i18n, erp.products)}
                        </a>
                    }
                })}
            {can("stock.read")
                .then(|| {
                    view! {
                        <a href="/warehouses" class="tab" aria-current=here("warehouses")>
                            {t!(i18n, erp.warehouses)}
                        </a>
                    }
                })}
        </nav>
    }
}

/// The header cells of a priced line, after its product: quantity, unit
/// price, discount, tax rate and net (orders and invoices).
#[component]
pub fn PriceCols() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Col num=true>{t!(i18n, erp.quantity)}</Col>
        <Col num=true>{t!(i18n, erp.unit_price)}</Col>
        <Col num=true>{t!(i18n, erp.discount_percent)}</Col>
        <Col num=true>{t!(i18n, erp.tax_rate_percent)}</Col>
        <Col num=true>{t!(i18n, erp.net)}</Col>
    }
}

/// An order state in the current language.
pub fn state_label(state: &str, i18n: I18nContext<Locale>) -> &'static str {
    match state {
        "draft" => t_string!(i18n, erp.state_draft),
        "confirmed" => t_string!(i18n, erp.state_confirmed),
        "partially_shipped" => t_string!(i18n, erp.state_partially_shipped),
        "shipped" => t_string!(i18n, erp.state_shipped),
        "invoiced" => t_string!(i18n, erp.state_invoiced),
        "closed" => t_string!(i18n, erp.state_closed),
        "cancelled" => t_string!(i18n, erp.state_cancelled),
        _ => "",
    }
}

/// A shipment state in the current language.
pub fn shipment_state_label(state: &str, i18n: I18nContext<Locale>) -> &'static str {
    match state {
        "open" => t_string!(i18n, erp.shipment_open),
        "shipped" => t_string!(i18n, erp.state_shipped),
        _ => t_string!(i18n, erp.state_cancelled),
    }
}

/// A stock move kind in the current language.
pub fn move_label(kind: &str, i18n: I18nContext<Locale>) -> &'static str {
    match kind {
        "receipt" => t_string!(i18n, erp.move_receipt),
        "shipment" => t_string!(i18n, erp.move_shipment),
        "adjustment" => t_string!(i18n, erp.move_adjustment),
        "transfer_out" => t_string!(i18n, erp.move_transfer_out),
        "transfer_in" => t_string!(i18n, erp.move_transfer_in),
        _ => t_string!(i18n, erp.move_return),
    }
}

/// The error of a field whose name is built at run time (`lines.2.quantity`).
#[component]
pub fn DynFieldError(
    #[prop(into)] errors: Signal<Option<AppError>>,
    field: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let anchor = NodeRef::new();
    let errors = crate::components::forms::while_unedited(errors, anchor);
    let message = Memo::new(move |_| {
        crate::components::forms::field_message(errors.get(), &field, i18n.get_locale())
    });
    view! {
        <span hidden node_ref=anchor></span>
        {move || {
            message
                .get()
                .map(|text| {
                    view! {
                        <p class="field-error" role="alert">
                            {text}
                        </p>
                    }
                })
        }}
    }
}
