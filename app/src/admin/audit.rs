//! `/admin/audit`: the audit log with filters, before → after.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::{api, types::AuditQuery, AdminTabs};
use crate::{
    components::{
        short_time, use_list_query, Col, FilterBar, ListTable, PageHeader, PagedList, SearchFilter,
    },
    i18n::*,
};

/// The audit log.
#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let current = move || AuditQuery {
        actor: query.get("actor"),
        entity: query.get("entity"),
        action: query.get("action"),
        from: query.get("from"),
        until: query.get("until"),
        page: query.page(),
    };
    let events = Resource::new(current, api::list_audit);
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, admin.audit) />
            <AdminTabs current="audit" />
            <FilterBar>
                <SearchFilter id="audit-actor" name="actor" label=t!(i18n, admin.actor) />
                <RecordTypeFilter selected=Signal::derive(move || query.get("entity")) />
                <SearchFilter
                    id="audit-action"
                    name="action"
                    kind="text"
                    placeholder="user.created"
                    label=t!(i18n, admin.action)
                />
                <SearchFilter id="audit-from" name="from" kind="date" label=t!(i18n, admin.from) />
                <SearchFilter
                    id="audit-until"
                    name="until"
                    kind="date"
                    label=t!(i18n, admin.until)
                />
            </FilterBar>
            <PagedList
                list=events
                link=query.pager("/admin/audit", &["actor", "entity", "action", "from", "until"])
                let:items
            >
                <ListTable
                    class="table audit"
                    head=view! {
                        <Col>{t!(i18n, admin.when)}</Col>
                        <Col>{t!(i18n, admin.actor)}</Col>
                        <Col>{t!(i18n, admin.action)}</Col>
                        <Col>{t!(i18n, admin.entity)}</Col>
                        <Col>{t!(i18n, admin.change)}</Col>
                    }
                >
                    {items
                        .into_iter()
                        .map(|e| {
                            view! {
                                <tr data-testid="audit-row">
                                    <td class="nowrap">{short_time(&e.occurred_at)}</td>
                                    <td>
                                        {e.actor}<br />
                                        <span class="muted small">
                                            {e.client_addr.unwrap_or_default()}
                                        </span>
                                    </td>
                                    <td>
                                        <code>{e.action}</code>
                                    </td>
                                    <td>{e.entity} {e.entity_id.map(|id| format!(" #{id}"))}</td>
                                    <td class="change">
                                        {e
                                            .before
                                            .map(|b| view! { <pre class="json before">{b}</pre> })}
                                        {e
                                            .after
                                            .map(|a| view! { <pre class="json after">{a}</pre> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            </PagedList>
        </div>
    }
}

/// The "Record type" filter: every kind of record the audit trail records,
/// as the server lists them, labelled in the current language.
#[component]
fn RecordTypeFilter(#[prop(into)] selected: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let kinds = Resource::new(|| (), |_| api::audit_record_types());
    let options = move |list: Vec<String>| {
        list.into_iter()
            .map(|kind| {
                let label = kind.clone();
                let value = kind.clone();
                view! {
                    <option
                        value=kind
                        selected=move || selected.with(|s| s.as_deref() == Some(value.as_str()))
                    >
                        {move || record_type_label(&label, i18n)}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for="audit-entity">{t!(i18n, admin.entity)}</label>
            <Transition fallback=move || {
                view! {
                    <select id="audit-entity" class="select" name="entity" disabled>
                        <option value="">{t!(i18n, admin.any_entity)}</option>
                    </select>
                }
            }>
                {move || {
                    kinds
                        .get()
                        .map(|found| {
                            view! {
                                <select id="audit-entity" class="select" name="entity">
                                    <option value="">{t!(i18n, admin.any_entity)}</option>
                                    {options(found.unwrap_or_default())}
                                </select>
                            }
                        })
                }}
            </Transition>
        </div>
    }
}

/// A record type's label in the current language; the type itself when it
/// has none (the domain's test keeps every audited type in the list the
/// server sends, and the server's test keeps each one labelled).
fn record_type_label(kind: &str, i18n: I18nContext<Locale>) -> String {
    let label = match kind {
        "order" => t_string!(i18n, audit_type.order),
        "shipment" => t_string!(i18n, audit_type.shipment),
        "invoice" => t_string!(i18n, audit_type.invoice),
        "ticket" => t_string!(i18n, audit_type.ticket),
        "customer" => t_string!(i18n, audit_type.customer),
        "lead" => t_string!(i18n, audit_type.lead),
        "opportunity" => t_string!(i18n, audit_type.opportunity),
        "activity" => t_string!(i18n, audit_type.activity),
        "campaign" => t_string!(i18n, audit_type.campaign),
        "stage" => t_string!(i18n, audit_type.stage),
        "product" => t_string!(i18n, audit_type.product),
        "stock_level" => t_string!(i18n, audit_type.stock_level),
        "warehouse" => t_string!(i18n, audit_type.warehouse),
        "supplier" => t_string!(i18n, audit_type.supplier),
        "purchase_order" => t_string!(i18n, audit_type.purchase_order),
        "queue" => t_string!(i18n, audit_type.queue),
        "sla_policy" => t_string!(i18n, audit_type.sla_policy),
        "sla_calendar" => t_string!(i18n, audit_type.sla_calendar),
        "article" => t_string!(i18n, audit_type.article),
        "user" => t_string!(i18n, audit_type.user),
        "role" => t_string!(i18n, audit_type.role),
        "team" => t_string!(i18n, audit_type.team),
        "session" => t_string!(i18n, audit_type.session),
        "api_token" => t_string!(i18n, audit_type.api_token),
        "webhook_endpoint" => t_string!(i18n, audit_type.webhook_endpoint),
        "webhook_delivery" => t_string!(i18n, audit_type.webhook_delivery),
        "import_run" => t_string!(i18n, audit_type.import_run),
        "export" => t_string!(i18n, audit_type.export),
        "backup" => t_string!(i18n, audit_type.backup),
        other => return other.to_owned(),
    };
    label.to_owned()
}
