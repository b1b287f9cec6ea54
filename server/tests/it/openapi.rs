//! The OpenAPI document is exact. Every operation is driven into each
//! answer it can give: no token, a token without the permission, a body of
//! another content type or none, malformed and mistyped JSON, a body over
//! the limit, a bad `Idempotency-Key`, ids that do not exist in the path and
//! in the body, invalid input and success. Every status seen must be
//! documented for that operation, and the statuses documented by the
//! operation's kind (400, 404, 413, 415) must be ones it really gives.

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::{
    api::{cases, MISSING},
    support::{BoxResult, TestApp, ADMIN_EMAIL},
    TestResult,
};

const JSON: &str = "application/json";

/// One request to the API, as another system would send it.
struct Call<'a> {
    method: &'a str,
    path: &'a str,
    token: Option<&'a str>,
    content_type: Option<&'a str>,
    body: Option<String>,
    key: Option<&'a str>,
}

async fn status_of(app: &TestApp, call: Call<'_>) -> BoxResult<StatusCode> {
    let mut request = Request::builder()
        .method(call.method)
        .uri(call.path)
        .header(header::HOST, "localhost")
        .header(header::ACCEPT, JSON);
    if let Some(token) = call.token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(content_type) = call.content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(key) = call.key {
        request = request.header("Idempotency-Key", key);
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::from(call.body.unwrap_or_default()))?)
        .await?;
    let status = response.status();
    // Read whole, so a failure while writing the answer shows too.
    response.into_body().collect().await?;
    Ok(status)
}

/// The body with each id it names (at the top and in its first line) set
/// to one that does not exist, in turn.
fn with_missing_ids(body: &str) -> Vec<(String, String)> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (field, value) in &map {
        if field.ends_with("_id") && value.is_i64() {
            let mut changed = map.clone();
            changed.insert(field.clone(), json!(MISSING));
            out.push((field.clone(), Value::Object(changed).to_string()));
        }
    }
    if let Some(Value::Object(line)) = map.get("lines").and_then(|l| l.get(0)) {
        for (field, value) in line {
            if field.ends_with("_id") && value.is_i64() {
                let mut changed_line = line.clone();
                changed_line.insert(field.clone(), json!(MISSING));
                let mut changed = map.clone();
                changed.insert("lines".into(), json!([changed_line]));
                out.push((
                    format!("lines.0.{field}"),
                    Value::Object(changed).to_string(),
                ));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_status_an_operation_answers_is_documented_and_no_other_by_kind() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let unrelated = app.token(ADMIN_EMAIL, Some(&["knowledge.read"])).await?;
    let doc: Value = serde_json::from_str(
        &app.api("GET", "/api/v1/openapi.json", None, None, None)
            .await?
            .body,
    )?;
    let over_limit = json!({ "notes": "x".repeat(3 * 1024 * 1024) }).to_string();
    let mut failures = Vec::new();
    let mut probes = 0;
    for c in cases(&app, &admin).await? {
        let (method, template) = c.operation.split_once(' ').ok_or("bad operation name")?;
        let operation = &doc["paths"][template][method];
        let documented: BTreeSet<String> = operation["responses"]
            .as_object()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        let has_body = operation.get("requestBody").is_some();
        let has_query = operation["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
        let writes = c.method != "GET";
        let body = c.body.clone().or_else(|| has_body.then(|| "{}".to_owned()));
        let content_type = body.as_ref().map(|_| JSON);
        // The valid request, without a token; each probe changes a part.
        let call = || Call {
            method: c.method,
            path: &c.path,
            token: None,
            content_type,
            body: body.clone(),
            key: None,
        };
        // (what was tried, the status it got)
        let mut seen: Vec<(String, StatusCode)> =
            vec![("no token".into(), status_of(&app, call()).await?)];
        let as_unrelated = Call {
            token: Some(unrelated.as_str()),
            ..call()
        };
        seen.push(("no permission".into(), status_of(&app, as_unrelated).await?));
        if has_body {
            for (what, content_type, text) in [
                ("a text/plain body", Some("text/plain"), body.clone()),
                ("no content type", None, body.clone()),
                ("malformed JSON", Some(JSON), Some("{,}".to_owned())),
                ("mistyped JSON", Some(JSON), Some("42".to_owned())),
            ] {
                let status = status_of(
                    &app,
                    Call {
                        token: Some(admin.as_str()),
                        content_type,
                        body: text,
                        ..call()
                    },
                )
                .await?;
                seen.push((what.into(), status));
            }
        }
        if has_query {
            let separator = if c.path.contains('?') { '&' } else { '?' };
            let path = format!("{}{separator}limit=many", c.path);
            let status = status_of(
                &app,
                Call {
                    path: &path,
                    token: Some(admin.as_str()),
                    ..call()
                },
            )
            .await?;
            seen.push(("a mistyped query parameter".into(), status));
        }
        if writes {
            for (what, key, text) in [
                ("a bad Idempotency-Key", "not a key", body.clone()),
                (
                    "a keyed body over 2 MiB",
                    "big-body",
                    Some(over_limit.clone()),
                ),
            ] {
                let status = status_of(
                    &app,
                    Call {
                        token: Some(admin.as_str()),
                        content_type: Some(JSON),
                        body: text,
                        key: Some(key),
                        ..call()
                    },
                )
                .await?;
                seen.push((what.into(), status));
            }
        }
        if let Some(path) = &c.missing {
            let status = status_of(
                &app,
                Call {
                    path,
                    token: Some(admin.as_str()),
                    ..call()
                },
            )
            .await?;
            seen.push(("a missing record in the path".into(), status));
        }
        for (field, text) in body.as_deref().map(with_missing_ids).unwrap_or_default() {
            let status = status_of(
                &app,
                Call {
                    token: Some(admin.as_str()),
                    body: Some(text),
                    ..call()
                },
            )
            .await?;
            seen.push((format!("a missing `{field}`"), status));
        }
        if let Some((path, bad, _)) = &c.bad {
            let status = status_of(
                &app,
                Call {
                    path,
                    token: Some(admin.as_str()),
                    content_type: bad.as_ref().map(|_| JSON),
                    body: bad.clone(),
                    key: None,
                    method: c.method,
                },
            )
            .await?;
            seen.push(("invalid input".into(), status));
        }
        let valid = Call {
            token: Some(admin.as_str()),
            ..call()
        };
        seen.push(("a valid request".into(), status_of(&app, valid).await?));

        probes += seen.len();
        let got: BTreeSet<String> = seen.iter().map(|(_, s)| s.as_str().to_owned()).collect();
        for (what, status) in &seen {
            if status.is_server_error() {
                failures.push(format!("{} with {what}: {status}", c.operation));
            } else if !documented.contains(status.as_str()) {
                failures.push(format!(
                    "{} with {what}: {status}, documented only {documented:?}",
                    c.operation
                ));
            }
        }
        // What the document promises by kind, the operation really does.
        let by_kind = [
            ("400", has_body || has_query),
            ("404", c.missing.is_some() || documented.contains("404")),
            ("413", writes),
            ("415", has_body),
        ];
        for (status, expected) in by_kind {
            if documented.contains(status) != expected {
                failures.push(format!(
                    "{} documents {status}: {}, expected {expected}",
                    c.operation,
                    documented.contains(status)
                ));
            }
            if expected && !got.contains(status) {
                failures.push(format!(
                    "{} documents {status} but never answered it: {seen:?}",
                    c.operation
                ));
            }
        }
    }
    eprintln!("openapi exactness: {probes} requests");
    assert!(
        failures.is_empty(),
        "{} differences between the answers and the document:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}
