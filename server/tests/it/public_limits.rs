//! The anonymous endpoints under hostile input: oversized bodies are 413
//! before anything parses them, oversized queries and credentials are
//! refused before any work, and each client address has its own rate
//! limit (429), so one caller cannot slow everyone else down.

use std::{net::SocketAddr, time::Duration};
use tandem_domain::testing::db_test;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tandem_domain::{
    access::rate_limit::{Limiter, PublicLimits},
    integration::webhooks::Net,
};
use tandem_server::router::RouterConfig;
use tower::ServiceExt;

use crate::{
    support::{BoxResult, Reply, TestApp, ADMIN_EMAIL},
    TestResult,
};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const SEARCH: &str = "/api/knowledge/search";
const LOGIN: &str = "/api/auth/login";

/// Calls a server function as a browser at `addr` would (the address as
/// the listener reports it), optionally declaring the body's length.
async fn call(
    app: &TestApp,
    addr: &str,
    path: &str,
    content_type: &str,
    body: String,
    declare_length: bool,
) -> BoxResult<Reply> {
    let mut request = Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, JSON);
    if declare_length {
        request = request.header(header::CONTENT_LENGTH, body.len());
    }
    let address: SocketAddr = format!("{addr}:40000").parse()?;
    let request = request
        .extension(ConnectInfo(address))
        .body(Body::from(body))?;
    read(app, request).await
}

