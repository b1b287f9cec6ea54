//! The business areas of the side navigation, and the page of an area that
//! has not landed yet.

use leptos::prelude::*;

use leptos_i18n::I18nContext;

use crate::i18n::*;

/// One area of the portal, in navigation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// CRM: customers, leads, opportunities, activities, campaigns.
    Customers,
    /// Quotes, orders, shipments, invoices.
    Sales,
    /// Products, warehouses, stock.
    Inventory,
    /// Suppliers, purchase orders, replenishment.
    Purchasing,
    /// Tickets, returns, knowledge base.
    Service,
    /// Dashboards and reports.
    Dashboards,
    /// Users, roles, audit, integrations.
    Admin,
}

impl Area {
    /// Every area, in navigation order.
    pub const ALL: [Area; 7] = [
        Area::Customers,
        Area::Sales,
        Area::Inventory,
        Area::Purchasing,
        Area::Service,
        Area::Dashboards,
        Area::Admin,
    ];

    /// The area's URL.
    pub fn href(self) -> &'static str {
        match self {
            Area::Customers => "/customers",
            Area::Sales => "/orders",
            Area::Inventory => "/products",
            Area::Purchasing => "/purchase-orders",
            Area::Service => "/tickets",
            Area::Dashboards => "/dashboards",
            Area::Admin => "/admin",
        }
    }

    /// The paths whose pages belong to the area (the navigation marks the
    /// area as current on them).
    pub fn paths(self) -> &'static [&'static str] {
        match self {
            Area::Customers => &[
                "/customers",
                "/leads",
                "/opportunities",
                "/activities",
                "/campaigns",
            ],
            Area::Sales => &["/orders", "/shipments", "/invoices", "/sales"],
            Area::Inventory => &["/products", "/warehouses", "/inventory"],
            Area::Purchasing => &[
                "/purchase-orders",
                "/suppliers",
                "/replenishment",
                "/purchasing",
            ],
            Area::Service => &["/service", "/tickets", "/knowledge"],
            Area::Dashboards => &["/dashboards", "/reports", "/analysis"],
            Area::Admin => &["/admin"],
        }
    }

    /// What a user needs to see the area in the navigation and open it.
    pub fn need(self) -> crate::auth::Need {
        use crate::auth::Need;
        match self {
            Area::Customers => Need::Permission("customers.read"),
            Area::Sales => Need::Permission("orders.read"),
            Area::Inventory => Need::Permission("products.read"),
            Area::Purchasing => Need::Permission("purchasing.read"),
            Area::Service => Need::Permission("tickets.read"),
            Area::Dashboards => Need::AnyOf(&["dashboards.view", "dashboards.view_all"]),
            Area::Admin => Need::AnyOf(crate::admin::ADMIN_CODES),
        }
    }

    /// The area's name in the current language.
    pub fn name(self, i18n: I18nContext<Locale>) -> &'static str {
        match self {
            Area::Customers => t_string!(i18n, nav.customers),
            Area::Sales => t_string!(i18n, nav.sales),
            Area::Inventory => t_string!(i18n, nav.inventory),
            Area::Purchasing => t_string!(i18n, nav.purchasing),
            Area::Service => t_string!(i18n, nav.service),
            Area::Dashboards => t_string!(i18n, nav.dashboards),
            Area::Admin => t_string!(i18n, nav.admin),
        }
    }

    /// One sentence on what the area holds, in the current language.
    pub fn summary(self, i18n: I18nContext<Locale>) -> &'static str {
        match self {
            Area::Customers => t_string!(i18n, areas.customers),
            Area::Sales => t_string!(i18n, areas.sales),
            Area::Inventory => t_string!(i18n, areas.inventory),
            Area::Purchasing => t_string!(i18n, areas.purchasing),
            Area::Service => t_string!(i18n, areas.service),
            Area::Dashboards => t_string!(i18n, areas.dashboards),
            Area::Admin => t_string!(i18n, areas.admin),
        }
    }
}

/// A card linking to an area, for the home page.
#[component]
pub fn AreaCard(area: Area) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="card card-link" href=area.href()>
            <span class="card-title">{move || area.name(i18n)}</span>
            <span class="muted">{move || area.summary(i18n)}</span>
        </a>
    }
}
