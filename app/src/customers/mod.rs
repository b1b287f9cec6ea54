//! The customers area: the list (filters, sorting and bulk actions held in
//! the URL), the form with duplicate warnings, and the customer page.

pub mod api;
mod detail;
mod form;
pub mod types;

use leptos::prelude::*;

use crate::exports::ExportCsv;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

pub use detail::CustomerPage;
pub use form::{EditCustomerPage, NewCustomerPage};

use crate::{
    auth::use_me,
    components::{forms::FormErrors, Pager},
    crm::{self, assignee_options, leads::OwnerFilter, param, query_string, CrmTabs},
    i18n::*,
};

/// `/customers`: search, filter, sort and page through the customers in
/// the user's scope, and act on several at once.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| param(&query.read(), k);
    let archived = move || get("archived").is_some_and(|a| a == "true");
    let page = move || get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let bulk = ServerAction::<crm::api::BulkCustomers>::new();
    let customers = Resource::new(
        move || {
            (
                (get("q"), archived(), get("segment"), get("tag")),
                get("owner"),
                get("sort"),
                page(),
                bulk.version().get(),
            )
        },
        |((q, a, segment, tag), owner, sort, p, _)| {
            api::list_customers(
                q,
                a,
                segment,
                tag,
                owner.and_then(|o| o.parse().ok()),
                sort,
                p,
            )
        },
    );
    let me = use_me();
    let can_write = me.as_ref().is_some_and(|m| m.can("customers.write"));
    let can_archive = me.as_ref().is_some_and(|m| m.can("customers.archive"));
    let owners = assignee_options();
    let selected = RwSignal::new(Vec::<i64>::new());
    let new_owner = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let errors = Signal::derive(move || bulk.value().get().and_then(Result::err));
    let done = move || bulk.value().get().and_then(Result::ok);
    let link = move |target: u64| {
        format!(
            "/customers{}",
            query_string(&[
                ("q", get("q")),
                ("archived", archived().then(|| "true".to_owned())),
                ("segment", get("segment")),
                ("tag", get("tag")),
                ("owner", get("owner")),
                ("sort", get("sort")),
                ("page", Some(target.to_string())),
            ])
        )
    };
    let run = move |action: &str| {
        bulk.dispatch(crm::api::BulkCustomers {
            ids: selected.get_untracked(),
            action: action.to_owned(),
            owner_id: new_owner.get_untracked().parse().ok(),
            tag: tag.get_untracked(),
        });
        selected.set(Vec::new());
    };
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, nav.customers).to_owned())/>
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, nav.customers)}</h1>
                {can_write.then(|| view! { <a class="btn btn-primary" href="/customers/new">{t!(i18n, crm.new_customer)}</a> })}
            </header>
            <CrmTabs current="customers"/>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="customer-search">{t!(i18n, crm.search)}</label>
                    <input id="customer-search" class="input" type="search" name="q" prop:value=move || get("q").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="customer-segment">{t!(i18n, crm.segment)}</label>
                    <input id="customer-segment" class="input" type="text" name="segment" prop:value=move || get("segment").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="customer-tag">{t!(i18n, crm.tag)}</label>
                    <input id="customer-tag" class="input" type="text" name="tag" prop:value=move || get("tag").unwrap_or_default()/>
                </div>
                <OwnerFilter owners current=Signal::derive(move || get("owner"))/>
                <div class="field">
                    <label for="customer-sort">{t!(i18n, crm.sort)}</label>
                    <select id="customer-sort" class="select" name="sort" prop:value=move || get("sort").unwrap_or_default()>
                        <option value="">{t!(i18n, admin.name)}</option>
                        <option value="-name">{t!(i18n, crm.name_desc)}</option>
                        <option value="code">{t!(i18n, crm.code)}</option>
                        <option value="-created">{t!(i18n, crm.newest)}</option>
                        <option value="created">{t!(i18n, crm.oldest)}</option>
                    </select>
                </div>
                <div class="check">
                    <input id="customer-archived" type="checkbox" name="archived" value="true" prop:checked=archived/>
                    <label for="customer-archived">{t!(i18n, crm.include_archived)}</label>
                </div>
                <button type="submit" class="btn btn-secondary">{t!(i18n, admin.apply)}</button>
            </Form>
            <ExportCsv name="customers" headers=vec![t_string!(i18n, crm.code).to_owned(), t_string!(i18n, admin.name).to_owned(), t_string!(i18n, crm.kind).to_owned(), t_string!(i18n, crm.segment).to_owned(), t_string!(i18n, admin.email).to_owned(), t_string!(i18n, crm.phone).to_owned(), t_string!(i18n, crm.owner).to_owned(), t_string!(i18n, crm.archived).to_owned()] run=move |headers| api::export_customers(get("q"), archived(), get("segment"), get("tag"), get("owner").and_then(|o| o.parse().ok()), get("sort"), headers)/>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || customers.get().map(|result| result.map(|found| {
                    let pages = found.pages();
                    let current = found.page;
                    let ids: Vec<i64> = found.items.iter().map(|c| c.id).collect();
                    view! {
                        <p class="muted small" data-testid="customer-count">{found.total} " " {t!(i18n, crm.customers_found)}</p>
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr>
                                    {can_write.then(|| view! {
                                        <th scope="col"><input type="checkbox" aria-label=move || t_string!(i18n, crm.select_all)
                                            on:change=move |ev| selected.set(if event_target_checked(&ev) { ids.clone() } else { Vec::new() })/></th>
                                    })}
                                    <th scope="col">{t!(i18n, crm.code)}</th>
                                    <th scope="col">{t!(i18n, admin.name)}</th>
                                    <th scope="col">{t!(i18n, admin.email)}</th>
                                    <th scope="col">{t!(i18n, crm.phone)}</th>
                                    <th scope="col">{t!(i18n, crm.segment)}</th>
                                    <th scope="col">{t!(i18n, crm.owner)}</th>
                                </tr></thead>
                                <tbody>
                                    {found.items.into_iter().map(|c| {
                                        let id = c.id;
                                        let label = format!("{} {}", t_string!(i18n, crm.select), c.name);
                                        view! {
                                            <tr>
                                                {can_write.then(|| view! {
                                                    <td><input type="checkbox" aria-label=label
                                                        prop:checked=move || selected.read().contains(&id)
                                                        on:change=move |ev| selected.update(|s| if event_target_checked(&ev) { s.push(id) } else { s.retain(|x| *x != id) })/></td>
                                                })}
                                                <td><code>{c.code}</code></td>
                                                <td>
                                                    <a href=format!("/customers/{id}")>{c.name}</a>
                                                    {c.archived.then(|| view! { " " <span class="badge">{t!(i18n, crm.archived)}</span> })}
                                                </td>
                                                <td>{c.email.unwrap_or_default()}</td>
                                                <td>{c.phone.unwrap_or_default()}</td>
                                                <td>{c.segment}</td>
                                                <td>{c.owner.unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=current pages link=move |target: u64| link(target)/>
                    }
                }))}
            </Transition>
            {can_write.then(|| view! {
                <section class="card bulk" aria-labelledby="customer-bulk-title" data-testid="bulk">
                    <h2 id="customer-bulk-title" class="card-title">{t!(i18n, crm.bulk_actions)} " (" {move || selected.read().len()} ")"</h2>
                    {move || done().map(|n| view! { <p class="notice" role="status">{n} " " {t!(i18n, crm.changed)}</p> })}
                    <FormErrors errors field="form"/>
                    <FormErrors errors field="selection"/>
                    <FormErrors errors field="tag"/>
                    <FormErrors errors field="owner_id"/>
                    <div class="bulk-row">
                        <div class="field">
                            <label for="bulk-tag">{t!(i18n, crm.tag)}</label>
                            <input id="bulk-tag" class="input" type="text" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev))/>
                        </div>
                        <button type="button" class="btn btn-secondary" on:click=move |_| run("tag")>{t!(i18n, crm.add_tag)}</button>
                    </div>
                    <Transition><Show when=move || !owners.get().unwrap_or_default().is_empty()>
                        <div class="bulk-row">
                            <div class="field">
                                <label for="bulk-owner">{t!(i18n, crm.reassign_to)}</label>
                                <select id="bulk-owner" class="select" on:change=move |ev| new_owner.set(event_target_value(&ev))>
                                    <option value="">"—"</option>
                                    {move || owners.get().unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="button" class="btn btn-secondary" on:click=move |_| run("reassign")>{t!(i18n, crm.reassign)}</button>
                        </div>
                    </Show></Transition>
                    {can_archive.then(|| view! {
                        <button type="button" class="btn btn-secondary" on:click=move |_| run("archive")>{t!(i18n, crm.archive_selected)}</button>
                    })}
                </section>
            })}
        </div>
    }
}
