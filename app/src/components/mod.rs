//! Components shared by every page.

pub mod forms;
mod pager;
mod status_pages;

pub use pager::Pager;
pub use status_pages::{failed, ErrorPage, Forbidden, NotFound};
