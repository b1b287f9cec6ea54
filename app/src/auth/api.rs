//! Signing in and out.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use tandem_domain::access::{rate_limit::Public, sign_in, RequestMeta};

#[cfg(feature = "ssr")]
use crate::ssr::{request_meta, session, session_error, session_keys, signed_in, state};

/// Starts the signed-in session under a new id, so a session fixed before
/// sign-in is useless: the user, when, and where from.
#[cfg(feature = "ssr")]
async fn start_session(user_id: i64, meta: RequestMeta) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(session_error)?;
    let signed_in_at = tandem_domain::platform::system::unix_now();
    session
        .insert(session_keys::USER_ID, user_id)
        .await
        .map_err(session_error)?;
    session
        .insert(session_keys::SIGNED_IN_AT, signed_in_at)
        .await
        .map_err(session_error)?;
    session
        .insert(session_keys::CLIENT_ADDR, meta.client_addr)
        .await
        .map_err(session_error)?;
    session
        .insert(session_keys::USER_AGENT, meta.user_agent)
        .await
        .map_err(session_error)
}

crate::authz!(
    "/api/auth/login",
    Public,
    FORM,
    "email=nobody%40example.com&password=wrong-password",
);
/// Signs in with email and password; returns where to go next. Each client
/// address is throttled before the password is looked at (the domain also
/// caps the sizes before hashing); a new session id is issued, so a session
/// fixed before sign-in is useless.
#[server(endpoint = "auth/login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    let state = state()?;
    crate::ssr::throttle(&state, Public::SignIn)?;
    let meta = request_meta();
    let user_id = sign_in::login(&state.db, &email, &password, &meta, &state.login_policy).await?;
    start_session(user_id, meta).await?;
    Ok(super::types::safe_next(next.as_deref()))
}

crate::authz!("/api/auth/logout", SignedIn, FORM, "");
/// Signs out: the session is deleted on the server.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = state()?;
    let actor = signed_in()?;
    sign_in::record_logout(&state.db, &actor).await?;
    session().await?.flush().await.map_err(session_error)?;
    Ok(())
}
