//! Administration: users, roles and their permissions, the audit log,
//! integrations (API tokens, webhooks) and data (backup, full export).

pub mod api;
mod audit;
mod import;
mod integrations;
mod role_edit;
mod roles;
mod teams;
pub mod types;
mod user_edit;
mod users;

use leptos::prelude::*;
use leptos_meta::Title;

pub use audit::AuditPage;
pub use import::ImportPage;
pub use integrations::{DataPage, IntegrationsPage, WebhookLogPage};
pub use role_edit::RoleEditPage;
pub use roles::RolesPage;
pub use teams::TeamsPage;
pub use user_edit::{NewUserPage, UserEditPage};
pub use users::UsersPage;

use crate::{auth::use_me, i18n::*};

/// The permission codes that open the admin area.
pub const ADMIN_CODES: &[&str] = &[
    "admin.users",
    "admin.roles",
    "admin.audit",
    "admin.integrations",
    "admin.own_tokens",
    "admin.backups",
    "admin.import",
];

/// Tabs across the admin pages, showing only what the user may open.
#[component]
pub fn AdminTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let can = move |code: &str| me.as_ref().is_some_and(|m| m.can(code));
    let tab = move |href: &'static str, key: &'static str, label: String| {
        view! {
            <a class="tab" href=href aria-current=(current == key).then_some("page")>
                {label}
            </a>
        }
    };
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, admin.tabs)>
            {can("admin.users")
                .then(|| tab("/admin/users", "users", t_string!(i18n, admin.users).to_owned()))}
            {can("admin.roles")
                .then(|| tab("/admin/roles", "roles", t_string!(i18n, admin.roles).to_owned()))}
            {can("admin.users")
                .then(|| tab("/admin/teams", "teams", t_string!(i18n, admin.teams).to_owned()))}
            {can("admin.audit")
                .then(|| tab("/admin/audit", "audit", t_string!(i18n, admin.audit).to_owned()))}
            {can("admin.audit")
                .then(|| tab("/admin/ledger", "ledger", t_string!(i18n, admin.ledger).to_owned()))}
            {(can("admin.integrations") || can("admin.own_tokens"))
                .then(|| tab(
                    "/admin/integrations",
                    "integrations",
                    t_string!(i18n, intg.title).to_owned(),
                ))}
            {can("admin.backups")
                .then(|| tab("/admin/data", "data", t_string!(i18n, intg.data).to_owned()))}
            {can("admin.import")
                .then(|| tab(
                    "/admin/import",
                    "import",
                    t_string!(i18n, intg.import_tab).to_owned(),
                ))}
        </nav>
    }
}

/// `/admin`: where each part of administration lives.
#[component]
pub fn AdminHome() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::page_title(move || t_string!(i18n, nav.admin).to_owned()) />
        <div class="page">
            <header class="page-header">
                <h1>{t!(i18n, nav.admin)}</h1>
            </header>
            <AdminTabs current="home" />
            <p class="lead">{t!(i18n, areas.admin)}</p>
        </div>
    }
}

/// A Yes/No style badge for a user's state.
#[component]
pub fn UserState(active: bool, locked: bool) -> impl IntoView {
    let i18n = use_i18n();
    if !active {
        view! { <span class="badge badge-danger">{t!(i18n, admin.inactive)}</span> }.into_any()
    } else if locked {
        view! { <span class="badge badge-warning">{t!(i18n, admin.locked)}</span> }.into_any()
    } else {
        view! { <span class="badge badge-success">{t!(i18n, admin.active)}</span> }.into_any()
    }
}
