//! `/customers/new` and `/customers/:id/edit`: the customer form, which
//! shows likely duplicates before saving.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api, types::CustomerForm};
use crate::{
    components::{
        forms::{FieldError, FormErrors},
        id_param,
    },
    crm::owners::OwnerField,
    i18n::*,
};

fn reason_label(reason: &str, i18n: leptos_i18n::I18nContext<Locale>) -> &'static str {
    match reason {
        "email" => t_string!(i18n, crm.same_email),
        "phone" => t_string!(i18n, crm.same_phone),
        "tax_id" => t_string!(i18n, crm.same_tax_id),
        _ => t_string!(i18n, crm.similar_name),
    }
}

/// The form's fields, bound to one signal holding the whole form.
#[component]
fn CustomerFields(
    form: RwSignal<CustomerForm>,
    errors: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = crate::crm::assignee_options();
    macro_rules! text_field {
        ($id:literal, $field:ident, $label:expr, $kind:literal) => {
            view! {
                <div class="field">
                    <label for=$id>{$label}</label>
                    <input id=$id class="input" type=$kind
                        prop:value=move || form.read().$field.clone()
                        on:change=move |ev| form.update(|f| f.$field = event_target_value(&ev))/>
                    <FieldError errors field=stringify!($field)/>
                </div>
            }
        };
    }
    view! {
        <fieldset class="field checks">
            <legend>{t!(i18n, crm.kind)}</legend>
            <div class="check">
                <input
                    id="kind-company"
                    type="radio"
                    name="kind"
                    prop:checked=move || form.read().kind == "company"
                    on:change=move |_| form.update(|f| f.kind = "company".into())
                />
                <label for="kind-company">{t!(i18n, crm.company)}</label>
            </div>
            <div class="check">
                <input
                    id="kind-person"
                    type="radio"
                    name="kind"
                    prop:checked=move || form.read().kind == "person"
                    on:change=move |_| form.update(|f| f.kind = "person".into())
                />
                <label for="kind-person">{t!(i18n, crm.person)}</label>
            </div>
        </fieldset>
        <FieldError errors field="kind" />
        {text_field!("customer-name", name, t!(i18n, admin.name), "text")}
        {text_field!("customer-email", email, t!(i18n, admin.email), "email")}
        {text_field!("customer-phone", phone, t!(i18n, crm.phone), "tel")}
        {text_field!("customer-tax", tax_id, t!(i18n, crm.tax_id), "text")}
        <div class="field">
            <label for="customer-address">{t!(i18n, crm.address)}</label>
            <textarea
                id="customer-address"
                class="textarea"
                prop:value=move || form.read().address.clone()
                on:change=move |ev| form.update(|f| f.address = event_target_value(&ev))
            ></textarea>
        </div>
        {text_field!("customer-segment", segment, t!(i18n, crm.segment), "text")}
        {text_field!("customer-tags", tags, t!(i18n, crm.tags), "text")}
        {text_field!("customer-credit", credit_limit, t!(i18n, crm.credit_limit), "text")}
        {text_field!("customer-currency", currency, t!(i18n, crm.currency), "text")}
        <div class="field">
            <label for="customer-terms">{t!(i18n, crm.payment_terms)}</label>
            <input
                id="customer-terms"
                class="input"
                type="number"
                min="0"
                max="365"
                prop:value=move || form.read().payment_terms_days.to_string()
                on:change=move |ev| {
                    form.update(|f| {
                        f.payment_terms_days = event_target_value(&ev).parse().unwrap_or(-1);
                    })
                }
            />
            <FieldError errors field="payment_terms_days" />
        </div>
        <OwnerField
            id="customer-owner"
            owners
            errors
            value=move || form.read().owner_id
            on_change={move |owner: Option<i64>| form.update(|f| f.owner_id = owner)}
        />
        <div class="field">
            <label for="customer-notes">{t!(i18n, crm.notes)}</label>
            <textarea
                id="customer-notes"
                class="textarea"
                prop:value=move || form.read().notes.clone()
                on:change=move |ev| form.update(|f| f.notes = event_target_value(&ev))
            ></textarea>
        </div>
    }
}

