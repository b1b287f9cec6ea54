use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use tandem_domain::access::builtin::BuiltinRole;
use tandem_domain::testing::db_test;
use tandem_server::{metrics::MetricsToken, router::RouterConfig};
use tower::ServiceExt;

use crate::{
    support::{TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

const METRICS_TOKEN: &str = "scrape-token-0123456789abcdef";

/// An app whose `/metrics` answers to [`METRICS_TOKEN`].
async fn with_metrics_token() -> Result<TestApp, Box<dyn std::error::Error + Send + Sync>> {
    TestApp::with_router_config(
        chrono::Duration::days(7),
        &RouterConfig {
            metrics_token: MetricsToken::new(METRICS_TOKEN),
            ..RouterConfig::local()
        },
    )
    .await
}

#[db_test]
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

#[db_test]
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
    let app = with_metrics_token().await?;
    app.get("/healthz", None).await?;
    app.get("/no-such-page", None).await?;
    let metrics = app
        .api("GET", "/metrics", Some(METRICS_TOKEN), None, None)
        .await?;
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

#[db_test]
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

#[db_test]
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

#[db_test]
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

#[db_test]
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

#[db_test]
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

#[db_test]
async fn a_missing_record_page_answers_404_every_time() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app
        .login(crate::support::ADMIN_EMAIL, crate::support::PASSWORD)
        .await?;
    let pages = [
        "/customers/88881",
        "/customers/88881/edit",
        "/leads/88881",
        "/opportunities/88881",
        "/orders/88881",
        "/orders/88881/edit",
        "/shipments/88881",
        "/products/88881",
        "/purchase-orders/88881",
        "/suppliers/88881",
        "/invoices/88881",
        "/tickets/88881",
        "/admin/users/88881",
        "/admin/roles/88881",
        "/reports/inbox/88881",
    ];
    // Rendering streams: the status must not depend on how fast the
    // record's lookup answers, so each page is loaded several times.
    for page in pages {
        for _ in 0..6 {
            let reply = app.get(page, Some(&admin)).await?;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{page}");
            assert!(reply.body.contains("not-found"), "{page}");
        }
    }
    // A record outside a sales user's scope is a 404 too, every time.
    let sales = app.login_as(BuiltinRole::Sales).await?;
    let admin_actor = app.admin().await?;
    let foreign = tandem_domain::crm::customers::create(
        &app.db.conn,
        &admin_actor,
        &tandem_domain::crm::customers::CustomerInput {
            kind: "company".into(),
            name: "Not yours GmbH".into(),
            currency: "EUR".into(),
            payment_terms_days: 30,
            ..Default::default()
        },
    )
    .await?;
    for _ in 0..6 {
        let reply = app
            .get(&format!("/customers/{}", foreign.id), Some(&sales))
            .await?;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    Ok(())
}

#[db_test]
async fn metrics_are_served_only_to_the_operator() -> TestResult {
    // No token configured: the portal's address has no `/metrics` at all,
    // not even for an administrator or a made-up token.
    let app = TestApp::new().await?;
    let admin = app.login(ADMIN_EMAIL, PASSWORD).await?;
    assert_eq!(
        app.get("/metrics", None).await?.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/metrics", Some(&admin)).await?.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.api("GET", "/metrics", Some(METRICS_TOKEN), None, None)
            .await?
            .status,
        StatusCode::NOT_FOUND
    );

    // A token configured: only its bearer reads the metrics.
    let app = with_metrics_token().await?;
    let admin = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let anonymous = app.get("/metrics", None).await?;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(!anonymous.body.contains("http_requests_total"));
    assert_eq!(
        anonymous
            .headers
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    assert_eq!(
        app.get("/metrics", Some(&admin)).await?.status,
        StatusCode::UNAUTHORIZED,
        "a session is not the operator's token"
    );
    let wrong = [
        "",
        "scrape-token",
        "scrape-token-0123456789abcdeF",
        "scrape-token-0123456789abcdef0",
        "xscrape-token-0123456789abcdef",
    ];
    for token in wrong {
        let reply = app.api("GET", "/metrics", Some(token), None, None).await?;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
    }
    for scheme in ["Basic", "Token", ""] {
        let request = Request::get("/metrics")
            .header(header::AUTHORIZATION, format!("{scheme} {METRICS_TOKEN}"))
            .body(Body::empty())?;
        let response = app.router.clone().oneshot(request).await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{scheme:?}");
    }
    let request = Request::get("/metrics")
        .header(header::AUTHORIZATION, format!("bearer {METRICS_TOKEN}"))
        .body(Body::empty())?;
    let response = app.router.clone().oneshot(request).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body =
        String::from_utf8_lossy(&response.into_body().collect().await?.to_bytes()).into_owned();
    assert!(body.contains("http_requests_total"), "{body}");
    Ok(())
}

#[db_test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_render_while_server_functions_run_beside_them() -> TestResult {
    // A server function call installs its own reactive storage on the
    // worker thread it runs on; a page resumed on that thread must still
    // render (it answered 500, "already been disposed", under load).
    let app = std::sync::Arc::new(TestApp::new().await?);
    let cookie = app
        .login(crate::support::ADMIN_EMAIL, crate::support::PASSWORD)
        .await?;
    let mut tasks = Vec::new();
    for round in 0..40 {
        let (caller, session) = (std::sync::Arc::clone(&app), cookie.clone());
        tasks.push(tokio::spawn(async move {
            let body = format!("{{\"id\":{}}}", round % 5 + 1);
            let call = caller.send(
                "POST",
                "/api/orders/get",
                Some(&session),
                Some("application/json"),
                &body,
            );
            if round % 4 == 0 {
                // Some callers give up half-way.
                let _ = tokio::time::timeout(std::time::Duration::from_millis(2), call).await;
                return Ok(StatusCode::OK);
            }
            let reply = call.await.map_err(|e| e.to_string())?;
            Ok::<_, String>(reply.status)
        }));
        let (reader, session) = (std::sync::Arc::clone(&app), cookie.clone());
        tasks.push(tokio::spawn(async move {
            let reply = reader
                .get(&format!("/orders/{}", round % 5 + 1), Some(&session))
                .await
                .map_err(|e| e.to_string())?;
            Ok(reply.status)
        }));
    }
    for task in tasks {
        let status = task.await??;
        assert!(!status.is_server_error(), "{status}");
    }
    Ok(())
}
