use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::{
    support::{TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

#[tokio::test]
async fn healthz_and_readyz_answer() -> TestResult {
    let app = TestApp::new().await?;
    let health = app.get("/healthz", None).await?;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    let ready = app.get("/readyz", None).await?;
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (StatusCode::OK, "ready")
    );
    Ok(())
}

#[tokio::test]
async fn readyz_reports_503_when_the_database_is_gone() -> TestResult {
    let app = TestApp::new().await?;
    // Closing any handle closes the shared pool.
    app.db.conn.clone().close().await?;
    assert_eq!(
        app.get("/readyz", None).await?.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Liveness does not depend on the database.
    assert_eq!(app.get("/healthz", None).await?.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_with_latency_and_pool() -> TestResult {
    let app = TestApp::new().await?;
    app.get("/healthz", None).await?;
    app.get("/no-such-page", None).await?;
    let metrics = app.get("/metrics", None).await?;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.headers[header::CONTENT_TYPE]
        .to_str()?
        .starts_with("text/plain"));
    let body = metrics.body;
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
async fn the_home_page_is_rendered_on_the_server_for_a_signed_in_user() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let page = app.get("/", Some(&cookie)).await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers.contains_key("x-request-id"),
        "every response carries a request id"
    );
    assert!(page.body.contains("Welcome to Tandem"), "{}", page.body);
    assert!(page.body.contains(r#"id="side-nav""#));
    assert!(page.body.contains("<main"));
    assert!(
        page.body.contains("/pkg/tandem.js"),
        "the page loads its hydration script"
    );
    Ok(())
}

#[tokio::test]
async fn accept_language_chinese_renders_the_chinese_shell() -> TestResult {
    let app = TestApp::new().await?;
    let request = Request::get("/login")
        .header(header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9")
        .body(Body::empty())?;
    let response = app.router.clone().oneshot(request).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body =
        String::from_utf8_lossy(&response.into_body().collect().await?.to_bytes()).into_owned();
    assert!(body.contains("电子邮件"), "{body}");
    assert!(body.contains(r#"lang="zh""#), "{body}");
    Ok(())
}

#[tokio::test]
async fn an_unknown_page_is_a_styled_404() -> TestResult {
    let app = TestApp::new().await?;
    let page = app.get("/definitely/not/here", None).await?;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found"), "{}", page.body);
    assert!(
        page.body.contains("top-bar"),
        "the 404 page keeps the shell"
    );
    Ok(())
}

#[tokio::test]
async fn the_status_server_function_answers_json_to_a_signed_in_user() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let reply = app
        .send(
            "POST",
            "/api/system/status",
            Some(&cookie),
            Some("application/x-www-form-urlencoded"),
            "",
        )
        .await?;
    assert_eq!(reply.status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&reply.body)?;
    assert_eq!(value["database_ok"], true);
    assert_eq!(value["engine"], tandem_domain::testing::engine_name());
    Ok(())
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() -> TestResult {
    let app = TestApp::new().await?;
    let request = Request::get("/login")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())?;
    let response = app.router.clone().oneshot(request).await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str())
            .transpose()?,
        Some("gzip")
    );
    Ok(())
}
