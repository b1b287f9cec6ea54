//! Components shared by every page.

pub mod forms;
mod status_pages;

pub use status_pages::{ErrorPage, Forbidden, NotFound};
