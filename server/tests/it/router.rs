use std::time::Duration;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use tandem_app::ssr::AppState;
use tandem_domain::testing::TestDb;
use tandem_server::{
    config::ServeArgs,
    router::{self, RouterConfig},
    serve,
};
use tower::ServiceExt;

use crate::TestResult;

async fn app() -> Result<(Router, TestDb), Box<dyn std::error::Error + Send + Sync>> {
    let db = TestDb::new().await?;
    let args = ServeArgs::from_env()?;
    let state = AppState {
        db: db.conn.clone(),
        leptos_options: serve::leptos_options(&args),
    };
    let router = router::build(
        state,
        &RouterConfig {
            request_timeout: Duration::from_secs(30),
        },
    );
    Ok((router, db))
}

async fn get(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<(StatusCode, http::HeaderMap, String), Box<dyn std::error::Error + Send + Sync>> {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router.clone().oneshot(request.body(Body::empty())?).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok((
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

#[tokio::test]
async fn healthz_and_readyz_answer() -> TestResult {
    let (router, _db) = app().await?;
    let (status, _, body) = get(&router, "/healthz", &[]).await?;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, _, body) = get(&router, "/readyz", &[]).await?;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
    Ok(())
}

#[tokio::test]
async fn readyz_reports_503_when_the_database_is_gone() -> TestResult {
    let (router, db) = app().await?;
    // Closing any handle closes the shared pool.
    db.conn.clone().close().await?;
    let (status, _, _) = get(&router, "/readyz", &[]).await?;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // Liveness does not depend on the database.
    let (status, _, _) = get(&router, "/healthz", &[]).await?;
    assert_eq!(status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_with_latency_and_pool() -> TestResult {
    let (router, _db) = app().await?;
    get(&router, "/healthz", &[]).await?;
    get(&router, "/no-such-page", &[]).await?;
    let (status, headers, body) = get(&router, "/metrics", &[]).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()?
        .starts_with("text/plain"));
    assert!(
        body.lines().any(|l| l.starts_with("http_requests_total{")
            && l.contains(r#"route="/healthz""#)
            && l.contains(r#"status="200""#)),
        "{body}"
    );
    assert!(
        body.lines()
            .any(|l| l.starts_with("http_requests_total{") && l.contains(r#"status="404""#)),
        "{body}"
    );
    assert!(
        body.contains("http_request_duration_seconds_bucket{"),
        "{body}"
    );
    assert!(body.contains("db_pool_connections "), "{body}");
    assert!(body.contains("db_pool_connections_in_use "), "{body}");
    Ok(())
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_in_english() -> TestResult {
    let (router, _db) = app().await?;
    let (status, headers, body) =
        get(&router, "/", &[("accept-language", "en-GB,en;q=0.8")]).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers.contains_key("x-request-id"),
        "every response carries a request id"
    );
    assert!(body.contains("Welcome to Tandem"), "{body}");
    assert!(body.contains(r#"id="side-nav""#));
    assert!(body.contains("<main"));
    assert!(
        body.contains("/pkg/tandem.js"),
        "the page loads its hydration script"
    );
    Ok(())
}

#[tokio::test]
async fn accept_language_chinese_renders_the_chinese_shell() -> TestResult {
    let (router, _db) = app().await?;
    let (status, _, body) = get(&router, "/", &[("accept-language", "zh-CN,zh;q=0.9")]).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("欢迎使用 Tandem"), "{body}");
    assert!(body.contains("客户"));
    Ok(())
}

#[tokio::test]
async fn an_unknown_page_is_a_styled_404() -> TestResult {
    let (router, _db) = app().await?;
    let (status, _, body) = get(&router, "/definitely/not/here", &[]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found"), "{body}");
    assert!(
        body.contains(r#"id="side-nav""#),
        "the 404 page keeps the shell"
    );
    Ok(())
}

#[tokio::test]
async fn the_status_server_function_answers_json() -> TestResult {
    let (router, _db) = app().await?;
    let request = Request::post("/api/system/status")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())?;
    let response = router.clone().oneshot(request).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await?.to_bytes();
    let value: serde_json::Value = serde_json::from_slice(&body)?;
    assert_eq!(value["database_ok"], true);
    assert_eq!(value["engine"], tandem_domain::testing::engine_name());
    Ok(())
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() -> TestResult {
    let (router, _db) = app().await?;
    let (status, headers, _) = get(&router, "/", &[("accept-encoding", "gzip")]).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str())
            .transpose()?,
        Some("gzip")
    );
    Ok(())
}
