//! Components shared by every page.

mod status_pages;

pub use status_pages::{ErrorPage, NotFound};