/// Sends `request` to the app and reads the whole answer.
async fn read(app: &TestApp, request: Request<Body>) -> BoxResult<Reply> {
    let response = app.router.clone().oneshot(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn search_body(q: &str) -> BoxResult<String> {
    Ok(serde_json::to_string(&serde_json::json!({
        "q": q, "category": "", "language": "", "drafts": false
    }))?)
}

fn login_body(email: &str, password: &str) -> String {
    let encode = |s: &str| {
        s.replace('%', "%25")
            .replace('@', "%40")
            .replace('&', "%26")
    };
    format!("email={}&password={}", encode(email), encode(password))
}

#[db_test]
async fn a_two_megabyte_body_is_413_before_it_is_parsed() -> TestResult {
    let app = TestApp::new().await?;
    let huge = search_body(&"return ".repeat(2 * 1024 * 1024 / 7))?;
    assert!(huge.len() > 2 * 1024 * 1024);
    // Declared length: refused at once. Undeclared: refused once the
    // limit has arrived. Either way before the JSON is parsed.
    for declare in [true, false] {
        let reply = call(&app, "203.0.113.1", SEARCH, JSON, huge.clone(), declare).await?;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{declare}");
    }
    // Every server function, public or not, and the sign-in form alike.
    let password = "p".repeat(2 * 1024 * 1024);
    for (path, content_type, body) in [
        (LOGIN, FORM, login_body(ADMIN_EMAIL, &password)),
        ("/api/support/submit", JSON, huge.clone()),
        ("/api/customers/list", FORM, huge.clone()),
    ] {
        let reply = call(&app, "203.0.113.1", path, content_type, body, true).await?;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    // An ordinary body still goes through.
    let reply = call(
        &app,
        "203.0.113.1",
        SEARCH,
        JSON,
        search_body("return")?,
        true,
    )
    .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    Ok(())
}

#[db_test]
async fn hostile_searches_are_refused_and_ordinary_ones_answer() -> TestResult {
    let app = TestApp::new().await?;
    let thousand_terms = (0..1000)
        .map(|i| format!("t{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    for q in [
        thousand_terms,
        "return ".repeat(50_000),
        "ab ".repeat(11),
        "x".repeat(51),
    ] {
        let reply = call(&app, "203.0.113.2", SEARCH, JSON, search_body(&q)?, true).await?;
        assert!(
            reply.status.is_client_error(),
            "{} {}",
            reply.status,
            reply.body
        );
        assert!(reply.body.contains("\"q\""), "{}", reply.body);
    }
    let reply = call(
        &app,
        "203.0.113.2",
        SEARCH,
        JSON,
        search_body("how do I return goods")?,
        true,
    )
    .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("How to return goods"), "{}", reply.body);
    Ok(())
}

#[db_test]
async fn one_address_over_its_limit_gets_429_while_another_goes_on() -> TestResult {
    let hour = Duration::from_secs(3600);
    let app = TestApp::with_limits(PublicLimits::new(
        Limiter::new(2, hour),
        Limiter::new(3, hour),
        Limiter::new(1, hour),
    ))
    .await?;
    let (a, b) = ("198.51.100.10", "198.51.100.11");
    // Reads: the help centre's search, three per address.
    for _ in 0..3 {
        let reply = call(&app, a, SEARCH, JSON, search_body("return")?, true).await?;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let limited = call(&app, a, SEARCH, JSON, search_body("return")?, true).await?;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    // The same bucket covers the other public reads.
    let article = call(
        &app,
        a,
        "/api/knowledge/categories",
        JSON,
        "{}".into(),
        true,
    )
    .await?;
    assert_eq!(article.status, StatusCode::TOO_MANY_REQUESTS);
    let other = call(&app, b, SEARCH, JSON, search_body("return")?, true).await?;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    // Sign-in: two attempts per address, whether right or wrong.
    let wrong = login_body(ADMIN_EMAIL, "not-the-password-1");
    for _ in 0..2 {
        let reply = call(&app, a, LOGIN, FORM, wrong.clone(), true).await?;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
    }
    let limited = call(&app, a, LOGIN, FORM, wrong.clone(), true).await?;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let other = call(&app, b, LOGIN, FORM, wrong, true).await?;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Submissions: the support form and ratings share one per address.
    let form = serde_json::json!({"form": {"name": "", "email": "", "order_number": "",
        "subject": "", "description": "", "website": ""}})
    .to_string();
    let first = call(&app, a, "/api/support/submit", JSON, form.clone(), true).await?;
    assert_eq!(
        first.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        first.body
    );
    let rating = serde_json::json!({"token": "nope", "score": 5, "comment": ""}).to_string();
    let limited = call(&app, a, "/api/rate/submit", JSON, rating, true).await?;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let other = call(&app, b, "/api/support/submit", JSON, form, true).await?;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[db_test]
async fn oversized_credentials_are_refused_without_checking_the_password() -> TestResult {
    use tandem_domain::entities::users;
    let app = TestApp::new().await?;
    let failures = || async {
        Ok::<_, sea_orm::DbErr>(
            users::Entity::find()
                .filter(users::Column::EmailKey.eq(ADMIN_EMAIL))
                .one(&app.db.conn)
                .await?
                .map(|u| u.failed_logins),
        )
    };
    let long_email = format!("{}@example.com", "a".repeat(300));
    let reply = call(
        &app,
        "203.0.113.3",
        LOGIN,
        FORM,
        login_body(&long_email, "x-password-1"),
        true,
    )
    .await?;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("\"email\""), "{}", reply.body);
    let reply = call(
        &app,
        "203.0.113.3",
        LOGIN,
        FORM,
        login_body(ADMIN_EMAIL, &"p".repeat(100_000)),
        true,
    )
    .await?;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("\"password\""), "{}", reply.body);
    // Neither reached the password check: nothing was counted against the account.
    assert_eq!(failures().await?, Some(0));
    let reply = call(
        &app,
        "203.0.113.3",
        LOGIN,
        FORM,
        login_body(ADMIN_EMAIL, "not-the-password-1"),
        true,
    )
    .await?;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(failures().await?, Some(1));
    Ok(())
}

/// A failed sign-in (an unknown account) arriving over TCP from `peer`,
/// with these `X-Forwarded-For` headers; its status.
async fn sign_in_via(app: &TestApp, peer: &str, forwarded_for: &[&str]) -> BoxResult<StatusCode> {
    let mut request = Request::post(LOGIN)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, FORM)
        .header(header::ACCEPT, JSON);
    for value in forwarded_for {
        request = request.header("x-forwarded-for", *value);
    }
    let peer: SocketAddr = format!("{peer}:40000").parse()?;
    let request = request
        .extension(ConnectInfo(peer))
        .body(Body::from(login_body(
            "nobody@example.com",
            "not-the-password-1",
        )))?;
    Ok(read(app, request).await?.status)
}

#[db_test]
async fn behind_a_trusted_proxy_each_client_has_its_own_allowance_and_forgers_none() -> TestResult {
    let hour = Duration::from_secs(3600);
    let config = RouterConfig {
        trusted_proxies: vec!["10.0.0.0/8".parse::<Net>()?],
        ..RouterConfig::local()
    };
    let app = TestApp::with_limits_and_config(
        PublicLimits::new(Limiter::new(2, hour), Limiter::off(), Limiter::off()),
        &config,
    )
    .await?;
    let (proxy, a, b) = ("10.0.0.1", "198.51.100.20", "198.51.100.21");
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    // Two clients behind one proxy: each gets its own two attempts.
    for client in [a, b] {
        for _ in 0..2 {
            assert_eq!(
                sign_in_via(&app, proxy, &[client]).await?,
                refused,
                "{client}"
            );
        }
        let limited = sign_in_via(&app, proxy, &[client]).await?;
        assert_eq!(limited, StatusCode::TOO_MANY_REQUESTS, "{client}");
    }
    // Through two proxies the client is still the one they forwarded.
    let chained = sign_in_via(&app, proxy, &["198.51.100.22", "10.0.0.2"]).await?;
    assert_eq!(chained, refused);
    // A client behind the proxy writing its own header is still itself.
    let spoofed = format!("198.51.100.40, {a}");
    let limited = sign_in_via(&app, proxy, &[spoofed.as_str()]).await?;
    assert_eq!(limited, StatusCode::TOO_MANY_REQUESTS);
    // A peer that is not a trusted proxy: its header is ignored, however
    // many addresses it makes up.
    let forger = "203.0.113.50";
    for made_up in ["198.51.100.30", "198.51.100.31"] {
        assert_eq!(sign_in_via(&app, forger, &[made_up]).await?, refused);
    }
    let limited = sign_in_via(&app, forger, &["198.51.100.32"]).await?;
    assert_eq!(limited, StatusCode::TOO_MANY_REQUESTS);
    // The audit log names the clients, never the proxy or a made-up address.
    use tandem_domain::entities::audit_events;
    let mut recorded: Vec<String> = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("login.failed"))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .filter_map(|event| event.client_addr)
        .collect();
    recorded.sort();
    recorded.dedup();
    assert_eq!(recorded, [a, b, "198.51.100.22", forger]);
    Ok(())
}
