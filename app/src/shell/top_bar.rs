//! The top bar: product name, search, notifications, account and language.

use leptos::prelude::*;

use crate::{auth::use_me, i18n::*};

/// The bar across the top of every page.
#[component]
pub fn TopBar(nav_open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="top-bar">
            <button
                type="button"
                class="btn btn-ghost nav-toggle"
                aria-controls="side-nav"
                aria-expanded=move || if nav_open.get() { "true" } else { "false" }
                aria-label=move || {
                    if nav_open.get() {
                        t_string!(i18n, nav.close)
                    } else {
                        t_string!(i18n, nav.open)
                    }
                }
                data-testid="nav-toggle"
                on:click=move |_| nav_open.update(|open| *open = !*open)
            >
                <span class="hamburger" aria-hidden="true"></span>
                <span class="nav-toggle-text">{t!(i18n, nav.menu)}</span>
            </button>
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">
                    "T"
                </span>
                <span class="brand-name">{t!(i18n, app_name)}</span>
            </a>
            <form class="search" role="search" method="get" action="/search">
                <label for="global-search" class="visually-hidden">
                    {t!(i18n, topbar.search_label)}
                </label>
                <input
                    id="global-search"
                    name="q"
                    type="search"
                    class="input"
                    placeholder=move || t_string!(i18n, topbar.search_placeholder)
                    disabled=true
                />
            </form>
            <div class="top-actions">
                <Bell />
                <LanguageSwitch id="language" />
                <UserMenu />
            </div>
        </header>
    }
}

/// The bell: a link to the signed-in user's notifications with the unread count.
#[component]
fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    let icon = || {
        view! {
            <svg
                class="icon"
                viewBox="0 0 24 24"
                width="20"
                height="20"
                aria-hidden="true"
                focusable="false"
            >
                <path
                    d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
                    fill="currentColor"
                />
            </svg>
        }
    };
    if use_me().is_none() {
        return view! {
            <button
                type="button"
                class="btn btn-ghost icon-btn"
                aria-label=move || t_string!(i18n, topbar.notifications)
                title=move || t_string!(i18n, topbar.notifications_empty)
            >
                {icon()}
            </button>
        }
        .into_any();
    }
    let unread = Resource::new(|| (), |_| crate::money::api::unread_notifications());
    view! {
        <a
            class="btn btn-ghost icon-btn"
            href="/notifications"
            data-testid="bell"
            aria-label=move || t_string!(i18n, topbar.notifications)
        >
            {icon()}
            <Transition>
                {move || {
                    unread
                        .get()
                        .and_then(Result::ok)
                        .filter(|n| *n > 0)
                        .map(|n| {
                            view! {
                                <span class="badge badge-danger" data-testid="unread">
                                    {n}
                                </span>
                            }
                        })
                }}
            </Transition>
        </a>
    }
    .into_any()
}

/// The signed-in user's name with links to their account and to sign out.
#[component]
pub(super) fn UserMenu() -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<crate::auth::api::Logout>::new();
    Effect::new(move |_| {
        if logout.value().get().is_some() {
            let _ = window().location().set_href("/login");
        }
    });
    match use_me() {
        None => view! {
            <a class="btn btn-ghost user-menu" href="/login">
                {t!(i18n, login.submit)}
            </a>
        }
        .into_any(),
        Some(me) => view! {
            <div class="user-menu">
                <a
                    class="btn btn-ghost"
                    href="/account"
                    data-testid="account-link"
                    title=move || t_string!(i18n, topbar.account)
                >
                    {me.name}
                </a>
                <button
                    type="button"
                    class="btn btn-ghost"
                    data-testid="logout"
                    on:click=move |_| {
                        logout.dispatch(crate::auth::api::Logout {});
                    }
                >
                    {t!(i18n, topbar.logout)}
                </button>
            </div>
        }
        .into_any(),
    }
}

/// Chooses the UI language; the choice is kept in a cookie by leptos_i18n.
#[component]
pub(super) fn LanguageSwitch(id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |event| {
        let locale = match event_target_value(&event).as_str() {
            "zh" => Locale::zh,
            _ => Locale::en,
        };
        i18n.set_locale(locale);
    };
    view! {
        <div class="lang-switch">
            <label for=id class="visually-hidden">
                {t!(i18n, topbar.language)}
            </label>
            <select id=id class="select" data-testid=id on:change=on_change>
                <option value="en" selected=move || i18n.get_locale() == Locale::en>
                    {t!(i18n, lang.en)}
                </option>
                <option value="zh" selected=move || i18n.get_locale() == Locale::zh>
                    {t!(i18n, lang.zh)}
                </option>
            </select>
        </div>
    }
}
