//! Request-level security: cross-origin refusal for state-changing requests
//! (CSRF) and the security headers on every response.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The allowed origin (scheme://host[:port]) for state-changing requests.
#[derive(Clone, Debug)]
pub struct AllowedOrigin(pub String);

/// The fallback CSP for responses that set none (pages set their own, with a nonce).
pub const DEFAULT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization())
}

/// Middleware: refuses POST/PUT/PATCH/DELETE whose `Origin` (or, lacking
/// it, `Referer`) is neither the configured public origin nor the origin
/// the request was addressed to. Requests carrying neither header are refused.
pub async fn refuse_cross_origin(
    State(allowed): State<AllowedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
        });
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let same_host = |origin: &str| {
        host.is_some_and(|host| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        })
    };
    match claimed {
        Some(origin) if origin == allowed.0 || same_host(&origin) => next.run(request).await,
        _ => {
            tracing::warn!(path = %request.uri().path(), "refused a cross-origin state-changing request");
            (StatusCode::FORBIDDEN, "cross-origin request refused").into_response()
        }
    }
}

/// Middleware: security headers on every response.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        );
    }
    response
}
