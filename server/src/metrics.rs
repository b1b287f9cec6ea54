//! Prometheus metrics: requests by route and status, a latency histogram,
//! and the database pool's occupancy (metrics + metrics-exporter-prometheus).
//! `/metrics` is for the operator only: on the portal's address it needs
//! the configured bearer token (and is not served without one); a separate
//! metrics address can serve it to whoever reaches that address.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderMap, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use tandem_app::ssr::AppState;

const REQUESTS: &str = "http_requests_total";
const DURATION: &str = "http_request_duration_seconds";
const POOL_SIZE: &str = "db_pool_connections";
const POOL_IN_USE: &str = "db_pool_connections_in_use";

/// Latency buckets in seconds, from a fast page to a slow report.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide recorder's handle, installed on first use.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), BUCKETS)
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
            }
            handle
        })
        .clone()
}

/// Middleware: counts each request and records its duration, labelled by
/// the matched route (not the raw path, to keep label sets bounded).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "fallback".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(DURATION, &labels[..2]).record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: the Prometheus text exposition.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let pool = tandem_domain::db::pool_stats(&state.db);
    metrics::gauge!(POOL_SIZE).set(f64::from(pool.size));
    metrics::gauge!(POOL_IN_USE).set(f64::from(pool.in_use));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
}

/// The operator's bearer token for `/metrics`, kept only as its SHA-256 so
/// that comparing takes the same time wherever a guess differs.
#[derive(Clone)]
pub struct MetricsToken([u8; 32]);

impl MetricsToken {
    /// The token, or `None` for an empty one.
    pub fn new(token: &str) -> Option<Self> {
        (!token.is_empty()).then(|| Self(digest(token)))
    }

    /// Whether `presented` is the token, compared in constant time.
    fn matches(&self, presented: &str) -> bool {
        digest(presented)
            .iter()
            .zip(self.0.iter())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(..)")
    }
}

fn digest(text: &str) -> [u8; 32] {
    let mut out = [0_u8; 32];
    out.copy_from_slice(&Sha256::digest(text.as_bytes()));
    out
}

/// Who may read `/metrics` on one listening address.
#[derive(Clone, Debug)]
pub struct MetricsAccess {
    token: Option<MetricsToken>,
    /// Served without a token when none is configured (the separate
    /// metrics address only: reaching it is the operator's privilege).
    open_without_token: bool,
}

impl MetricsAccess {
    /// On the portal's address: only with the token; without a configured
    /// token `/metrics` is not there (404).
    pub fn portal(token: Option<MetricsToken>) -> Self {
        Self {
            token,
            open_without_token: false,
        }
    }

    /// On the separate metrics address: with the token when one is
    /// configured, otherwise to whoever can reach that address.
    pub fn dedicated(token: Option<MetricsToken>) -> Self {
        Self {
            token,
            open_without_token: true,
        }
    }

    fn check(&self, headers: &HeaderMap) -> Result<(), Box<Response>> {
        let Some(token) = &self.token else {
            return if self.open_without_token {
                Ok(())
            } else {
                Err(Box::new(StatusCode::NOT_FOUND.into_response()))
            };
        };
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        match presented {
            Some(presented) if token.matches(presented) => Ok(()),
            _ => Err(Box::new(
                (
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, "Bearer")],
                    "The metrics need the operator's token.",
                )
                    .into_response(),
            )),
        }
    }
}

/// Middleware: lets only the operator through to `/metrics`.
async fn require_operator(
    State(access): State<MetricsAccess>,
    request: Request,
    next: Next,
) -> Response {
    match access.check(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refused) => *refused,
    }
}

/// `/metrics` behind `access`.
pub fn router(access: MetricsAccess) -> Router<AppState> {
    Router::new()
        .route("/metrics", get(render))
        .route_layer(middleware::from_fn_with_state(access, require_operator))
}
