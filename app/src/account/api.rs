//! Server functions of the account page: one's own password and sessions.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::SessionView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use tandem_domain::access::{sessions, sign_in};

#[cfg(feature = "ssr")]
use crate::ssr::signed_in;

#[cfg(feature = "ssr")]
mod convert {
    use tandem_domain::access::sessions::SessionInfo;

    use super::*;

    pub fn session(s: SessionInfo) -> SessionView {
        SessionView {
            handle: s.handle,
            current: s.current,
            created_at: s.created_at.to_rfc3339(),
            last_seen_at: s.last_seen_at.to_rfc3339(),
            client_addr: s.client_addr,
            user_agent: s.user_agent,
        }
    }
}

/// This request's session id (none before the session is first saved).
#[cfg(feature = "ssr")]
async fn session_id() -> Result<Option<String>, AppError> {
    Ok(crate::ssr::session().await?.id().map(|id| id.to_string()))
}

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
    let keep = session_id().await?;
    sign_in::change_password(&state.db, &signed_in()?, &current, &new, keep.as_deref()).await?;
    Ok(())
}

crate::authz!("/api/account/sessions", SignedIn, FORM, "");
/// The signed-in user's sessions.
#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    let state = crate::ssr::state()?;
    let current = session_id().await?;
    let found = sessions::list_mine(&state.db, &signed_in()?, current.as_deref()).await?;
    Ok(found.into_iter().map(convert::session).collect())
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
    Ok(sessions::end_mine(&state.db, &signed_in()?, &handle).await?)
}
