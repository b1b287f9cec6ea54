//! `/admin/users`: search, filter and page through users.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{api, AdminTabs, UserState};
use crate::{account::short_time, components::Pager, i18n::*};

/// The users list.
#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).filter(|v| !v.is_empty());
    let search = move || param("q");
    let role = move || param("role").and_then(|r| r.parse::<i64>().ok());
    let active = move || param("active").and_then(|a| a.parse::<bool>().ok());
    let page = move || {
        param("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let users = Resource::new(
        move || (search(), role(), active(), page()),
        |(search, role_id, active, page)| api::list_users(search, role_id, active, page),
    );
    let roles = Resource::new(|| (), |_| api::list_roles());
    let link = move |target: u64| {
        let mut parts = vec![format!("page={target}")];
        if let Some(q) = search() {
            parts.push(format!("q={}", crate::auth::encode_component(&q)));
        }
        if let Some(r) = role() {
            parts.push(format!("role={r}"));
        }
        if let Some(a) = active() {
            parts.push(format!("active={a}"));
        }
        format!("/admin/users?{}", parts.join("&"))
    };
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, admin.users).to_owned())/>
        <div class="page">
            <header class="page-header page-header-row">
                <h1>{t!(i18n, admin.users)}</h1>
                <a class="btn btn-primary" href="/admin/users/new">{t!(i18n, admin.new_user)}</a>
            </header>
            <AdminTabs current="users"/>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="user-search">{t!(i18n, admin.search)}</label>
                    <input id="user-search" class="input" type="search" name="q" prop:value=move || search().unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="user-role">{t!(i18n, admin.role)}</label>
                    <select id="user-role" class="select" name="role">
                        <option value="">{t!(i18n, admin.any_role)}</option>
                        <Transition>
                            {move || roles.get().and_then(Result::ok).map(|list| list.into_iter().map(|r| {
                                let selected = role() == Some(r.id);
                                view! { <option value=r.id.to_string() selected=selected>{r.name}</option> }
                            }).collect_view())}
                        </Transition>
                    </select>
                </div>
                <div class="field">
                    <label for="user-active">{t!(i18n, admin.state)}</label>
                    <select id="user-active" class="select" name="active">
                        <option value="" selected=move || active().is_none()>{t!(i18n, admin.any_state)}</option>
                        <option value="true" selected=move || active() == Some(true)>{t!(i18n, admin.active)}</option>
                        <option value="false" selected=move || active() == Some(false)>{t!(i18n, admin.inactive)}</option>
                    </select>
                </div>
                <button type="submit" class="btn btn-secondary">{t!(i18n, admin.apply)}</button>
            </Form>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
                {move || users.get().map(|result| result.map(|found| {
                    let pages = found.pages();
                    let current = found.page;
                    view! {
                        <p class="muted small" data-testid="user-count">{found.total} " " {t!(i18n, admin.users_found)}</p>
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, admin.name)}</th>
                                    <th scope="col">{t!(i18n, admin.email)}</th>
                                    <th scope="col">{t!(i18n, admin.roles)}</th>
                                    <th scope="col">{t!(i18n, admin.state)}</th>
                                    <th scope="col">{t!(i18n, admin.last_login)}</th>
                                </tr></thead>
                                <tbody>
                                    {found.items.into_iter().map(|u| view! {
                                        <tr>
                                            <td><a href=format!("/admin/users/{}", u.id)>{u.name}</a></td>
                                            <td>{u.email}</td>
                                            <td>{u.roles.into_iter().map(|(_, name)| name).collect::<Vec<_>>().join(", ")}</td>
                                            <td><UserState active=u.active locked=u.locked/></td>
                                            <td>{u.last_login_at.as_deref().map(short_time).unwrap_or_default()}</td>
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
