//! Form helpers: field-level and form-level error messages in the user's language.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::{error::AppError, i18n::*, messages::localize};

/// The message for one field of a failed request (translated), if any.
pub fn field_message(error: Option<AppError>, field: &str, locale: Locale) -> Option<String> {
    match error? {
        AppError::Validation(fields) => fields.get(field).map(|m| localize(m, locale)),
        _ => None,
    }
}

/// Shows the error of `field` (or, for `field="form"`, any error that is
/// not about one field) under a form or field.
#[component]
pub fn FormErrors(
    #[prop(into)] errors: Signal<Option<AppError>>,
    field: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let anchor = NodeRef::new();
    let errors = while_unedited(errors, anchor);
    let message = move || {
        let locale = i18n.get_locale();
        let error = errors.get()?;
        if let Some(message) = field_message(Some(error.clone()), field, locale) {
            return Some(message);
        }
        (field == "form").then(|| describe(&error, i18n)).flatten()
    };
    view! {
        <span hidden node_ref=anchor></span>
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" data-field=field>
                {message}
            </p>
        </Show>
    }
}

/// A sentence for errors that are not about one field.
pub fn describe(error: &AppError, i18n: I18nContext<Locale>) -> Option<String> {
    let locale = i18n.get_locale();
    Some(match error {
        AppError::Validation(fields) => {
            if fields.contains_key("form") {
                return None;
            }
            t_string!(i18n, errors.check_fields).to_owned()
        }
        AppError::Unauthorized => t_string!(i18n, errors.unauthorized).to_owned(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_owned(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_owned(),
        AppError::Conflict(message) => localize(message, locale),
        AppError::RateLimited(seconds) => format!(
            "{} {} {}",
            t_string!(i18n, errors.retry_before),
            seconds.div_ceil(60),
            t_string!(i18n, errors.retry_after)
        ),
        AppError::Malformed(_) => t_string!(i18n, errors.malformed).to_owned(),
        AppError::Internal | AppError::Transport(_) => t_string!(i18n, errors.internal).to_owned(),
    })
}

/// The field's message, for `aria-invalid` and an inline hint.
#[component]
pub fn FieldError(
    #[prop(into)] errors: Signal<Option<AppError>>,
    field: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let anchor = NodeRef::new();
    let errors = while_unedited(errors, anchor);
    let message = move || field_message(errors.get(), field, i18n.get_locale());
    view! {
        <span hidden node_ref=anchor></span>
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" data-field=field>
                {message}
            </p>
        </Show>
    }
}

/// `errors` until the user edits the form around `anchor` (types, changes
/// a choice, or presses one of its non-submitting buttons, such as "add
/// line"): a message about what was wrong goes once the form changes, and a
/// new answer shows again. Outside a form, `errors` as they are.
pub fn while_unedited(
    errors: Signal<Option<AppError>>,
    anchor: NodeRef<leptos::html::Span>,
) -> Signal<Option<AppError>> {
    let edits = form_edits(anchor);
    let seen = RwSignal::new(0_u32);
    Effect::new(move |_| {
        errors.track();
        seen.set(edits.get_untracked());
    });
    Signal::derive(move || {
        if edits.get() == seen.get() {
            errors.get()
        } else {
            None
        }
    })
}

/// Counts the edits of the form around `anchor` once it is in the page
/// (effects never run on the server).
fn form_edits(anchor: NodeRef<leptos::html::Span>) -> ReadSignal<u32> {
    let (edits, set_edits) = signal(0_u32);
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Some(form) = anchor.get().and_then(|a| a.closest("form").ok().flatten()) else {
            return;
        };
        let bump = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if ev.type_() == "click" {
                // Only buttons that change the form; a submit brings its
                // own answer.
                let plain_button = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest("button").ok().flatten())
                    .is_some_and(|b| b.get_attribute("type").as_deref() == Some("button"));
                if !plain_button {
                    return;
                }
            }
            set_edits.try_update(|n| *n = n.wrapping_add(1));
        });
        for kind in ["input", "change", "click"] {
            let _ = form.add_event_listener_with_callback(kind, bump.as_ref().unchecked_ref());
        }
        // The listener lives as long as the form element does.
        bump.forget();
    });
    edits
}
