//! Signing in, the signed-in user in the UI, and the page guard.

pub mod api;
pub mod types;

use leptos::{prelude::*, server::SharedValue};
use leptos_meta::Title;
use leptos_router::{
    components::Redirect,
    hooks::{use_location, use_query_map},
};

use crate::{
    components::{forms::FormErrors, Forbidden},
    i18n::*,
};
use types::{safe_next, MeView};

/// The signed-in user, provided once per page load.
#[derive(Clone, Debug)]
pub struct Me(pub Option<MeView>);

/// Computes the signed-in user on the server and hands the same value to the
/// browser for hydration, then provides it as context.
pub fn provide_me() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            crate::ssr::actor().as_ref().map(MeView::from)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<MeView>
        }
    });
    provide_context(Me(shared.into_inner()));
}

/// The signed-in user, if any.
pub fn use_me() -> Option<MeView> {
    use_context::<Me>().and_then(|me| me.0)
}

/// Percent-encodes a path for a query parameter.
pub fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a page needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user with this permission code.
    Permission(&'static str),
    /// A signed-in user with any of these permission codes.
    AnyOf(&'static [&'static str]),
}

impl Need {
    /// Whether `me` satisfies it.
    pub fn met_by(self, me: &MeView) -> bool {
        match self {
            Need::SignedIn => true,
            Need::Permission(code) => me.can(code),
            Need::AnyOf(codes) => codes.iter().any(|c| me.can(c)),
        }
    }
}

/// Renders its children only for a user who meets `need`; sends anonymous
/// visitors to the sign-in page (and back afterwards) and shows others the
/// 403 page. The server functions behind the page check again.
#[component]
pub fn Guard(need: Need, children: ChildrenFn) -> impl IntoView {
    let location = use_location();
    move || match use_me() {
        None => {
            let search = location.search.get_untracked();
            let search = search.trim_start_matches('?');
            let here = if search.is_empty() {
                location.pathname.get_untracked()
            } else {
                format!("{}?{search}", location.pathname.get_untracked())
            };
            let target = format!("/login?next={}", encode_component(&here));
            view! { <Redirect path=target /> }.into_any()
        }
        Some(me) if need.met_by(&me) => children().into_any(),
        Some(_) => view! { <Forbidden /> }.into_any(),
    }
}

/// `/login`: email and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = move || safe_next(query.read().get("next").as_deref());
    let login = ServerAction::<api::Login>::new();
    let result = login.value();
    Effect::new(move |_| {
        if let Some(Ok(target)) = result.get() {
            // A full load, so the whole page is rendered for the signed-in user.
            let _ = window().location().set_href(&target);
        }
    });
    let errors = Signal::derive(move || result.get().and_then(Result::err));
    if use_me().is_some() {
        return view! { <Redirect path=next() /> }.into_any();
    }
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, login.title).to_owned()
        }) />
        <div class="page narrow">
            <section class="card" aria-labelledby="login-title">
                <h1 id="login-title">{t!(i18n, login.title)}</h1>
                <ActionForm action=login attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="login-email">{t!(i18n, login.email)}</label>
                        <input
                            id="login-email"
                            class="input"
                            type="email"
                            name="email"
                            autocomplete="username"
                            required
                        />
                    </div>
                    <div class="field">
                        <label for="login-password">{t!(i18n, login.password)}</label>
                        <input
                            id="login-password"
                            class="input"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <FormErrors errors field="form" />
                    <button
                        type="submit"
                        class="btn btn-primary"
                        disabled=move || login.pending().get()
                    >
                        {move || {
                            if login.pending().get() {
                                t_string!(i18n, login.signing_in)
                            } else {
                                t_string!(i18n, login.submit)
                            }
                        }}
                    </button>
                </ActionForm>
            </section>
        </div>
    }
    .into_any()
}
