//! Server-only helpers: the state every server function and SSR render reads.

use axum::extract::FromRef;
use leptos::prelude::*;
use tandem_domain::Db;

use crate::error::AppError;

/// What the server shares with every request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// Leptos' own settings (site root, output name).
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, from the Leptos context the router provides.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
