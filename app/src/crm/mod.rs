//! The CRM beyond the customer form: the sub-navigation shared by its
//! pages, and the server functions and wire types of leads, opportunities,
//! activities, campaigns and the customer page.

pub mod activities;
pub mod api;
pub mod campaigns;
pub mod leads;
pub mod opportunities;
pub mod owners;
pub mod types;

/// A labelled text input bound to one field of a form signal, with its error.
macro_rules! text_field {
    ($form:ident, $errors:ident, $id:literal, $field:ident, $label:expr, $kind:literal) => {
        view! {
            <div class="field">
                <label for=$id>{$label}</label>
                <input id=$id class="input" type=$kind
                    prop:value=move || $form.read().$field.clone()
                    on:change=move |ev| $form.update(|f| f.$field = event_target_value(&ev))/>
                <FieldError errors=$errors field=stringify!($field)/>
            </div>
        }
    };
}
pub(crate) use text_field;

use leptos::prelude::*;

use crate::{auth::use_me, i18n::*};

/// The CRM's sections, as tabs under the page title.
#[component]
pub fn CrmTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let can = move |code: &str| me.as_ref().is_some_and(|m| m.can(code));
    let here = move |key: &str| (current == key).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, crm.sections)>
            {can("customers.read")
                .then(|| {
                    view! {
                        <a href="/customers" class="tab" aria-current=here("customers")>
                            {t!(i18n, nav.customers)}
                        </a>
                    }
                })}
            {can("leads.read")
                .then(|| {
                    view! {
                        <a href="/leads" class="tab" aria-current=here("leads")>
                            {t!(i18n, crm.leads)}
                        </a>
                    }
                })}
            {can("opportunities.read")
                .then(|| {
                    view! {
                        <a href="/opportunities" class="tab" aria-current=here("opportunities")>
                            {t!(i18n, crm.opportunities)}
                        </a>
                    }
                })}
            {can("activities.read")
                .then(|| {
                    view! {
                        <a href="/activities" class="tab" aria-current=here("activities")>
                            {t!(i18n, crm.activities)}
                        </a>
                    }
                })}
            {can("campaigns.read")
                .then(|| {
                    view! {
                        <a href="/campaigns" class="tab" aria-current=here("campaigns")>
                            {t!(i18n, crm.campaigns)}
                        </a>
                    }
                })}
        </nav>
    }
}

/// The owner picker's options, loaded only for users who may assign
/// records to others (others get an empty list and no picker).
pub fn assignee_options() -> Resource<Vec<types::Choice>> {
    let may = use_me().is_some_and(|m| {
        [
            "customers.read_all",
            "leads.read_all",
            "opportunities.read_all",
            "activities.read_all",
        ]
        .iter()
        .any(|c| m.can(c))
    });
    Resource::new(
        move || may,
        |may| async move {
            if may {
                api::assignees().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    )
}

/// The customers whose name matches what is typed in `search` (from two
/// characters on), for a customer picker.
pub fn customer_matches(search: RwSignal<String>) -> Resource<Vec<types::Choice>> {
    Resource::new(
        move || search.get(),
        |text| async move {
            if text.trim().len() < 2 {
                Vec::new()
            } else {
                api::pick_customers(text).await.unwrap_or_default()
            }
        },
    )
}

/// A label for a timeline event kind, in the current language; unknown
/// kinds (from modules newer than this table) show as they are.
pub fn event_label(kind: &str, i18n: leptos_i18n::I18nContext<Locale>) -> String {
    match kind {
        "customer.created" => t_string!(i18n, timeline.customer_created).to_owned(),
        "customer.merged" => t_string!(i18n, timeline.customer_merged).to_owned(),
        "lead.converted" => t_string!(i18n, timeline.lead_converted).to_owned(),
        "opportunity.created" => t_string!(i18n, timeline.opportunity_created).to_owned(),
        "opportunity.stage" => t_string!(i18n, timeline.opportunity_stage).to_owned(),
        "opportunity.won" => t_string!(i18n, timeline.opportunity_won).to_owned(),
        "opportunity.lost" => t_string!(i18n, timeline.opportunity_lost).to_owned(),
        "activity.logged" => t_string!(i18n, timeline.activity_logged).to_owned(),
        "activity.planned" => t_string!(i18n, timeline.activity_planned).to_owned(),
        "activity.done" => t_string!(i18n, timeline.activity_done).to_owned(),
        "order.created" => t_string!(i18n, timeline.order_created).to_owned(),
        "order.confirmed" => t_string!(i18n, timeline.order_confirmed).to_owned(),
        "order.confirmed_backorder" => {
            t_string!(i18n, timeline.order_confirmed_backorder).to_owned()
        }
        "order.cancelled" => t_string!(i18n, timeline.order_cancelled).to_owned(),
        "shipment.shipped" => t_string!(i18n, timeline.shipment_shipped).to_owned(),
        "invoice.issued" => t_string!(i18n, timeline.invoice_issued).to_owned(),
        "invoice.overdue" => t_string!(i18n, timeline.invoice_overdue).to_owned(),
        "invoice.cancelled" => t_string!(i18n, timeline.invoice_cancelled).to_owned(),
        "payment.received" => t_string!(i18n, timeline.payment_received).to_owned(),
        "credit_note.issued" => t_string!(i18n, timeline.credit_note_issued).to_owned(),
        "ticket.created" => t_string!(i18n, timeline.ticket_created).to_owned(),
        "ticket.updated" => t_string!(i18n, timeline.ticket_updated).to_owned(),
        "ticket.status" => t_string!(i18n, timeline.ticket_status).to_owned(),
        "ticket.replied" => t_string!(i18n, timeline.ticket_replied).to_owned(),
        "ticket.noted" => t_string!(i18n, timeline.ticket_noted).to_owned(),
        "ticket.assigned" => t_string!(i18n, timeline.ticket_assigned).to_owned(),
        "ticket.rated" => t_string!(i18n, timeline.ticket_rated).to_owned(),
        "return.requested" => t_string!(i18n, timeline.return_requested).to_owned(),
        "return.approved" => t_string!(i18n, timeline.return_approved).to_owned(),
        "return.rejected" => t_string!(i18n, timeline.return_rejected).to_owned(),
        other => other.to_owned(),
    }
}
