//! The customers area: the list, the form with duplicate warnings, and the
//! customer page with contacts.

pub mod api;
mod detail;
mod form;
pub mod types;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

pub use detail::CustomerPage;
pub use form::{EditCustomerPage, NewCustomerPage};

use crate::{auth::use_me, components::Pager, i18n::*};

/// `/customers`: search and page through the customers in the user's scope.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).filter(|v| !v.is_empty());
    let search = move || param("q");
    let archived = move || param("archived").is_some_and(|a| a == "true");
    let page = move || {
        param("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let customers = Resource::new(
        move || (search(), archived(), page()),
        |(s, a, p)| api::list_customers(s, a, p),
    );
    let can_write = use_me().is_some_and(|me| me.can("customers.write"));
    let link = move |target: u64| {
        let mut parts = vec![format!("page={target}")];
        if let Some(q) = search() {
            parts.push(format!("q={}", crate::auth::encode_component(&q)));
        }
        if archived() {
            parts.push("archived=true".into());
        }
        format!("/customers?{}", parts.join("&"))
    };
    view! {
        <Title text=move || t_string!(i18n, nav.customers).to_owned()/>
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, nav.customers)}</h1>
                {can_write.then(|| view! { <a class="btn btn-primary" href="/customers/new">{t!(i18n, crm.new_customer)}</a> })}
            </header>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="customer-search">{t!(i18n, crm.search)}</label>
                    <input id="customer-search" class="input" type="search" name="q" prop:value=move || search().unwrap_or_default()/>
                </div>
                <div class="check">
                    <input id="customer-archived" type="checkbox" name="archived" value="true" prop:checked=archived/>
                    <label for="customer-archived">{t!(i18n, crm.include_archived)}</label>
                </div>
                <button type="submit" class="btn btn-secondary">{t!(i18n, admin.apply)}</button>
            </Form>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || customers.get().map(|result| result.map(|found| {
                    let pages = found.pages();
                    let current = found.page;
                    view! {
                        <p class="muted small" data-testid="customer-count">{found.total} " " {t!(i18n, crm.customers_found)}</p>
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, crm.code)}</th>
                                    <th scope="col">{t!(i18n, admin.name)}</th>
                                    <th scope="col">{t!(i18n, admin.email)}</th>
                                    <th scope="col">{t!(i18n, crm.phone)}</th>
                                    <th scope="col">{t!(i18n, crm.segment)}</th>
                                </tr></thead>
                                <tbody>
                                    {found.items.into_iter().map(|c| view! {
                                        <tr>
                                            <td><code>{c.code}</code></td>
                                            <td>
                                                <a href=format!("/customers/{}", c.id)>{c.name}</a>
                                                {c.archived.then(|| view! { " " <span class="badge">{t!(i18n, crm.archived)}</span> })}
                                            </td>
                                            <td>{c.email.unwrap_or_default()}</td>
                                            <td>{c.phone.unwrap_or_default()}</td>
                                            <td>{c.segment}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=current pages link=move |target: u64| link(target)/>
                    }
                }))}
            </Transition>
        </div>
    }
}
