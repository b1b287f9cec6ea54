//! The 404 page and the error page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;

/// Shown for any address no route matches; answers with HTTP 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, not_found.title).to_owned()
        }) />
        <div class="page status-page" data-testid="not-found">
            <p class="status-code" aria-hidden="true">
                "404"
            </p>
            <h1>{t!(i18n, not_found.title)}</h1>
            <p class="lead">{t!(i18n, not_found.body)}</p>
            <a class="btn btn-primary" href="/">
                {t!(i18n, not_found.home_link)}
            </a>
        </div>
    }
}

/// Shown to a signed-in user without the page's permission; answers with HTTP 403.
#[component]
pub fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, forbidden.title).to_owned()
        }) />
        <div class="page status-page" data-testid="forbidden">
            <p class="status-code" aria-hidden="true">
                "403"
            </p>
            <h1>{t!(i18n, forbidden.title)}</h1>
            <p class="lead">{t!(i18n, forbidden.body)}</p>
            <a class="btn btn-primary" href="/">
                {t!(i18n, not_found.home_link)}
            </a>
        </div>
    }
}

/// Shown when a page fails to render; answers with HTTP 500.
#[component]
pub fn ErrorPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    let i18n = use_i18n();
    view! {
        <Title text=crate::components::page_title(move || {
            t_string!(i18n, error_page.title).to_owned()
        }) />
        <div class="page status-page" role="alert" data-testid="error-page">
            <h1>{t!(i18n, error_page.title)}</h1>
            <p class="lead">{t!(i18n, error_page.body)}</p>
            <a class="btn btn-primary" href="/">
                {t!(i18n, error_page.home_link)}
            </a>
        </div>
    }
}

/// The status page for a failed load of the page's main record: "not
/// found" (also for records outside the user's scope), "forbidden", or the
/// error page.
pub fn failed(error: crate::error::AppError) -> AnyView {
    use crate::error::AppError;
    match error {
        AppError::NotFound => view! { <NotFound /> }.into_any(),
        AppError::Forbidden => view! { <Forbidden /> }.into_any(),
        _ => view! { <ErrorPage /> }.into_any(),
    }
}
