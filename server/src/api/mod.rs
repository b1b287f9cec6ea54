//! The REST API under `/api/v1`: JSON for other systems (a web shop, a
//! mail gateway, an accounting package), authenticated by API tokens.
//!
//! Handlers are thin, like the server functions: they call the same domain
//! services with the token's actor, so permissions and record scope are
//! checked in the one place they always are. Errors are
//! `application/problem+json`. Lists page with a cursor. Write requests
//! may carry an `Idempotency-Key`. The OpenAPI document is generated from
//! the handlers' annotations and served at `/api/v1/openapi.json`, with a
//! Swagger UI (bundled in the binary, no CDN) at `/api/v1/docs/`.

mod crm;
mod customers;
mod docs;
mod extract;
mod money;
mod orders;
pub mod problem;
mod products;
mod stock;
mod tickets;

use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use serde::Serialize;
use tandem_app::ssr::AppState;
use tandem_domain::services::{
    api_tokens::{self, Authenticated},
    idempotency::{self, Claim},
};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use self::problem::{ApiResult, Problem};

/// Where the API lives.
pub const BASE: &str = "/api/v1";
/// Largest request body the API reads, bytes.
const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Rows per list page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 50;
/// Most rows per list page.
const MAX_LIMIT: u64 = 200;
/// Set on an answer replayed for a repeated `Idempotency-Key`.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// One page of a list and where the next starts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct List<T> {
    /// The rows, in id order.
    pub data: Vec<T>,
    /// Pass as `after` for the next page; none on the last page.
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    fn new<U>(page: tandem_domain::services::page::Page<U>, f: impl FnMut(U) -> T) -> Self {
        Self {
            next_cursor: page.next_after.map(|id| id.to_string()),
            data: page.items.into_iter().map(f).collect(),
        }
    }
}

/// A record's comma-separated tags as a list.
fn tags(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The answer to a write that was made: the record as the caller's read
/// shows it or, for a caller who may write it but not read it (403), the
/// record the write returned. A 403 after the change would tell the client
/// that nothing happened, and its retry would make the change again.
fn after_write<T, E: Into<Problem>>(
    read: Result<T, E>,
    written: impl FnOnce() -> T,
) -> ApiResult<T> {
    match read.map_err(Into::into) {
        Err(problem) if problem.status == StatusCode::FORBIDDEN.as_u16() => Ok(written()),
        other => other,
    }
}

/// Reads a list's `after` and `limit`: the service's cursor and page size.
fn window(after: Option<&str>, limit: Option<u64>) -> ApiResult<(Option<i64>, u64)> {
    let after = match after.filter(|a| !a.is_empty()) {
        None => 0,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|id| *id >= 0)
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "`after` must be a `next_cursor` from an earlier page.",
                )
            })?,
    };
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            format!("`limit` must be from 1 to {MAX_LIMIT}."),
        ));
    }
    Ok((Some(after), limit))
}

/// Every API route with its OpenAPI description.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::base())
        .routes(routes!(customers::list, customers::create))
        .routes(routes!(customers::get, customers::update))
        .routes(routes!(customers::contacts, customers::add_contact))
        .routes(routes!(products::list, products::create))
        .routes(routes!(products::get, products::update))
        .routes(routes!(stock::levels))
        .routes(routes!(stock::moves))
        .routes(routes!(stock::adjust))
        .routes(routes!(orders::list, orders::create))
        .routes(routes!(orders::get))
        .routes(routes!(orders::confirm))
        .routes(routes!(orders::cancel))
        .routes(routes!(tickets::list, tickets::create))
        .routes(routes!(tickets::get))
        .routes(routes!(tickets::comment))
        .routes(routes!(tickets::set_status))
        .routes(routes!(crm::list_leads, crm::create_lead))
        .routes(routes!(crm::get_lead))
        .routes(routes!(crm::qualify_lead))
        .routes(routes!(crm::list_opportunities, crm::create_opportunity))
        .routes(routes!(crm::get_opportunity))
        .routes(routes!(crm::move_opportunity))
        .routes(routes!(crm::list_activities, crm::create_activity))
        .routes(routes!(crm::complete_activity))
        .routes(routes!(money::list_shipments, money::create_shipment))
        .routes(routes!(money::get_shipment))
        .routes(routes!(money::ship_shipment))
        .routes(routes!(money::cancel_shipment))
        .routes(routes!(money::list_invoices, money::raise_invoice))
        .routes(routes!(money::get_invoice))
        .routes(routes!(money::cancel_invoice))
        .routes(routes!(money::pay_invoice))
        .routes(routes!(
            money::list_purchase_orders,
            money::create_purchase_order
        ))
        .routes(routes!(money::get_purchase_order))
        .routes(routes!(money::send_purchase_order))
        .routes(routes!(money::cancel_purchase_order))
        .routes(routes!(money::receive_purchase_order))
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = routes().split_for_parts();
    docs::finish(doc)
}

