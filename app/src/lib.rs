//! Tandem's web UI (Leptos 0.8): the routes, pages and components, the
//! server functions behind them, and the wire types both sides share.
//!
//! Contract: server functions are thin (state, actor, one domain service,
//! a wire type). Server-only code sits behind the `ssr` feature; the
//! browser build (`hydrate`) never links the domain crate or the database.

#![recursion_limit = "256"]

pub mod areas;
pub mod components;
pub mod error;
pub mod home;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod ssr;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    areas::{Area, AreaPage},
    components::{ErrorPage, NotFound},
    home::HomePage,
    i18n::I18nContextProvider,
    shell::AppShell,
};

/// The HTML document every page is rendered into.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <link rel="stylesheet" id="leptos" href="/pkg/tandem.css"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: i18n, the app shell and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    view! {
        <I18nContextProvider>
            <Title formatter=|page: String| {
                if page.is_empty() { "Tandem".to_owned() } else { format!("{page} · Tandem") }
            }/>
            <Router>
                <AppShell>
                    <ErrorBoundary fallback=|_errors| view! { <ErrorPage/> }>
                        <Routes fallback=NotFound>
                            <Route path=path!("/") view=HomePage/>
                            <Route path=path!("/customers") view=|| view! { <AreaPage area=Area::Customers/> }/>
                            <Route path=path!("/sales") view=|| view! { <AreaPage area=Area::Sales/> }/>
                            <Route path=path!("/inventory") view=|| view! { <AreaPage area=Area::Inventory/> }/>
                            <Route path=path!("/purchasing") view=|| view! { <AreaPage area=Area::Purchasing/> }/>
                            <Route path=path!("/service") view=|| view! { <AreaPage area=Area::Service/> }/>
                            <Route path=path!("/dashboards") view=|| view! { <AreaPage area=Area::Dashboards/> }/>
                            <Route path=path!("/admin") view=|| view! { <AreaPage area=Area::Admin/> }/>
                        </Routes>
                    </ErrorBoundary>
                </AppShell>
            </Router>
        </I18nContextProvider>
    }
}

/// Sets `data-hydrated` on `<html>` once the browser has taken over, so
/// browser tests know event handlers are attached. Effects never run on the server.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            // Only a marker for tests; failing to set it changes nothing for users.
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}

/// The browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
