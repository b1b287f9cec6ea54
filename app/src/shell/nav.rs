//! The side navigation with the portal's areas.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::top_bar::{LanguageSwitch, UserMenu};
use crate::{areas::Area, auth::use_me, i18n::*};

/// The list of areas; on narrow screens it opens from the menu button.
#[component]
pub fn SideNav(nav_open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let home = move || (location.pathname.get() == "/").then_some("page");
    let current = move |area: Area| {
        let path = location.pathname.get();
        area.paths()
            .iter()
            .any(|p| path.starts_with(p))
            .then_some("page")
    };
    // Following a link on a phone closes the drawer again.
    let close = move |_| nav_open.set(false);
    view! {
        <nav id="side-nav" class="side-nav" aria-label=move || t_string!(i18n, nav.label)>
            <ul role="list">
                <li>
                    <a href="/" aria-current=home on:click=close>
                        {t!(i18n, nav.home)}
                    </a>
                </li>
                {Area::ALL
                    .into_iter()
                    .filter(|area| use_me().is_some_and(|me| area.need().met_by(&me)))
                    .map(|area| {
                        view! {
                            <li>
                                <a
                                    href=area.href()
                                    aria-current=move || current(area)
                                    on:click=close
                                >
                                    {move || area.name(i18n)}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            // On phones the top bar has no room for these; the drawer has.
            <div class="nav-extras">
                <LanguageSwitch id="language-mobile" />
                <UserMenu />
            </div>
        </nav>
    }
}
