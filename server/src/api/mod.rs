//! The REST API under `/api/v1`: JSON for other systems (a web shop, a
//! mail gateway, an accounting package), authenticated by API tokens.
//!
//! Handlers are thin, like the server functions: they call the same domain
//! services with the token's actor, so permissions and record scope are
//! checked in the one place they always are. Errors are
//! `application/problem+json`. Lists page with a cursor. Each write request
//! is one transaction and may carry an `Idempotency-Key`, and answers with
//! what it wrote (`Written`). The OpenAPI document is generated from
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

use std::sync::Arc;

use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Serialize;
use tandem_app::ssr::AppState;
use tandem_domain::{
    Db,
    {
        access::api_tokens::{self, Authenticated},
        integration::idempotency::{self, Claim},
    },
};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use self::{
    extract::Txn,
    problem::{ApiResult, Problem},
};

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
    fn new<U>(page: tandem_domain::platform::page::Page<U>, f: impl FnMut(U) -> T) -> Self {
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

/// The answer of every write, and the API's one rule for it: the record the
/// write made or changed, built from what the domain service returned for
/// that write (where a service returns the bare row, its `detail_of`
/// completes it with its lines in the write's own transaction, checking no
/// read permission). Never a read-back under the token's read permission:
/// a token that may write a record but not read it gets the same answer as
/// one that may do both, never a 403 for a change that was made (which
/// would roll the change back and tell the client to make it again). Field
/// rules stay the service's (a cost price only with `products.read_cost`).
/// This answer is what an `Idempotency-Key` keeps (see [`transactional`]).
#[derive(Clone, Debug)]
pub(crate) struct Written<T> {
    status: StatusCode,
    record: T,
}

impl<T> Written<T> {
    /// A record the write created: 201.
    fn created(record: T) -> Self {
        Self {
            status: StatusCode::CREATED,
            record,
        }
    }

    /// A record the write changed (or found already changed): 200.
    fn changed(record: T) -> Self {
        Self {
            status: StatusCode::OK,
            record,
        }
    }
}

impl<T: Serialize> IntoResponse for Written<T> {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.record)).into_response()
    }
}

/// Marks a refusal that still changed something the domain keeps (a
/// confirmation refused for want of an approval notes the request for one,
/// see `orders::awaits_approval` in the domain): the write middleware
/// commits it like a success, the refusal kept as the key's answer.
#[derive(Clone, Copy, Debug)]
struct KeptRefusal;

/// `problem` as an answer whose request still commits (see [`KeptRefusal`]).
fn kept_refusal(problem: Problem) -> Response {
    let mut response = problem.into_response();
    response.extensions_mut().insert(KeptRefusal);
    response
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
        .layer(middleware::from_fn_with_state(state.clone(), transactional))
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

/// Middleware: every write request runs in one database transaction that
/// the handler reaches through [`extract::Txn`]; it commits only if the
/// answer is a success (or a [`KeptRefusal`]), together with that answer.
/// So whatever commits has its answer kept, and whatever answers an error
/// commits nothing. With an `Idempotency-Key` the key is claimed in the
/// same transaction, so a request runs once per key and token and a repeat
/// gets the first answer again, marked `Idempotent-Replayed: true`. Because
/// the key, the write and the answer commit together, a process killed
/// half-way leaves no key behind that a retry would wait for, and no write
/// without its answer. The request runs in a task of its own, so a client
/// that hangs up does not stop it half-way.
async fn transactional(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let (request, keyed) = match keyed(request).await {
        Ok(read) => read,
        Err(refused) => return *refused,
    };
    match tokio::spawn(write(state.db.clone(), request, keyed, next)).await {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(%err, "a write request failed");
            server_error()
        }
    }
}

/// A write request's `Idempotency-Key` and what identifies the request.
struct Keyed {
    token_id: i64,
    key: String,
    method: String,
    path: String,
    fingerprint: String,
}

