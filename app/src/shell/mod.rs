//! The app shell around every page: top bar, side navigation, main landmark.

mod nav;
mod top_bar;

use leptos::prelude::*;

use self::{nav::SideNav, top_bar::TopBar};
use crate::i18n::*;

/// The layout every page lives in. The navigation collapses behind a menu
/// button on narrow screens.
#[component]
pub fn AppShell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let nav_open = RwSignal::new(false);
    view! {
        <a class="skip-link" href="#main">
            {t!(i18n, skip_to_content)}
        </a>
        <div
            class="app"
            class:nav-open=move || nav_open.get()
            class:no-nav=crate::auth::use_me().is_none()
        >
            <TopBar nav_open />
            {crate::auth::use_me().is_some().then(|| view! { <SideNav nav_open /> })}
            <main id="main" class="app-main" tabindex="-1">
                {children()}
            </main>
            <footer class="app-footer">
                <p class="muted small">{t!(i18n, footer.text)}</p>
            </footer>
        </div>
    }
}
