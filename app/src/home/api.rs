//! Server functions of the home page.

use leptos::prelude::*;

use crate::{error::AppError, home::types::SystemStatusView};

crate::authz!("/api/system/status", SignedIn, FORM, "");
/// Checks the database and reports the system's status. Needs a signed-in user.
#[server(endpoint = "system/status")]
pub async fn system_status() -> Result<SystemStatusView, AppError> {
    let state = crate::ssr::state()?;
    tandem_domain::access::policy::require_signed_in(crate::ssr::actor().as_ref())?;
    let health = tandem_domain::platform::system::health(&state.db).await;
    Ok(SystemStatusView {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        engine: health.engine.to_owned(),
        database_ok: health.database_ok,
        checked_at: tandem_domain::platform::system::now_rfc3339(),
    })
}
