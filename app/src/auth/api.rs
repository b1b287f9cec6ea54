//! Signing in and out.

use leptos::prelude::*;

use crate::error::AppError;

crate::authz!(
    "/api/auth/login",
    Public,
    FORM,
    "email=nobody%40example.com&password=wrong-password",
);
/// Signs in with email and password; returns where to go next. A new
/// session id is issued, so a session fixed before sign-in is useless.
#[server(endpoint = "auth/login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::{request_meta, session, session_error, session_keys, state};
    let state = state()?;
    // Per address, before the password is looked at (the domain also
    // refuses an oversized email or password before hashing).
    crate::ssr::throttle(&state, tandem_domain::access::rate_limit::Public::SignIn)?;
    let meta = request_meta();
    let user_id = tandem_domain::access::sign_in::login(
        &state.db,
        &email,
        &password,
        &meta,
        &state.login_policy,
    )
    .await?;
    let session = session().await?;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(session_keys::USER_ID, user_id)
        .await
        .map_err(session_error)?;
    session
        .insert(
            session_keys::SIGNED_IN_AT,
            tandem_domain::platform::system::unix_now(),
        )
        .await
        .map_err(session_error)?;
    session
        .insert(session_keys::CLIENT_ADDR, meta.client_addr)
        .await
        .map_err(session_error)?;
    session
        .insert(session_keys::USER_AGENT, meta.user_agent)
        .await
        .map_err(session_error)?;
    Ok(super::types::safe_next(next.as_deref()))
}

crate::authz!("/api/auth/logout", SignedIn, FORM, "");
/// Signs out: the session is deleted on the server.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{actor, session, session_error, state};
    let state = state()?;
    let actor = actor();
    let actor = tandem_domain::access::policy::require_signed_in(actor.as_ref())?;
    tandem_domain::access::sign_in::record_logout(&state.db, actor).await?;
    session().await?.flush().await.map_err(session_error)?;
    Ok(())
}
