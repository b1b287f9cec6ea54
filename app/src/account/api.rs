//! Server functions of the account page: one's own password and sessions.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::SessionView;
use crate::error::AppError;

crate::authz!(
    "/api/account/password",
    SignedIn,
    JSON,
    r#"{"current":"wrong-current-password","new":"another-password-1"}"#,
);
/// Changes the signed-in user's password; their other sessions end.
#[server(endpoint = "account/password", input = Json)]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let session = crate::ssr::session().await?;
    let keep = session.id().map(|id| id.to_string());
    Ok(tandem_domain::access::sign_in::change_password(
        &state.db,
        crate::ssr::actor().as_ref(),
        &current,
        &new,
        keep.as_deref(),
    )
    .await?)
}

crate::authz!("/api/account/sessions", SignedIn, FORM, "");
/// The signed-in user's sessions.
#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    let state = crate::ssr::state()?;
    let current = crate::ssr::session().await?.id().map(|id| id.to_string());
    let sessions = tandem_domain::access::sessions::list_mine(
        &state.db,
        crate::ssr::actor().as_ref(),
        current.as_deref(),
    )
    .await?;
    Ok(sessions
        .into_iter()
        .map(|s| SessionView {
            handle: s.handle,
            current: s.current,
            created_at: s.created_at.to_rfc3339(),
            last_seen_at: s.last_seen_at.to_rfc3339(),
            client_addr: s.client_addr,
            user_agent: s.user_agent,
        })
        .collect())
}

crate::authz!(
    "/api/account/sessions/end",
    SignedIn,
    JSON,
    r#"{"handle":"no-such-session"}"#
);
/// Ends one of the signed-in user's other sessions.
#[server(endpoint = "account/sessions/end", input = Json)]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(
        tandem_domain::access::sessions::end_mine(&state.db, crate::ssr::actor().as_ref(), &handle)
            .await?,
    )
}
