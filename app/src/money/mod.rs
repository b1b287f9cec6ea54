//! Money and supply pages: invoices (printable), payments and credit
//! notes, receivables aging; suppliers, purchase orders and receipts;
//! replenishment; the notification list.

pub mod api;
pub mod invoices;
pub mod purchasing;
pub mod types;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::{auth::use_me, i18n::*};

/// An invoice state in the current language.
pub fn invoice_state_label(state: &str, i18n: I18nContext<Locale>) -> &'static str {
    match state {
        "open" => t_string!(i18n, money.inv_open),
        "partially_paid" => t_string!(i18n, money.inv_partially_paid),
        "paid" => t_string!(i18n, money.inv_paid),
        "overdue" => t_string!(i18n, money.inv_overdue),
        _ => t_string!(i18n, money.inv_cancelled),
    }
}

/// A purchase order state in the current language.
pub fn po_state_label(state: &str, i18n: I18nContext<Locale>) -> &'static str {
    match state {
        "draft" => t_string!(i18n, money.po_draft),
        "sent" => t_string!(i18n, money.po_sent),
        "partially_received" => t_string!(i18n, money.po_partially_received),
        "received" => t_string!(i18n, money.po_received),
        "closed" => t_string!(i18n, money.po_closed),
        _ => t_string!(i18n, money.po_cancelled),
    }
}

/// A payment method in the current language.
pub fn method_label(method: &str, i18n: I18nContext<Locale>) -> &'static str {
    match method {
        "bank_transfer" => t_string!(i18n, money.method_bank_transfer),
        "card" => t_string!(i18n, money.method_card),
        "cash" => t_string!(i18n, money.method_cash),
        "cheque" => t_string!(i18n, money.method_cheque),
        "credit" => t_string!(i18n, money.method_credit),
        _ => t_string!(i18n, money.method_other),
    }
}

/// A suggestion's reason in the current language.
pub fn reason_label(reason: &str, i18n: I18nContext<Locale>) -> &'static str {
    match reason {
        "below_reorder_point" => t_string!(i18n, money.reason_reorder_point),
        "backorders" => t_string!(i18n, money.reason_backorders),
        _ => t_string!(i18n, money.reason_forecast),
    }
}

/// A notification kind in the current language.
pub fn notification_label(kind: &str, i18n: I18nContext<Locale>) -> &'static str {
    match kind {
        "invoice.overdue" => t_string!(i18n, money.note_invoice_overdue),
        "ticket.breaching" => t_string!(i18n, service.note_breaching),
        "ticket.breached" => t_string!(i18n, service.note_breached),
        "ticket.assigned" => t_string!(i18n, service.note_assigned),
        "order.large" => t_string!(i18n, dash.note_large_order),
        "report.ready" => t_string!(i18n, dash.note_report_ready),
        _ => t_string!(i18n, money.note_stock_low),
    }
}

/// Purchasing's sections, as tabs under the page title.
#[component]
pub fn PurchasingTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let can = move |code: &str| me.as_ref().is_some_and(|m| m.can(code));
    let here = move |key: &str| (current == key).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, money.purchasing_sections)>
            <a href="/purchase-orders" class="tab" aria-current=here("orders")>
                {t!(i18n, money.purchase_orders)}
            </a>
            <a href="/replenishment" class="tab" aria-current=here("replenishment")>
                {t!(i18n, money.replenishment)}
            </a>
            <a href="/suppliers" class="tab" aria-current=here("suppliers")>
                {t!(i18n, money.suppliers)}
            </a>
            {can("invoices.read")
                .then(|| {
                    view! {
                        <a href="/invoices" class="tab">
                            {t!(i18n, money.invoices)}
                        </a>
                    }
                })}
        </nav>
    }
}

/// `/notifications`: the signed-in user's notifications.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let read = ServerAction::<api::MarkNotificationsRead>::new();
    let list = Resource::new(move || read.version().get(), |_| api::my_notifications());
    view! {
        <leptos_meta::Title text=move || t_string!(i18n, money.notifications).to_owned() />
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, money.notifications)}</h1>
                <button
                    type="button"
                    class="btn btn-secondary"
                    on:click=move |_| {
                        read.dispatch(api::MarkNotificationsRead {
                            id: None,
                        });
                    }
                >
                    {t!(i18n, money.mark_all_read)}
                </button>
            </header>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    list.get()
                        .map(|result| {
                            result
                                .map(|rows| {
                                    view! {
                                        {rows
                                            .is_empty()
                                            .then(|| {
                                                view! {
                                                    <p class="muted">{t!(i18n, money.no_notifications)}</p>
                                                }
                                            })}
                                        <ul class="plain-list" data-testid="notifications">
                                            {rows
                                                .into_iter()
                                                .map(|n| {
                                                    let id = n.id;
                                                    let title = if n.title.is_empty() {
                                                        t_string!(i18n, money.note_unavailable).to_owned()
                                                    } else {
                                                        n.title.clone()
                                                    };
                                                    let subject = match n.link.clone() {
                                                        Some(link) => {
                                                            // A record the reader may no longer open: its kind and time, no link.
                                                            view! { <a href=link>{title}</a> }
                                                                .into_any()
                                                        }
                                                        None => {
                                                            view! {
                                                                <span class="muted" data-testid="note-unavailable">
                                                                    {title}
                                                                </span>
                                                            }
                                                                .into_any()
                                                        }
                                                    };
                                                    view! {
                                                        <li class=if n.read { "muted" } else { "" }>
                                                            <span class="badge">
                                                                {notification_label(&n.kind, i18n)}
                                                            </span>
                                                            " "
                                                            {subject}
                                                            " · "
                                                            <span class="small">{n.at.clone()}</span>
                                                            {(!n.read)
                                                                .then(|| {
                                                                    view! {
                                                                        " "
                                                                        <button
                                                                            type="button"
                                                                            class="btn btn-link"
                                                                            on:click=move |_| {
                                                                                read.dispatch(api::MarkNotificationsRead {
                                                                                    id: Some(id),
                                                                                });
                                                                            }
                                                                        >
                                                                            {t!(i18n, money.mark_read)}
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
        </div>
    }
}
