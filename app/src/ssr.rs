//! Server-only helpers: the state every server function and SSR render
//! reads, the request's actor, and the session.

use axum::extract::FromRef;
use leptos::prelude::*;
use tandem_domain::{
    access::sign_in::LoginPolicy,
    access::{Actor, RequestMeta},
    Db,
};
use tower_sessions::Session;

use crate::error::AppError;

/// What the server shares with every request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: Db,
    /// The pool for server functions that only read (dashboards, reports,
    /// the analysis, lists): on SQLite read-only connections beside the
    /// one writer, on PostgreSQL the same pool as `db`.
    pub reader: Db,
    /// Leptos' own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// Sign-in throttling and lockout.
    pub login_policy: LoginPolicy,
    /// A session ends this long after sign-in, however active.
    pub session_absolute: chrono::Duration,
    /// The per-address rate limits of every anonymous server function
    /// (sign-in, the help centre, the support form, ratings).
    pub limits: std::sync::Arc<tandem_domain::access::rate_limit::PublicLimits>,
    /// The addresses webhook endpoints may have: public ones and the
    /// networks the operator allows (`TANDEM_WEBHOOK_ALLOW_NETS`).
    pub webhook_targets: tandem_domain::integration::webhooks::Targets,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The keys Tandem keeps in a session.
pub mod session_keys {
    /// The signed-in user's id.
    pub const USER_ID: &str = "tandem.user_id";
    /// When the user signed in (Unix seconds), for the absolute timeout.
    pub const SIGNED_IN_AT: &str = "tandem.signed_in_at";
    /// The client address at sign-in.
    pub const CLIENT_ADDR: &str = "tandem.client_addr";
    /// The user agent at sign-in.
    pub const USER_AGENT: &str = "tandem.user_agent";
}

/// The request's actor, put into the request by the server's middleware.
#[derive(Clone, Debug, Default)]
pub struct CurrentActor(pub Option<Actor>);

/// The state, from the Leptos context the router provides.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The signed-in actor of this request, if any.
pub fn actor() -> Option<Actor> {
    parts()?.extensions.get::<CurrentActor>()?.0.clone()
}

/// The signed-in actor of this request; 401 for an anonymous one. Every
/// service takes a signed-in actor, so server functions ask here first.
pub fn signed_in() -> Result<Actor, AppError> {
    actor().ok_or(AppError::Unauthorized)
}

/// Where this request came from.
pub fn request_meta() -> RequestMeta {
    parts()
        .and_then(|p| p.extensions.get::<RequestMeta>().cloned())
        .unwrap_or_default()
}

/// Counts this request against its client address's limit for `kind`
/// (429 over it). Every server function anyone may call without signing
/// in calls this first, before it reads anything else.
pub fn throttle(
    state: &AppState,
    kind: tandem_domain::access::rate_limit::Public,
) -> Result<(), AppError> {
    Ok(state
        .limits
        .check(kind, actor().as_ref(), &request_meta())?)
}

/// This request's session.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|err| {
        tracing::error!(%err, "no session layer around the server function");
        AppError::Internal
    })
}

/// Logs a session store failure and hides it.
pub fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(%err, "session store failure");
    AppError::Internal
}

/// The browser's time zone as minutes east of UTC, from the `tz` cookie the
/// page sets once hydrated (UTC until then).
pub fn tz_offset() -> i32 {
    parts()
        .and_then(|p| {
            p.headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|kv| kv.trim().strip_prefix("tz="))
                .find_map(|v| v.parse::<i32>().ok())
        })
        .filter(|m| (-14 * 60..=14 * 60).contains(m))
        .unwrap_or(0)
}

/// A UTC time as the user's local `2026-11-29 14:05`.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let offset = chrono::FixedOffset::east_opt(tz_offset() * 60)
        .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A `datetime-local` input (`2026-11-29T14:05`) in the user's zone, as UTC.
pub fn parse_local(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let offset = chrono::FixedOffset::east_opt(tz_offset() * 60)?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|d| d.with_timezone(&chrono::Utc))
}

/// Today's date in the user's time zone.
pub fn local_today() -> chrono::NaiveDate {
    let offset = chrono::FixedOffset::east_opt(tz_offset() * 60)
        .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
    chrono::Utc::now().with_timezone(&offset).date_naive()
}