/// Likely duplicates of the form's current content, refreshed as identifying fields change.
#[component]
fn Duplicates(form: RwSignal<CustomerForm>, except: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let key = move || {
        let f = form.read();
        (
            f.name.clone(),
            f.email.clone(),
            f.phone.clone(),
            f.tax_id.clone(),
        )
    };
    let found = Resource::new(key, move |_| {
        api::find_duplicates(form.get_untracked(), except)
    });
    view! {
        <Transition>
            {move || {
                found
                    .get()
                    .and_then(Result::ok)
                    .filter(|list| !list.is_empty())
                    .map(|list| {
                        view! {
                            <section
                                class="notice notice-warning"
                                role="status"
                                data-testid="duplicates"
                            >
                                <h2 class="card-title">{t!(i18n, crm.possible_duplicates)}</h2>
                                <ul class="plain-list">
                                    {list
                                        .into_iter()
                                        .map(|d| {
                                            view! {
                                                <li>
                                                    <a href=format!("/customers/{}", d.id)>{d.name}</a>
                                                    " "
                                                    <code>{d.code}</code>
                                                    " — "
                                                    <span class="muted">
                                                        {d
                                                            .reasons
                                                            .iter()
                                                            .map(|r| reason_label(r, i18n))
                                                            .collect::<Vec<_>>()
                                                            .join(", ")}
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            }}
        </Transition>
    }
}

/// Creating a customer.
#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(CustomerForm {
        kind: "company".into(),
        currency: "EUR".into(),
        payment_terms_days: 30,
        ..Default::default()
    });
    let create = ServerAction::<api::CreateCustomer>::new();
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let _ = window().location().set_href(&format!("/customers/{id}"));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(api::CreateCustomer {
            form: form.get_untracked(),
        });
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, crm.new_customer).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, crm.new_customer)}</h1>
            </header>
            <div class="grid grid-main-side">
                <form class="card" novalidate on:submit=submit>
                    <CustomerFields form errors />
                    <FormErrors errors field="form" />
                    <button
                        type="submit"
                        class="btn btn-primary"
                        disabled=move || create.pending().get()
                    >
                        {t!(i18n, crm.save_customer)}
                    </button>
                </form>
                <Duplicates form except=None />
            </div>
        </div>
    }
}

/// Editing a customer.
#[component]
pub fn EditCustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let form = RwSignal::new(CustomerForm::default());
    let loaded = Resource::new(id, api::get_customer);
    Effect::new(move |_| {
        if let Some(Ok(c)) = loaded.get() {
            form.set(CustomerForm {
                kind: c.summary.kind.clone(),
                name: c.summary.name.clone(),
                email: c.summary.email.clone().unwrap_or_default(),
                phone: c.summary.phone.clone().unwrap_or_default(),
                address: c.address.clone(),
                tax_id: c.tax_id.clone().unwrap_or_default(),
                segment: c.summary.segment.clone(),
                tags: c.tags.join(", "),
                credit_limit: c.credit_limit.replace(',', ""),
                currency: c.currency.clone(),
                payment_terms_days: c.payment_terms_days,
                notes: c.notes.clone(),
                owner_id: c.owner_id,
            });
        }
    });
    let update = ServerAction::<api::UpdateCustomer>::new();
    let errors = Signal::derive(move || update.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            let _ = window()
                .location()
                .set_href(&format!("/customers/{}", id()));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        update.dispatch(api::UpdateCustomer {
            id: id(),
            form: form.get_untracked(),
        });
    };
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, crm.edit_customer).to_owned()
        }) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, crm.edit_customer)}</h1>
            </header>
            <Transition fallback=move || {
                view! { <p class="muted">{t!(i18n, common.loading)}</p> }
            }>
                {move || {
                    loaded
                        .get()
                        .map(|result| match result {
                            Ok(_) => {
                                view! {
                                    <div class="grid grid-main-side">
                                        <form class="card" novalidate on:submit=submit>
                                            <CustomerFields form errors />
                                            <FormErrors errors field="form" />
                                            <button
                                                type="submit"
                                                class="btn btn-primary"
                                                disabled=move || update.pending().get()
                                            >
                                                {t!(i18n, crm.save_customer)}
                                            </button>
                                        </form>
                                        <Duplicates form except=Some(id()) />
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(error) => crate::components::failed(error),
                        })
                }}
            </Transition>
        </div>
    }
}