/// The API router (nest it under [`BASE`]) and its documentation routes
/// (merge them at the root).
pub fn router(state: &AppState) -> (Router<AppState>, Router<AppState>) {
    let (api, doc) = routes().split_for_parts();
    let doc = docs::finish(doc);
    let api = api
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .fallback(|| async { Problem::not_found() });
    (api, docs::router(doc))
}

/// Middleware: the caller from `Authorization: Bearer tdm_…`, or 401.
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    let Some(presented) = presented else {
        return Problem::unauthenticated().into_response();
    };
    let meta = crate::session::request_meta(&request);
    match api_tokens::authenticate(
        &state.reader,
        &state.db,
        &presented,
        meta,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(Some(caller)) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Ok(None) => Problem::unauthenticated().into_response(),
        Err(err) => Problem::from(err).into_response(),
    }
}

/// Middleware: a write request with an `Idempotency-Key` runs once per key
/// and token; a repeat gets the first (successful) answer again, marked
/// `Idempotent-Replayed: true`. The request runs in a task of its own, so a
/// client that hangs up does not leave its key claimed.
async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(idempotency::HEADER) else {
        return next.run(request).await;
    };
    let Ok(key) = key.to_str().map(str::to_owned) else {
        return Problem::from(tandem_domain::Error::field(
            idempotency::HEADER,
            tandem_domain::messages::IDEMPOTENCY_KEY_INVALID,
        ))
        .into_response();
    };
    let Some(token_id) = request
        .extensions()
        .get::<Authenticated>()
        .map(|a| a.token_id)
    else {
        return Problem::unauthenticated().into_response();
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is larger than 2 MiB.",
        )
        .into_response();
    };
    let method = parts.method.as_str().to_owned();
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let fingerprint = idempotency::fingerprint(&method, &path, &bytes);
    let db = state.db.clone();
    let task = tokio::spawn(async move {
        let now = chrono::Utc::now();
        let claim = match idempotency::claim(&db, token_id, &key, &method, &path, &fingerprint, now)
            .await
        {
            Ok(claim) => claim,
            Err(err) => return Problem::from(err).into_response(),
        };
        let id = match claim {
            Claim::Replay { status, body } => return replay(status, body),
            Claim::Fresh(id) => id,
        };
        let response = next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
        if !response.status().is_success() {
            if let Err(err) = idempotency::release(&db, id).await {
                tracing::error!(%err, "cannot release an idempotency key");
            }
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(bytes) = to_bytes(body, usize::MAX).await else {
            let _ = idempotency::release(&db, id).await;
            return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "The answer was lost.")
                .into_response();
        };
        let text = String::from_utf8_lossy(&bytes);
        if let Err(err) = idempotency::complete(&db, id, parts.status.as_u16(), &text).await {
            tracing::error!(%err, "cannot keep an idempotent answer");
        }
        Response::from_parts(parts, Body::from(bytes))
    });
    match task.await {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(%err, "an idempotent request failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the server; it has been logged.",
            )
            .into_response()
        }
    }
}

/// The first answer to a key, again.
fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
