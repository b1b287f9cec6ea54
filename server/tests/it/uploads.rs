//! The CSV upload: who may upload is settled before the body is read, and
//! a body past the limit is refused (413) without being read whole.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};
use tandem_domain::testing::db_test;

use axum::{
    body::{Body, Bytes},
    http::{header, Request, StatusCode},
};
use futures_util::{stream, StreamExt};
use tandem_domain::access::builtin::BuiltinRole;
use tower::ServiceExt;

use crate::{
    support::{TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

const BOUNDARY: &str = "tandem-test-boundary";
const MIB: usize = 1024 * 1024;

fn file_part_head() -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncustomers\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nname\r\n"
    )
}

/// A multipart body of `mib` MiB that counts the chunks read from it.
fn counted_body(mib: usize, read: Arc<AtomicUsize>) -> Body {
    let chunks = stream::iter(0..=mib).map(move |n| {
        read.fetch_add(1, Ordering::SeqCst);
        let chunk = if n == 0 {
            Bytes::from(file_part_head())
        } else {
            Bytes::from(vec![b'a'; MIB])
        };
        Ok::<_, std::io::Error>(chunk)
    });
    Body::from_stream(chunks)
}

/// Posts `body` to the upload as a same-origin browser form would.
async fn post(
    app: &TestApp,
    cookie: Option<&str>,
    declared_length: Option<usize>,
    body: Body,
) -> Result<StatusCode, Box<dyn std::error::Error + Send + Sync>> {
    let mut request = Request::post("/admin/files/import")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Some(length) = declared_length {
        request = request.header(header::CONTENT_LENGTH, length.to_string());
    }
    Ok(app
        .router
        .clone()
        .oneshot(request.body(body)?)
        .await?
        .status())
}

#[db_test]
async fn uploads_by_the_anonymous_or_unpermitted_are_refused_unread() -> TestResult {
    let app = TestApp::new().await?;
    let sales = app.login_as(BuiltinRole::Sales).await?;
    for (cookie, expected) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(sales.as_str()), StatusCode::FORBIDDEN),
    ] {
        for declared in [Some(64 * MIB), None] {
            let read = Arc::new(AtomicUsize::new(0));
            let status = post(&app, cookie, declared, counted_body(64, read.clone())).await?;
            assert_eq!(status, expected, "{cookie:?} {declared:?}");
            assert_eq!(
                read.load(Ordering::SeqCst),
                0,
                "not a byte of the body is read for {cookie:?}"
            );
        }
    }
    Ok(())
}

#[db_test]
async fn an_upload_past_the_limit_is_413_and_is_not_read_whole() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.login(ADMIN_EMAIL, PASSWORD).await?;
    // Declared too large: refused before reading.
    let read = Arc::new(AtomicUsize::new(0));
    let status = post(
        &app,
        Some(&admin),
        Some(65 * MIB),
        counted_body(65, read.clone()),
    )
    .await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(read.load(Ordering::SeqCst), 0);
    // Not declared (chunked) and growing past the limit: cut off there.
    let read = Arc::new(AtomicUsize::new(0));
    let status = post(&app, Some(&admin), None, counted_body(100, read.clone())).await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let chunks = read.load(Ordering::SeqCst);
    assert!(chunks <= 70, "read {chunks} MiB of 100");
    Ok(())
}

#[db_test]
async fn a_permitted_upload_still_arrives() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncustomers\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nname,email\r\nAcme Upload Ltd,acme@example.com\r\n\
         --{BOUNDARY}--\r\n"
    );
    let length = body.len();
    let request = Request::post("/admin/files/import")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, &admin)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::CONTENT_LENGTH, length.to_string())
        .body(Body::from(body))?;
    let response = app.router.clone().oneshot(request).await?;
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        location.starts_with("/admin/import?kind=customers&upload="),
        "{location}"
    );
    Ok(())
}
