//! The HTTP surface: the Leptos app and its server functions, the
//! operations endpoints, static files, and the layers around them all.

use std::time::Duration;

use axum::{
    extract::State,
    http::{HeaderName, Request, StatusCode},
    middleware,
    response::IntoResponse,
    routing::get,
    Extension, Router,
};
use leptos::nonce::provide_nonce;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_router::components::provide_server_redirect;
use tandem_app::{shell, ssr::AppState, App};
use tandem_domain::integration::webhooks::Net;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{
        predicate::{DefaultPredicate, NotForContentType, Predicate},
        CompressionLayer,
    },
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use crate::{
    forwarded::TrustedProxies,
    metrics,
    security::{self, AllowedOrigin},
    session::{self, DbSessionStore},
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Settings of the router that do not live in [`AppState`].
#[derive(Clone, Debug)]
pub struct RouterConfig {
    /// How long a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// The public origin (scheme://host[:port]) state-changing requests must come from.
    pub public_origin: String,
    /// Whether the session cookie is `Secure`.
    pub cookie_secure: bool,
    /// Inactivity after which a session ends (each use moves it forward).
    pub session_idle: time::Duration,
    /// The operator's token for `/metrics`; without one, the portal's
    /// address does not serve `/metrics`.
    pub metrics_token: Option<metrics::MetricsToken>,
    /// The reverse proxies whose `X-Forwarded-For` names the client
    /// (`TANDEM_TRUSTED_PROXIES`); none: the TCP peer is the client.
    pub trusted_proxies: Vec<Net>,
}

impl RouterConfig {
    /// Defaults for tests and tools: plain HTTP on localhost.
    pub fn local() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            public_origin: "http://localhost".into(),
            cookie_secure: false,
            session_idle: time::Duration::hours(8),
            metrics_token: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Builds the whole router around `state`.
pub fn build(state: AppState, config: &RouterConfig) -> Router {
    // Installs the recorder before the first request is counted.
    let _ = metrics::handle();
    // Generated once per process. Generating it runs the app with resource
    // loading suppressed through a process-wide flag, so a page rendering
    // meanwhile on another thread could wait forever on a resource
    // (leptos issue #4773): the test suites, which build a router per
    // test, saw such renders hang.
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let options = state.leptos_options.clone();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("tandem_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.cookie_secure)
        .with_expiry(Expiry::OnInactivity(config.session_idle));
    let (api, api_docs) = crate::api::router(&state);
    let web = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/admin/files/backup", get(crate::downloads::backup))
        .route("/admin/files/export/{kind}", get(crate::downloads::export))
        .route(
            "/admin/files/import",
            axum::routing::post(crate::uploads::upload).layer(crate::uploads::limit()),
        )
        .route(
            "/admin/files/import-errors/{run}",
            get(crate::uploads::errors),
        )
        .leptos_routes_with_context(&state, routes, page_context, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::resolve_actor,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            AllowedOrigin(config.public_origin.clone()),
            security::refuse_cross_origin,
        ))
        .layer(middleware::from_fn(server_fn_error_status))
        // Outermost: an oversized body is refused before the session is
        // looked up or anything is parsed.
        .layer(middleware::from_fn(limit_server_fn_body));
    // The API authenticates each request by its token, not by a cookie:
    // no session, and no same-origin rule (its callers are other systems);
    // `/metrics` likewise, for the operator's scraper with its token.
    Router::new()
        .nest(crate::api::BASE, api)
        .merge(api_docs)
        .merge(metrics::router(metrics::MetricsAccess::portal(
            config.metrics_token.clone(),
        )))
        .merge(web)
        .layer(middleware::from_fn(security::headers))
        // Read by `session::request_meta`, wherever a request's client
        // address is taken: the web's session middleware and the API's.
        .layer(Extension(TrustedProxies::new(
            config.trusted_proxies.clone(),
        )))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let request_id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %request.uri().path(),
                            request_id,
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn(metrics::track))
                // Inside the request's span, so the panic is logged with
                // its request id, and inside the metrics, so it counts as
                // a 500; nothing else is touched.
                .layer(CatchPanicLayer::custom(panic_response))
                // Backups are gzip already.
                .layer(CompressionLayer::new().compress_when(
                    DefaultPredicate::new().and(NotForContentType::const_new("application/gzip")),
                ))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    config.request_timeout,
                )),
        )
        .with_state(state)
}

/// Largest body a server function call may have, in bytes: the longest
/// input (a 50,000-character article) fits several times over. The REST
/// API has its own limit; the CSV upload route its own.
pub const SERVER_FN_BODY_LIMIT: usize = 1024 * 1024;

/// Middleware: a server function call (`/api/…`) with a body longer than
/// [`SERVER_FN_BODY_LIMIT`] is answered 413 before anything parses it: at
/// once when its `Content-Length` says so, else as soon as that much has
/// arrived. (axum's own default limit, which the server functions read
/// through, would only fail the parse, and at 2 MB.)
async fn limit_server_fn_body(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let too_large = || (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > SERVER_FN_BODY_LIMIT as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT).await {
        Ok(bytes) if carries_nul(&bytes) => nul_refused(),
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await
        }
        Err(err) => {
            tracing::debug!(%err, "refused a server function body");
            too_large()
        }
    }
}

/// Whether a server function's body carries the NUL character, raw, as a
/// JSON escape or form-encoded. No text field may hold it (PostgreSQL
/// refuses it in text), so such a request is refused here, in one place,
/// before any service sees it.
fn carries_nul(body: &[u8]) -> bool {
    body.contains(&0)
        || body.windows(6).any(|w| w == b"\\u0000")
        || body.windows(3).any(|w| w == b"%00")
}

/// The 400 for a body carrying NUL, as a server function's error.
fn nul_refused() -> axum::response::Response {
    let error = tandem_app::error::AppError::Malformed(
        "The request could not be read: text may not contain the NUL character.".into(),
    );
    let body = serde_json::to_string(&error).unwrap_or_default();
    (
        StatusCode::BAD_REQUEST,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Context for rendering a page: the CSP nonce, and `<Redirect>` answering
/// with a real HTTP redirect.
fn page_context() {
    provide_nonce();
    provide_server_redirect(leptos_axum::redirect);
}

/// The answer to a request whose handler panicked: a plain 500, the panic
/// logged (inside the request's span, so with its request id).
fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %message, "a request panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

/// Largest server-function error body read to find its status.
const SERVER_FN_ERROR_MAX: usize = 64 * 1024;

/// Gives a failed server function the status of its error. server_fn
/// answers every error with 500 unless the function set another; the
/// domain's errors do, but an `AppError` made in the app (a date that does
/// not parse, an unknown board) would leave as a 500. This is the one place
/// that maps every `AppError` to its status.
async fn server_fn_error_status(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, SERVER_FN_ERROR_MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<tandem_app::error::AppError>(&bytes) {
        parts.status = error.status();
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// `GET /healthz`: the process is alive.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers; 503 otherwise.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tandem_domain::db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(%err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
