//! Components shared by every page, and the vocabulary list pages are
//! written in: a filter bar, a table with its pager, bulk actions, and how
//! amounts and times read.

mod bulk;
mod display;
mod editor;
mod filters;
pub mod forms;
mod list;
mod pager;
mod query;
mod status_pages;

pub use bulk::{BulkBar, SelectAll, SelectRow};
pub use display::{short_time, DateTime, Money};
pub use editor::{EditCell, Editor, EditorForm};
pub use filters::{
    CheckFilter, FilterBar, HiddenFilters, Labeler, Options, SearchFilter, SelectFilter,
};
pub use list::{loading, Col, Empty, ListTable, NewLink, PageHeader, PagedList};
pub use pager::Pager;
pub use query::{id_param, param, query_string, use_list_query, ListQuery};
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
