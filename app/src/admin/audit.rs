//! `/admin/audit`: the audit log with filters, before → after.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{api, types::AuditQuery, AdminTabs};
use crate::{account::short_time, components::Pager, i18n::*};

/// The audit log.
#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).filter(|v| !v.is_empty());
    let current = move || AuditQuery {
        actor: param("actor"),
        entity: param("entity"),
        action: param("action"),
        from: param("from"),
        until: param("until"),
        page: param("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    };
    let events = Resource::new(current, api::list_audit);
    let link = move |page: u64| {
        let q = current();
        let mut parts = vec![format!("page={page}")];
        for (key, value) in [
            ("actor", q.actor),
            ("entity", q.entity),
            ("action", q.action),
            ("from", q.from),
            ("until", q.until),
        ] {
            if let Some(value) = value {
                parts.push(format!("{key}={}", crate::auth::encode_component(&value)));
            }
        }
        format!("/admin/audit?{}", parts.join("&"))
    };
    view! {
        <Title text=move || t_string!(i18n, admin.audit).to_owned()/>
        <div class="page">
            <header class="page-header"><h1>{t!(i18n, admin.audit)}</h1></header>
            <AdminTabs current="audit"/>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="audit-actor">{t!(i18n, admin.actor)}</label>
                    <input id="audit-actor" class="input" type="search" name="actor" prop:value=move || param("actor").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="audit-entity">{t!(i18n, admin.entity)}</label>
                    <select id="audit-entity" class="select" name="entity">
                        <option value="">{t!(i18n, admin.any_entity)}</option>
                        {["user", "role", "session"].into_iter().map(|e| view! {
                            <option value=e selected=move || param("entity").as_deref() == Some(e)>{e}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-action">{t!(i18n, admin.action)}</label>
                    <input id="audit-action" class="input" type="text" name="action" placeholder="user.created" prop:value=move || param("action").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="audit-from">{t!(i18n, admin.from)}</label>
                    <input id="audit-from" class="input" type="date" name="from" prop:value=move || param("from").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="audit-until">{t!(i18n, admin.until)}</label>
                    <input id="audit-until" class="input" type="date" name="until" prop:value=move || param("until").unwrap_or_default()/>
                </div>
                <button type="submit" class="btn btn-secondary">{t!(i18n, admin.apply)}</button>
            </Form>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || events.get().map(|result| result.map(|found| {
                    let pages = found.pages();
                    let page = found.page;
                    view! {
                        <div class="table-wrap">
                            <table class="table audit">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, admin.when)}</th>
                                    <th scope="col">{t!(i18n, admin.actor)}</th>
                                    <th scope="col">{t!(i18n, admin.action)}</th>
                                    <th scope="col">{t!(i18n, admin.entity)}</th>
                                    <th scope="col">{t!(i18n, admin.change)}</th>
                                </tr></thead>
                                <tbody>
                                    {found.items.into_iter().map(|e| view! {
                                        <tr data-testid="audit-row">
                                            <td class="nowrap">{short_time(&e.occurred_at)}</td>
                                            <td>{e.actor}<br/><span class="muted small">{e.client_addr.unwrap_or_default()}</span></td>
                                            <td><code>{e.action}</code></td>
                                            <td>{e.entity} {e.entity_id.map(|id| format!(" #{id}"))}</td>
                                            <td class="change">
                                                {e.before.map(|b| view! { <pre class="json before">{b}</pre> })}
                                                {e.after.map(|a| view! { <pre class="json after">{a}</pre> })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=page pages link=move |target: u64| link(target)/>
                    }
                }))}
            </Transition>
        </div>
    }
}
