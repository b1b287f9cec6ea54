//! Customer service: ticket queues and pages with the ERP panel, returns
//! and complaint credits, the knowledge base (public at `/help`), the
//! public support form, satisfaction ratings and the desk's set-up.

pub mod api;
pub mod public;
pub mod settings;
pub mod tickets;
pub mod types;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::*;

/// Ticket statuses.
pub const STATUSES: [&str; 5] = ["new", "open", "waiting", "resolved", "closed"];
/// Priorities.
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
/// Kinds.
pub const KINDS: [&str; 4] = ["request", "complaint", "return", "question"];
/// Channels.
pub const CHANNELS: [&str; 5] = ["web", "email", "phone", "social", "api"];

/// A status in the current language.
pub fn status_label(s: &str, i18n: I18nContext<Locale>) -> &'static str {
    match s {
        "new" => t_string!(i18n, service.st_new),
        "open" => t_string!(i18n, service.st_open),
        "waiting" => t_string!(i18n, service.st_waiting),
        "resolved" => t_string!(i18n, service.st_resolved),
        _ => t_string!(i18n, service.st_closed),
    }
}

/// A priority in the current language.
pub fn priority_label(s: &str, i18n: I18nContext<Locale>) -> &'static str {
    match s {
        "low" => t_string!(i18n, service.pr_low),
        "normal" => t_string!(i18n, service.pr_normal),
        "high" => t_string!(i18n, service.pr_high),
        _ => t_string!(i18n, service.pr_urgent),
    }
}

/// A kind in the current language.
pub fn kind_label(s: &str, i18n: I18nContext<Locale>) -> &'static str {
    match s {
        "request" => t_string!(i18n, service.k_request),
        "complaint" => t_string!(i18n, service.k_complaint),
        "return" => t_string!(i18n, service.k_return),
        _ => t_string!(i18n, service.k_question),
    }
}

/// A channel in the current language.
pub fn channel_label(s: &str, i18n: I18nContext<Locale>) -> &'static str {
    match s {
        "web" => t_string!(i18n, service.ch_web),
        "email" => t_string!(i18n, service.ch_email),
        "phone" => t_string!(i18n, service.ch_phone),
        "social" => t_string!(i18n, service.ch_social),
        _ => t_string!(i18n, service.ch_api),
    }
}

/// Service's sections, as tabs under the page title.
#[component]
pub fn ServiceTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let me = crate::auth::use_me();
    let can = move |code: &str| me.as_ref().is_some_and(|m| m.can(code));
    let here = move |key: &str| (current == key).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, service.sections)>
            <a href="/tickets" class="tab" aria-current=here("tickets")>
                {t!(i18n, service.tickets)}
            </a>
            {can("knowledge.read")
                .then(|| {
                    view! {
                        <a href="/knowledge" class="tab" aria-current=here("knowledge")>
                            {t!(i18n, service.knowledge)}
                        </a>
                    }
                })}
            {can("tickets.configure")
                .then(|| {
                    view! {
                        <a href="/service/settings" class="tab" aria-current=here("settings")>
                            {t!(i18n, service.settings)}
                        </a>
                    }
                })}
        </nav>
    }
}
