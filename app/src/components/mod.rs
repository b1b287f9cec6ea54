//! Components shared by every page.

pub mod forms;
mod pager;
mod status_pages;

pub use pager::Pager;
pub use status_pages::{failed, ErrorPage, Forbidden, NotFound};

/// A page's `<Title>` text in the user's language. On the server it is read
/// while the page renders: leptos_meta reads a title closure only once the
/// page has rendered, on whichever worker thread resumes the response, where
/// this request's reactive values may not be reachable (it panicked with
/// "already been disposed" under concurrent requests).
pub fn page_title(
    text: impl Fn() -> String + Send + Sync + 'static,
) -> leptos::text_prop::TextProp {
    #[cfg(feature = "ssr")]
    let title = leptos::text_prop::TextProp::from(text());
    #[cfg(not(feature = "ssr"))]
    let title = leptos::text_prop::TextProp::from(text);
    title
}
