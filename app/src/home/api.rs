//! Server functions of the home page.

use leptos::prelude::*;

use crate::{error::AppError, home::types::SystemStatusView};

#[cfg(feature = "ssr")]
use tandem_domain::platform::system;

#[cfg(feature = "ssr")]
mod convert {
    use super::*;

    /// The panel's data: this build's version and the database check, now.
    pub fn status(health: system::Health) -> SystemStatusView {
        SystemStatusView {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            engine: health.engine.to_owned(),
            database_ok: health.database_ok,
            checked_at: system::now_rfc3339(),
        }
    }
}

crate::authz!("/api/system/status", SignedIn, FORM, "");
/// Checks the database and reports the system's status. Needs a signed-in user
/// (asked here: the platform's health check sits below the access area).
#[server(endpoint = "system/status")]
pub async fn system_status() -> Result<SystemStatusView, AppError> {
    let state = crate::ssr::state()?;
    crate::ssr::signed_in()?;
    let health = system::health(&state.db).await;
    Ok(convert::status(health))
}
