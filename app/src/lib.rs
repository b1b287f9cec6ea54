//! Tandem's web UI (Leptos 0.8): the routes, pages and components, the
//! server functions behind them, and the wire types both sides share.
//!
//! Contract: server functions are thin (state, actor, one domain service,
//! a wire type). Server-only code sits behind the `ssr` feature; the
//! browser build (`hydrate`) never links the domain crate or the database.

#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod areas;
pub mod auth;
pub mod authz;
pub mod components;
pub mod crm;
pub mod customers;
pub mod dashboards;
pub mod erp;
pub mod error;
pub mod exports;
pub mod home;
pub mod messages;
pub mod money;
pub mod reports;
pub mod service;
pub mod shell;
#[cfg(feature = "ssr")]
pub mod ssr;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    account::AccountPage,
    admin::{
        AdminHome, AuditPage, DataPage, ImportPage, IntegrationsPage, NewUserPage, RoleEditPage,
        RolesPage, TeamsPage, UserEditPage, UsersPage, WebhookLogPage,
    },
    areas::Area,
    auth::{provide_me, Guard, LoginPage, Need},
    components::{ErrorPage, NotFound},
    crm::{
        activities::ActivitiesPage,
        campaigns::CampaignsPage,
        leads::{LeadPage, LeadsPage, NewLeadPage},
        opportunities::{
            BoardPage, ForecastPage, NewOpportunityPage, OpportunityListPage, OpportunityPage,
            StagesPage,
        },
    },
    customers::{CustomerPage, CustomersPage, EditCustomerPage, NewCustomerPage},
    erp::{
        ledger::LedgerPage,
        orders::{EditQuotePage, NewQuotePage, OrderPage, OrdersPage},
        products::{EditProductPage, NewProductPage, ProductPage, ProductsPage},
        shipments::{ShipmentPage, ShipmentsPage},
        warehouses::WarehousesPage,
    },
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
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <link rel="stylesheet" id="leptos" href="/pkg/tandem.css" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: i18n, the app shell and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_me();
    mark_hydrated();
    remember_time_zone();
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <I18nContextProvider>
            <Title formatter=|page: String| {
                if page.is_empty() { "Tandem".to_owned() } else { format!("{page} · Tandem") }
            } />
            <Router>
                <AppShell>
                    <ErrorBoundary fallback=status_of_errors>
                        <Routes fallback=NotFound>
                            <Route path=path!("/login") view=LoginPage />
                            <Route
                                path=path!("/")
                                view=|| {
                                    view! {
                                        <Guard need=Need::SignedIn>
                                            <HomePage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/account")
                                view=|| {
                                    view! {
                                        <Guard need=Need::SignedIn>
                                            <AccountPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/customers")
                                view=|| {
                                    view! {
                                        <Guard need=Area::Customers.need()>
                                            <CustomersPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/customers/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("customers.write")>
                                            <NewCustomerPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/customers/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Area::Customers.need()>
                                            <CustomerPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/customers/:id/edit")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("customers.write")>
                                            <EditCustomerPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/leads")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("leads.read")>
                                            <LeadsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/leads/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("leads.write")>
                                            <NewLeadPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/leads/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("leads.read")>
                                            <LeadPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/opportunities")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("opportunities.read")>
                                            <BoardPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/opportunities/list")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("opportunities.read")>
                                            <OpportunityListPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/opportunities/forecast")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("opportunities.read")>
                                            <ForecastPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/opportunities/stages")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("opportunities.configure")>
                                            <StagesPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/opportunities/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("opportunities.write")>
                                            <NewOpportunityPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/opportunities/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("opportunities.read")>
                                            <OpportunityPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/activities")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("activities.read")>
                                            <ActivitiesPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/campaigns")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("campaigns.read")>
                                            <CampaignsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/sales")
                                view=|| view! { <Redirect path="/orders" /> }
                            />
                            <Route
                                path=path!("/inventory")
                                view=|| view! { <Redirect path="/products" /> }
                            />
                            <Route
                                path=path!("/orders")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("orders.read")>
                                            <OrdersPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/orders/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("orders.write")>
                                            <NewQuotePage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/orders/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("orders.read")>
                                            <OrderPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/orders/:id/edit")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("orders.write")>
                                            <EditQuotePage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/shipments")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("shipments.read")>
                                            <ShipmentsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/shipments/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("shipments.read")>
                                            <ShipmentPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/products")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("products.read")>
                                            <ProductsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/products/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("products.write")>
                                            <NewProductPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/products/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("products.read")>
                                            <ProductPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/products/:id/edit")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("products.write")>
                                            <EditProductPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/warehouses")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("stock.read")>
                                            <WarehousesPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/purchasing")
                                view=|| view! { <Redirect path="/purchase-orders" /> }
                            />
                            <Route
                                path=path!("/purchase-orders")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("purchasing.read")>
                                            <crate::money::purchasing::PurchaseOrdersPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/purchase-orders/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("purchasing.read")>
                                            <crate::money::purchasing::PurchaseOrderPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/suppliers")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("purchasing.read")>
                                            <crate::money::purchasing::SuppliersPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/suppliers/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("purchasing.read")>
                                            <crate::money::purchasing::SupplierPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/replenishment")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("purchasing.read")>
                                            <crate::money::purchasing::ReplenishmentPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/invoices")
                                view=|| {
                                    view! {
                                        <Guard need=Need::AnyOf(
                                            &["invoices.read", "invoices.read_all"],
                                        )>
                                            <crate::money::invoices::InvoicesPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/invoices/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::AnyOf(
                                            &["invoices.read", "invoices.read_all"],
                                        )>
                                            <crate::money::invoices::InvoicePage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/notifications")
                                view=|| {
                                    view! {
                                        <Guard need=Need::SignedIn>
                                            <crate::money::NotificationsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/service")
                                view=|| view! { <Redirect path="/tickets" /> }
                            />
                            <Route
                                path=path!("/tickets")
                                view=|| {
                                    view! {
                                        <Guard need=Need::AnyOf(
                                            &["tickets.read", "tickets.read_all"],
                                        )>
                                            <crate::service::tickets::TicketsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/tickets/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("tickets.write")>
                                            <crate::service::tickets::NewTicketPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/tickets/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::AnyOf(
                                            &["tickets.read", "tickets.read_all"],
                                        )>
                                            <crate::service::tickets::TicketPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/service/settings")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("tickets.configure")>
                                            <crate::service::settings::ServiceSettingsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/knowledge")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("knowledge.read")>
                                            <crate::service::settings::KnowledgePage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/knowledge/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("knowledge.write")>
                                            <crate::service::settings::ArticleEditPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/knowledge/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("knowledge.read")>
                                            <crate::service::settings::ArticleEditPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route path=path!("/help") view=crate::service::public::HelpPage />
                            <Route
                                path=path!("/help/:id")
                                ssr=SsrMode::Async
                                view=crate::service::public::ArticlePage
                            />
                            <Route
                                path=path!("/support")
                                view=crate::service::public::SupportPage
                            />
                            <Route
                                path=path!("/rate/:token")
                                ssr=SsrMode::Async
                                view=crate::service::public::RatePage
                            />
                            <Route
                                path=path!("/dashboards")
                                view=|| {
                                    view! {
                                        <Guard need=Area::Dashboards.need()>
                                            <crate::dashboards::DashboardPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/dashboards/:kind")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Area::Dashboards.need()>
                                            <crate::dashboards::DashboardPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/reports")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("reports.view")>
                                            <crate::reports::ReportsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/analysis")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("reports.view")>
                                            <crate::reports::analysis::AnalysisPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/reports/inbox")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("reports.view")>
                                            <crate::reports::inbox::InboxPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/reports/inbox/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("reports.view")>
                                            <crate::reports::inbox::RunPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/reports/:kind")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("reports.view")>
                                            <crate::reports::ReportsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin")
                                view=|| {
                                    view! {
                                        <Guard need=Area::Admin.need()>
                                            <AdminHome />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/users")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.users")>
                                            <UsersPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/users/new")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.users")>
                                            <NewUserPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/users/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.users")>
                                            <UserEditPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/roles")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.roles")>
                                            <RolesPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/roles/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.roles")>
                                            <RoleEditPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/teams")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.users")>
                                            <TeamsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/ledger")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.audit")>
                                            <LedgerPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/audit")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.audit")>
                                            <AuditPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/integrations")
                                view=|| {
                                    view! {
                                        <Guard need=Need::AnyOf(
                                            &["admin.integrations", "admin.own_tokens"],
                                        )>
                                            <IntegrationsPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/integrations/webhooks/:id")
                                ssr=SsrMode::Async
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.integrations")>
                                            <WebhookLogPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/data")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.backups")>
                                            <DataPage />
                                        </Guard>
                                    }
                                }
                            />
                            <Route
                                path=path!("/admin/import")
                                view=|| {
                                    view! {
                                        <Guard need=Need::Permission("admin.import")>
                                            <ImportPage />
                                        </Guard>
                                    }
                                }
                            />
                        </Routes>
                    </ErrorBoundary>
                </AppShell>
            </Router>
        </I18nContextProvider>
    }
}

/// The page's Content-Security-Policy: only our own scripts, the inline
/// hydration script by its per-request nonce, and WebAssembly.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
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

/// What a page whose load failed shows: the status page of its error
/// ("not found" answers 404, "forbidden" 403), else the error page.
fn status_of_errors(errors: ArcRwSignal<leptos::error::Errors>) -> impl IntoView {
    move || {
        errors
            .with(|list| {
                list.iter()
                    .find_map(|(_, error)| error.downcast_ref::<error::AppError>().cloned())
            })
            .map_or_else(|| view! { <ErrorPage /> }.into_any(), components::failed)
    }
}

/// Keeps the browser's time-zone offset in a cookie so the server formats
/// times and finds "today" in the user's zone. Effects never run on the server.
fn remember_time_zone() {
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            // Only a display preference; failing to store it leaves UTC.
            let _ = doc.set_cookie(&format!(
                "tz={minutes}; path=/; max-age=31536000; samesite=lax"
            ));
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
