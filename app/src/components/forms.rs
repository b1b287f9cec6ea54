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
    let message = move || {
        let locale = i18n.get_locale();
        let error = errors.get()?;
        if let Some(message) = field_message(Some(error.clone()), field, locale) {
            return Some(message);
        }
        (field == "form").then(|| describe(&error, i18n)).flatten()
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" data-field=field>{message}</p>
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
    let message = move || field_message(errors.get(), field, i18n.get_locale());
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" data-field=field>{message}</p>
        </Show>
    }
}
