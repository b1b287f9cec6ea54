//! `/admin/users`: search, filter and page through users.

use leptos::prelude::*;

use super::{api, AdminTabs, UserState};
use crate::{
    components::{
        use_list_query, Col, DateTime, FilterBar, ListTable, PageHeader, PagedList, SearchFilter,
    },
    i18n::*,
};

/// The users list.
#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_list_query();
    let role = move || query.id("role");
    let active = move || query.get("active").and_then(|a| a.parse::<bool>().ok());
    let users = Resource::new(
        move || (query.get("q"), role(), active(), query.page()),
        |(search, role_id, active, page)| api::list_users(search, role_id, active, page),
    );
    let roles = Resource::new(|| (), |_| api::list_roles());
    view! {
        <div class="page">
            <PageHeader title=move || t_string!(i18n, admin.users)>
                <a class="btn btn-primary" href="/admin/users/new">
                    {t!(i18n, admin.new_user)}
                </a>
            </PageHeader>
            <AdminTabs current="users" />
            <FilterBar>
                <SearchFilter id="user-search" name="q" label=t!(i18n, admin.search) />
                <div class="field">
                    <label for="user-role">{t!(i18n, admin.role)}</label>
                    <select id="user-role" class="select" name="role">
                        <option value="">{t!(i18n, admin.any_role)}</option>
                        <Transition>
                            {move || {
                                roles
                                    .get()
                                    .and_then(Result::ok)
                                    .map(|list| {
                                        list.into_iter()
                                            .map(|r| {
                                                let selected = role() == Some(r.id);
                                                view! {
                                                    <option value=r.id.to_string() selected=selected>
                                                        {r.name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()
                                    })
                            }}
                        </Transition>
                    </select>
                </div>
                <div class="field">
                    <label for="user-active">{t!(i18n, admin.state)}</label>
                    <select id="user-active" class="select" name="active">
                        <option value="" selected=move || active().is_none()>
                            {t!(i18n, admin.any_state)}
                        </option>
                        <option value="true" selected=move || active() == Some(true)>
                            {t!(i18n, admin.active)}
                        </option>
                        <option value="false" selected=move || active() == Some(false)>
                            {t!(i18n, admin.inactive)}
                        </option>
                    </select>
                </div>
            </FilterBar>
            <PagedList
                list=users
                link=query.pager("/admin/users", &["q", "role", "active"])
                counted=t!(i18n, admin.users_found)
                count_testid="user-count"
                let:items
            >
                <ListTable head=view! {
                    <Col>{t!(i18n, admin.name)}</Col>
                    <Col>{t!(i18n, admin.email)}</Col>
                    <Col>{t!(i18n, admin.roles)}</Col>
                    <Col>{t!(i18n, admin.state)}</Col>
                    <Col>{t!(i18n, admin.last_login)}</Col>
                }>
                    {items
                        .into_iter()
                        .map(|u| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/admin/users/{}", u.id)>{u.name}</a>
                                    </td>
                                    <td>{u.email}</td>
                                    <td>
                                        {u
                                            .roles
                                            .into_iter()
                                            .map(|(_, name)| name)
                                            .collect::<Vec<_>>()
                                            .join(", ")}
                                    </td>
                                    <td>
                                        <UserState active=u.active locked=u.locked />
                                    </td>
                                    <td>
                                        <DateTime at=u.last_login_at />
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
