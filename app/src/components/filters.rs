//! A list's filter bar: a GET form over the page's own address whose
//! controls are bound to the query parameters they set, so a filtered list
//! is a link like any other.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::{components::Form, hooks::use_query_map};

use super::query::param;
use crate::i18n::*;

/// A value's label in the current language (`status_label` and the like).
pub type Labeler = fn(&str, I18nContext<Locale>) -> &'static str;

/// The filter form: the controls in `children`, then "Apply". It submits
/// to `action` (the page itself when empty).
#[component]
pub fn FilterBar(#[prop(default = "")] action: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Form method="GET" action=action attr:class="filters">
            {children()}
            <button type="submit" class="btn btn-secondary">
                {t!(i18n, admin.apply)}
            </button>
        </Form>
    }
}

/// A labelled input setting the query parameter `name`: a search box, or
/// with `kind` a text or date input (an empty `kind` writes no `type`).
#[component]
pub fn SearchFilter(
    id: &'static str,
    name: &'static str,
    label: impl IntoView + 'static,
    #[prop(default = "search")] kind: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let query = use_query_map();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                class="input"
                type=(!kind.is_empty()).then_some(kind)
                name=name
                placeholder=placeholder
                prop:value=move || param(&query.read(), name).unwrap_or_default()
            />
        </div>
    }
}

/// A labelled select setting the query parameter `name`: "Any" (unless
/// `any` is false, when `children` bring their own first choice), then the
/// choices in `children` ([`Options`] and the like). Without the parameter
/// it shows the choice whose value is `unset`.
#[component]
pub fn SelectFilter(
    id: &'static str,
    name: &'static str,
    label: impl IntoView + 'static,
    #[prop(default = true)] any: bool,
    #[prop(default = "")] unset: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let value = move || param(&query.read(), name).unwrap_or_else(|| unset.to_owned());
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id class="select" name=name prop:value=value>
                {any.then(|| view! { <option value="">{t!(i18n, crm.any)}</option> })}
                {children.map(|children| children())}
            </select>
        </div>
    }
}

/// One `<option>` per value, labelled in the current language.
#[component]
pub fn Options(values: &'static [&'static str], label: Labeler) -> impl IntoView {
    let i18n = use_i18n();
    values
        .iter()
        .map(|v| view! { <option value=*v>{label(v, i18n)}</option> })
        .collect_view()
}

/// A labelled checkbox setting the query parameter `name` to `value`.
#[component]
pub fn CheckFilter(
    id: &'static str,
    name: &'static str,
    value: &'static str,
    label: impl IntoView + 'static,
    #[prop(into)] checked: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="check">
            <input id=id type="checkbox" name=name value=value prop:checked=move || checked.get() />
            <label for=id>{label}</label>
        </div>
    }
}

/// Hidden inputs carrying the filters in `keys` that the bar shows no
/// control for (set by links from other pages), so "Apply" keeps them.
#[component]
pub fn HiddenFilters(keys: &'static [&'static str]) -> impl IntoView {
    let query = use_query_map();
    move || {
        keys.iter()
            .filter_map(|k| {
                param(&query.read(), k).map(|v| view! { <input type="hidden" name=*k value=v /> })
            })
            .collect_view()
    }
}
