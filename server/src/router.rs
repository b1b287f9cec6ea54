//! The HTTP surface: the Leptos app and its server functions, the
//! operations endpoints, static files, and the layers around them all.

use std::time::Duration;

use axum::{
    extract::State,
    http::{HeaderName, Request, StatusCode},
    middleware,
    response::IntoResponse,
    routing::get,
    Router,
};
use leptos::nonce::provide_nonce;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_router::components::provide_server_redirect;
use tandem_app::{shell, ssr::AppState, App};
use tower::ServiceBuilder;
use tower_http::{
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
    /// Inactivity after which a session ends.
    pub session_idle: time::Duration,
}

impl RouterConfig {
    /// Defaults for tests and tools: plain HTTP on localhost.
    pub fn local() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            public_origin: "http://localhost".into(),
            cookie_secure: false,
            session_idle: time::Duration::hours(8),
        }
    }
}

/// Builds the whole router around `state`.
pub fn build(state: AppState, config: &RouterConfig) -> Router {
    // Installs the recorder before the first request is counted.
    let _ = metrics::handle();
    let routes = generate_route_list(App);
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
        .route("/metrics", get(metrics::render))
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
        ));
    // The API authenticates each request by its token, not by a cookie:
    // no session, and no same-origin rule (its callers are other systems).
    Router::new()
        .nest(crate::api::BASE, api)
        .merge(api_docs)
        .merge(web)
        .layer(middleware::from_fn(security::headers))
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

/// Context for rendering a page: the CSP nonce, and `<Redirect>` answering
/// with a real HTTP redirect.
fn page_context() {
    provide_nonce();
    provide_server_redirect(leptos_axum::redirect);
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
