//! `/customers/:id`: a customer's facts and contacts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{api, types::ContactForm};
use crate::{
    components::forms::{FieldError, FormErrors},
    i18n::*,
};

/// The customer page.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let archive = ServerAction::<api::ArchiveCustomer>::new();
    let customer = Resource::new(
        move || (id(), archive.version().get()),
        |(id, _)| api::get_customer(id),
    );
    let archive_errors = Signal::derive(move || archive.value().get().and_then(Result::err));
    view! {
        <Title text=move || t_string!(i18n, nav.customers).to_owned()/>
        <div class="page">
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || customer.get().map(|result| result.map(|c| {
                    let archived = c.summary.archived;
                    let can_write = c.can_write;
                    let is_company = c.summary.kind == "company";
                    view! {
                        <header class="page-header page-header-row">
                            <div>
                                <h1 data-testid="customer-name">{c.summary.name.clone()}</h1>
                                <p class="muted"><code>{c.summary.code.clone()}</code> " · "
                                    {if is_company { t_string!(i18n, crm.company) } else { t_string!(i18n, crm.person) }}
                                    {archived.then(|| view! { " " <span class="badge">{t!(i18n, crm.archived)}</span> })}
                                </p>
                            </div>
                            <div class="user-menu">
                                {can_write.then(|| view! { <a class="btn btn-secondary" href=format!("/customers/{}/edit", c.summary.id)>{t!(i18n, crm.edit_customer)}</a> })}
                                {c.can_archive.then(|| view! {
                                    <button type="button" class="btn btn-secondary"
                                        on:click=move |_| { archive.dispatch(api::ArchiveCustomer { id: id(), archived: !archived }); }>
                                        {if archived { t_string!(i18n, crm.restore) } else { t_string!(i18n, crm.archive) }}
                                    </button>
                                })}
                            </div>
                        </header>
                        <FormErrors errors=archive_errors field="form"/>
                        <div class="grid grid-main-side">
                            <section class="card">
                                <dl class="facts">
                                    <dt>{t!(i18n, admin.email)}</dt><dd>{c.summary.email.clone().unwrap_or_default()}</dd>
                                    <dt>{t!(i18n, crm.phone)}</dt><dd>{c.summary.phone.clone().unwrap_or_default()}</dd>
                                    <dt>{t!(i18n, crm.address)}</dt><dd class="pre">{c.address.clone()}</dd>
                                    <dt>{t!(i18n, crm.tax_id)}</dt><dd>{c.tax_id.clone().unwrap_or_default()}</dd>
                                    <dt>{t!(i18n, crm.segment)}</dt><dd>{c.summary.segment.clone()}</dd>
                                    <dt>{t!(i18n, crm.tags)}</dt><dd>{c.tags.iter().map(|t| view! { <span class="badge">{t.clone()}</span> " " }).collect_view()}</dd>
                                    <dt>{t!(i18n, crm.owner)}</dt><dd>{c.owner.clone().unwrap_or_default()}</dd>
                                    <dt>{t!(i18n, crm.credit_limit)}</dt><dd>{format!("{} {}", c.credit_limit, c.currency)}</dd>
                                    <dt>{t!(i18n, crm.payment_terms)}</dt><dd>{c.payment_terms_days}</dd>
                                </dl>
                                <p class="pre">{c.notes.clone()}</p>
                            </section>
                            {is_company.then(|| view! { <Contacts customer_id=c.summary.id can_write/> })}
                        </div>
                    }
                }))}
            </Transition>
        </div>
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
            <h2 id="contacts-title" class="card-title">{t!(i18n, crm.contacts)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || contacts.get().map(|result| result.map(|list| view! {
                    <ul class="plain-list" data-testid="contacts">
                        {list.into_iter().map(|c| {
                            let contact_id = c.id;
                            view! {
                                <li class="contact">
                                    <strong>{c.name}</strong> " " <span class="muted">{c.title}</span><br/>
                                    <span class="small">{c.email.unwrap_or_default()} " " {c.phone.unwrap_or_default()}</span>
                                    {can_write.then(|| view! {
                                        " "
                                        <button type="button" class="btn btn-ghost small" on:click=move |_| { remove.dispatch(api::RemoveContact { contact_id }); }>
                                            {t!(i18n, crm.remove)}
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }))}
            </Transition>
            {can_write.then(|| view! {
                <form novalidate on:submit=submit>
                    <h3 class="card-title">{t!(i18n, crm.add_contact)}</h3>
                    <div class="field">
                        <label for="contact-name">{t!(i18n, admin.name)}</label>
                        <input id="contact-name" class="input" type="text" prop:value=move || form.read().name.clone() on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))/>
                        <FieldError errors field="name"/>
                    </div>
                    <div class="field">
                        <label for="contact-title">{t!(i18n, crm.job_title)}</label>
                        <input id="contact-title" class="input" type="text" prop:value=move || form.read().title.clone() on:input=move |ev| form.update(|f| f.title = event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="contact-email">{t!(i18n, admin.email)}</label>
                        <input id="contact-email" class="input" type="email" prop:value=move || form.read().email.clone() on:input=move |ev| form.update(|f| f.email = event_target_value(&ev))/>
                        <FieldError errors field="email"/>
                    </div>
                    <div class="field">
                        <label for="contact-phone">{t!(i18n, crm.phone)}</label>
                        <input id="contact-phone" class="input" type="tel" prop:value=move || form.read().phone.clone() on:input=move |ev| form.update(|f| f.phone = event_target_value(&ev))/>
                        <FieldError errors field="phone"/>
                    </div>
                    <FormErrors errors field="form"/>
                    <button type="submit" class="btn btn-secondary">{t!(i18n, crm.add_contact)}</button>
                </form>
            })}
        </section>
    }
}
