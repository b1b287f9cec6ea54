//! The customers area: the list (filters, sorting and bulk actions held in
//! the URL), the form with duplicate warnings, and the customer page.

pub mod api;
mod detail;
mod form;
pub mod types;

use leptos::prelude::*;

use crate::exports::ExportCsv;

pub use detail::CustomerPage;
pub use form::{EditCustomerPage, NewCustomerPage};

use crate::{
    auth::use_me,
    components::{
        forms::FormErrors, use_list_query, BulkBar, CheckFilter, Col, FilterBar, ListTable,
        NewLink, PageHeader, PagedList, SearchFilter, SelectAll, SelectFilter, SelectRow,
    },
    crm::{
        self, assignee_options,
        owners::{OwnerFilter, ReassignSelect},
        CrmTabs,
    },
    i18n::*,
};

/// The filters `/customers` keeps in its address.
const FILTERS: [&str; 6] = ["q", "archived", "segment", "tag", "owner", "sort"];

/// `/customers`: search, filter, sort and page through the customers in
/// the user's scope, and act on several at once.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let archived = move || query.get("archived").is_some_and(|a| a == "true");
    let bulk = ServerAction::<crm::api::BulkCustomers>::new();
    let customers = Resource::new(
        move || {
            (
                (
                    query.get("q"),
                    archived(),
                    query.get("segment"),
                    query.get("tag"),
                ),
                query.id("owner"),
                query.get("sort"),
                query.page(),
                bulk.version().get(),
            )
        },
        |((q, a, segment, tag), owner, sort, p, _)| {
            api::list_customers(q, a, segment, tag, owner, sort, p)
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
        <div class="page">
            <PageHeader title=move || { t_string!(i18n, nav.customers) }>
                <NewLink allowed=can_write href="/customers/new">
                    {t!(i18n, crm.new_customer)}
                </NewLink>
            </PageHeader>
            <CrmTabs current="customers" />
            <FilterBar>
                <SearchFilter id="customer-search" name="q" label=t!(i18n, crm.search) />
                <SearchFilter
                    id="customer-segment"
                    name="segment"
                    kind="text"
                    label=t!(i18n, crm.segment)
                />
                <SearchFilter id="customer-tag" name="tag" kind="text" label=t!(i18n, crm.tag) />
                <OwnerFilter owners />
                <SelectFilter id="customer-sort" name="sort" label=t!(i18n, crm.sort) any=false>
                    <option value="">{t!(i18n, admin.name)}</option>
                    <option value="-name">{t!(i18n, crm.name_desc)}</option>
                    <option value="code">{t!(i18n, crm.code)}</option>
                    <option value="-created">{t!(i18n, crm.newest)}</option>
                    <option value="created">{t!(i18n, crm.oldest)}</option>
                </SelectFilter>
                <CheckFilter
                    id="customer-archived"
                    name="archived"
                    value="true"
                    label=t!(i18n, crm.include_archived)
                    checked=archived
                />
            </FilterBar>
            <ExportCsv
                name="customers"
                headers=vec![
                    t_string!(i18n, crm.code).to_owned(),
                    t_string!(i18n, admin.name).to_owned(),
                    t_string!(i18n, crm.kind).to_owned(),
                    t_string!(i18n, crm.segment).to_owned(),
                    t_string!(i18n, admin.email).to_owned(),
                    t_string!(i18n, crm.phone).to_owned(),
                    t_string!(i18n, crm.owner).to_owned(),
                    t_string!(i18n, crm.archived).to_owned(),
                ]
                run=move |headers| api::export_customers(
                    query.get("q"),
                    archived(),
                    query.get("segment"),
                    query.get("tag"),
                    query.id("owner"),
                    query.get("sort"),
                    headers,
                )
            />
            <PagedList
                list=customers
                link=query.pager("/customers", &FILTERS)
                counted=t!(i18n, crm.customers_found)
                count_testid="customer-count"
                let:items
            >
                <ListTable head=view! {
                    {can_write
                        .then(|| {
                            view! {
                                <SelectAll ids=items.iter().map(|c| c.id).collect() selected />
                            }
                        })}
                    <Col>{t!(i18n, crm.code)}</Col>
                    <Col>{t!(i18n, admin.name)}</Col>
                    <Col>{t!(i18n, admin.email)}</Col>
                    <Col>{t!(i18n, crm.phone)}</Col>
                    <Col>{t!(i18n, crm.segment)}</Col>
                    <Col>{t!(i18n, crm.owner)}</Col>
                }>
                    {items
                        .into_iter()
                        .map(|c| {
                            view! {
                                <tr>
                                    {can_write
                                        .then(|| {
                                            view! { <SelectRow id=c.id name=c.name.clone() selected /> }
                                        })} <td>
                                        <code>{c.code}</code>
                                    </td> <td>
                                        <a href=format!("/customers/{}", c.id)>{c.name}</a>
                                        {c
                                            .archived
                                            .then(|| {
                                                view! {
                                                    " "
                                                    <span class="badge">{t!(i18n, crm.archived)}</span>
                                                }
                                            })}
                                    </td> <td>{c.email.unwrap_or_default()}</td>
                                    <td>{c.phone.unwrap_or_default()}</td> <td>{c.segment}</td>
                                    <td>{c.owner.unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            </PagedList>
            {can_write
                .then(|| {
                    view! {
                        <BulkBar selected title_id=Some("customer-bulk-title") testid="bulk">
                            {move || {
                                done()
                                    .map(|n| {
                                        view! {
                                            <p class="notice" role="status">
                                                {n}
                                                " "
                                                {t!(i18n, crm.changed)}
                                            </p>
                                        }
                                    })
                            }}
                            <FormErrors errors field="form" />
                            <FormErrors errors field="selection" />
                            <FormErrors errors field="tag" />
                            <FormErrors errors field="owner_id" />
                            <div class="bulk-row">
                                <div class="field">
                                    <label for="bulk-tag">{t!(i18n, crm.tag)}</label>
                                    <input
                                        id="bulk-tag"
                                        class="input"
                                        type="text"
                                        prop:value=move || tag.get()
                                        on:input=move |ev| tag.set(event_target_value(&ev))
                                    />
                                </div>
                                <button
                                    type="button"
                                    class="btn btn-secondary"
                                    on:click=move |_| run("tag")
                                >
                                    {t!(i18n, crm.add_tag)}
                                </button>
                            </div>
                            <Transition>
                                <Show when=move || !owners.get().unwrap_or_default().is_empty()>
                                    <div class="bulk-row">
                                        <ReassignSelect id="bulk-owner" owners value=new_owner />
                                        <button
                                            type="button"
                                            class="btn btn-secondary"
                                            on:click=move |_| run("reassign")
                                        >
                                            {t!(i18n, crm.reassign)}
                                        </button>
                                    </div>
                                </Show>
                            </Transition>
                            {can_archive
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="btn btn-secondary"
                                            on:click=move |_| run("archive")
                                        >
                                            {t!(i18n, crm.archive_selected)}
                                        </button>
                                    }
                                })}
                        </BulkBar>
                    }
                })}
        </div>
    }
}