/// The request's `Idempotency-Key`, if it has one. The fingerprint covers
/// the body, so a request with a key is read whole here (and rebuilt).
async fn keyed(request: Request) -> Result<(Request, Option<Keyed>), Box<Response>> {
    let Some(key) = request.headers().get(idempotency::HEADER) else {
        return Ok((request, None));
    };
    let Ok(key) = key.to_str().map(str::to_owned) else {
        return Err(Box::new(
            Problem::from(tandem_domain::Error::field(
                idempotency::HEADER,
                tandem_domain::messages::IDEMPOTENCY_KEY_INVALID,
            ))
            .into_response(),
        ));
    };
    let Some(token_id) = request
        .extensions()
        .get::<Authenticated>()
        .map(|a| a.token_id)
    else {
        return Err(Box::new(Problem::unauthenticated().into_response()));
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return Err(Box::new(
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is larger than 2 MiB.",
            )
            .into_response(),
        ));
    };
    let method = parts.method.as_str().to_owned();
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let fingerprint = idempotency::fingerprint(&method, &path, &bytes);
    let keyed = Keyed {
        token_id,
        key,
        method,
        path,
        fingerprint,
    };
    Ok((Request::from_parts(parts, Body::from(bytes)), Some(keyed)))
}

/// Runs one write request in its transaction (see [`transactional`]).
async fn write(db: Db, mut request: Request, keyed: Option<Keyed>, next: Next) -> Response {
    let txn = match db.begin().await {
        Ok(txn) => Arc::new(txn),
        Err(err) => return Problem::from(tandem_domain::Error::from(err)).into_response(),
    };
    let claim = match &keyed {
        None => None,
        Some(k) => {
            let now = chrono::Utc::now();
            let claimed = idempotency::claim(
                &*txn,
                k.token_id,
                &k.key,
                &k.method,
                &k.path,
                &k.fingerprint,
                now,
            )
            .await;
            match claimed {
                Ok(Claim::Fresh(id)) => Some(id),
                Ok(Claim::Replay { status, body }) => {
                    roll_back(txn).await;
                    return replay(status, body);
                }
                Err(err) => {
                    roll_back(txn).await;
                    return Problem::from(err).into_response();
                }
            }
        }
    };
    request.extensions_mut().insert(Txn(Arc::clone(&txn)));
    let response = next.run(request).await;
    let commits =
        response.status().is_success() || response.extensions().get::<KeptRefusal>().is_some();
    if !commits {
        roll_back(txn).await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        roll_back(txn).await;
        return server_error();
    };
    if let Some(id) = claim {
        let text = String::from_utf8_lossy(&bytes);
        let kept = idempotency::complete(&*txn, id, parts.status.as_u16(), &text).await;
        if let Err(err) = kept {
            roll_back(txn).await;
            return Problem::from(err).into_response();
        }
    }
    // The handler has returned, so this is the last handle.
    let committed = match Arc::try_unwrap(txn) {
        Ok(txn) => txn.commit().await.map_err(tandem_domain::Error::from),
        Err(_) => Err(tandem_domain::Error::Internal(
            "a write's transaction outlived its handler".into(),
        )),
    };
    match committed {
        Ok(()) => Response::from_parts(parts, Body::from(bytes)),
        // Nothing was saved: the client may retry with the same key.
        Err(err) => Problem::from(err).into_response(),
    }
}

/// Undoes a write (its key included).
async fn roll_back(txn: Arc<DatabaseTransaction>) {
    // A handle still held elsewhere rolls back when it is dropped.
    if let Ok(txn) = Arc::try_unwrap(txn) {
        if let Err(err) = txn.rollback().await {
            tracing::warn!(%err, "cannot roll a write back");
        }
    }
}

/// A 500 that says nothing about the cause (logged by the caller).
fn server_error() -> Response {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on the server; it has been logged.",
    )
    .into_response()
}

/// The first answer to a key, again (a kept refusal is a problem).
fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        problem::PROBLEM_JSON
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
