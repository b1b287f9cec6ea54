//! Malformed and mistyped input never makes a 5xx: every server function
//! and every `/api/v1` operation is called with bodies derived from a valid
//! sample (each field dropped, each value replaced by one of another type,
//! out of range or oversized) and with garbage, by several workers at once.

use std::sync::Arc;
use tandem_domain::testing::db_test;

use axum::http::StatusCode;
use serde_json::{json, Value};
use tandem_app::authz::{server_fns, ServerFnSpec};

use crate::{
    support::{TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

/// Concurrent callers.
const WORKERS: usize = 4;

/// Values of every JSON type, of wrong ranges and sizes, put in place of a
/// well-typed one.
fn hostile_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1.5),
        json!(-1e300),
        json!(""),
        json!("x"),
        json!("1; DROP TABLE users"),
        json!("\u{0}\u{202e}<script>"),
        json!("9".repeat(40)),
        json!("é".repeat(20_000)),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"nested": {"deeper": [1]}}),
    ]
}

/// Raw bodies no decoder accepts, or that are the wrong shape entirely.
const GARBAGE: &[&str] = &[
    "",
    "not json",
    "{",
    "[",
    "null",
    "42",
    "\"text\"",
    "[]",
    "{}",
    "{\"a\":}",
    "%",
    "%ZZ=%",
    "=&=&",
    "\u{0}\u{1}\u{2}",
];

/// Every value in `sample` (recursively) replaced in turn by each hostile
/// value, and every object key dropped in turn.
fn json_mutations(sample: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    mutate(sample, &mut |v| out.push(v), 0);
    out
}

fn mutate(value: &Value, emit: &mut dyn FnMut(Value), depth: usize) {
    if depth > 3 {
        return;
    }
    // Every hostile value at the top level; below it, one of each type
    // (the decoder's work is the same, and CI time is a budget).
    let hostile: Vec<Value> = if depth == 0 {
        hostile_values()
    } else {
        vec![
            Value::Null,
            json!(-1),
            json!(u64::MAX),
            json!("x"),
            json!([]),
            json!({}),
        ]
    };
    match value {
        Value::Object(map) => {
            for key in map.keys() {
                let mut dropped = map.clone();
                dropped.remove(key);
                emit(Value::Object(dropped));
                for hostile in hostile.iter().cloned() {
                    let mut changed = map.clone();
                    changed.insert(key.clone(), hostile);
                    emit(Value::Object(changed));
                }
                let inner = map[key].clone();
                mutate(
                    &inner,
                    &mut |v| {
                        let mut changed = map.clone();
                        changed.insert(key.clone(), v);
                        emit(Value::Object(changed));
                    },
                    depth + 1,
                );
            }
            let mut extra = map.clone();
            extra.insert("unexpected_field".into(), json!("x"));
            emit(Value::Object(extra));
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                mutate(
                    first,
                    &mut |v| {
                        let mut changed = items.clone();
                        changed[0] = v;
                        emit(Value::Array(changed));
                    },
                    depth + 1,
                );
            }
            emit(Value::Array(vec![Value::Null; 3]));
        }
        _ => {}
    }
}

/// Form bodies: each field dropped, emptied, mistyped, oversized or
/// repeated, and an unknown field added.
fn form_mutations(sample: &str) -> Vec<String> {
    let pairs: Vec<(&str, &str)> = sample
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let join = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let long = "a".repeat(20_000);
    let replacements = [
        "",
        "x",
        "-1",
        "99999999999999999999999",
        "1.5",
        "true",
        "%FF%FE",
        "%00",
        long.as_str(),
    ];
    let mut out = Vec::new();
    for i in 0..owned.len() {
        let mut dropped = owned.clone();
        dropped.remove(i);
        out.push(join(&dropped));
        for replacement in replacements {
            let mut changed = owned.clone();
            changed[i].1 = replacement.to_owned();
            out.push(join(&changed));
        }
        let mut repeated = owned.clone();
        repeated.push(owned[i].clone());
        out.push(join(&repeated));
    }
    let mut extra = owned.clone();
    extra.push(("unexpected_field".into(), "x".into()));
    out.push(join(&extra));
    out
}

/// Every body to try on one server function, with its content type.
fn cases(spec: &ServerFnSpec) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = GARBAGE
        .iter()
        .map(|g| (spec.content_type, (*g).to_owned()))
        .collect();
    // The other encoding than the function expects.
    let other = if spec.content_type == "application/json" {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    out.push((other, spec.sample.to_owned()));
    out.push(("text/plain", spec.sample.to_owned()));
    if spec.content_type == "application/json" {
        if let Ok(sample) = serde_json::from_str::<Value>(spec.sample) {
            out.extend(
                json_mutations(&sample)
                    .into_iter()
                    .map(|v| (spec.content_type, v.to_string())),
            );
        }
    } else {
        out.extend(
            form_mutations(spec.sample)
                .into_iter()
                .map(|b| (spec.content_type, b)),
        );
    }
    out
}

/// One fuzzing worker: the calls it made and the ones that answered 5xx.
type Worker = tokio::task::JoinHandle<Result<(usize, Vec<String>), String>>;

/// The workers' calls and failures added up.
async fn gather(workers: Vec<Worker>) -> crate::support::BoxResult<(usize, Vec<String>)> {
    let (mut calls, mut failures) = (0, Vec::new());
    for worker in workers {
        let (n, found) = worker.await??;
        calls += n;
        failures.extend(found);
    }
    Ok((calls, failures))
}

/// Functions that end the caller's session: fuzzed last, each with a
/// session of its own, so they do not sign the other calls out.
pub(crate) fn ends_session(path: &str) -> bool {
    path.contains("logout") || path.contains("sessions") || path.contains("password")
}

#[db_test]
async fn no_server_function_answers_malformed_input_with_a_5xx() -> TestResult {
    let app = Arc::new(TestApp::new().await?);
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let all = server_fns();
    let specs: Vec<&'static ServerFnSpec> = all
        .iter()
        .copied()
        .filter(|s| !ends_session(s.path))
        .collect();
    let chunk = specs.len().div_ceil(WORKERS);
    let mut workers = Vec::new();
    for part in specs.chunks(chunk) {
        let part: Vec<&'static ServerFnSpec> = part.to_vec();
        let (app, cookie) = (Arc::clone(&app), cookie.clone());
        workers.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            let mut calls = 0_usize;
            for spec in part {
                for (content_type, body) in cases(spec) {
                    calls += 1;
                    let reply = app
                        .send("POST", spec.path, Some(&cookie), Some(content_type), &body)
                        .await
                        .map_err(|e| e.to_string())?;
                    if reply.status.is_server_error() {
                        failures.push(format!(
                            "{} {content_type} {:.120}: {} {:.200}",
                            spec.path, body, reply.status, reply.body
                        ));
                    }
                }
            }
            Ok::<_, String>((calls, failures))
        }));
    }
    let (mut calls, mut failures) = gather(workers).await?;
    for spec in all.iter().copied().filter(|s| ends_session(s.path)) {
        for (content_type, body) in cases(spec) {
            let own = app.login(ADMIN_EMAIL, PASSWORD).await?;
            calls += 1;
            let reply = app
                .send("POST", spec.path, Some(&own), Some(content_type), &body)
                .await?;
            if reply.status.is_server_error() {
                failures.push(format!("{} {body:.120}: {}", spec.path, reply.status));
            }
        }
    }
    eprintln!(
        "server functions: {} functions, {calls} malformed calls, {} answered 5xx",
        all.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} server function calls answered 5xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

#[db_test]
async fn a_mistyped_argument_is_a_400_that_says_what_is_wrong() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    let reply = app
        .send(
            "POST",
            "/api/orders/get",
            Some(&cookie),
            Some("application/json"),
            r#"{"id":"seven"}"#,
        )
        .await?;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("could not be read"), "{}", reply.body);
    let missing = app
        .send(
            "POST",
            "/api/orders/get",
            Some(&cookie),
            Some("application/json"),
            "{}",
        )
        .await?;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    // NUL fits no text column (PostgreSQL refuses it): refused up front.
    for (content_type, body) in [
        ("application/json", r#"{"search":"a\u0000b"}"#),
        ("application/json", "{\"search\":\"a\u{0}b\"}"),
    ] {
        let nul = app
            .send(
                "POST",
                "/api/crm/customers/pick",
                Some(&cookie),
                Some(content_type),
                body,
            )
            .await?;
        assert_eq!(nul.status, StatusCode::BAD_REQUEST, "{}", nul.body);
        assert!(nul.body.contains("NUL"), "{}", nul.body);
    }
    let login = app
        .send(
            "POST",
            "/api/auth/login",
            None,
            Some("application/x-www-form-urlencoded"),
            "email=a%00b%40example.com&password=whatever-it-is",
        )
        .await?;
    assert_eq!(login.status, StatusCode::BAD_REQUEST, "{}", login.body);
    Ok(())
}

/// The document's operations: (method, path template, has a request body).
fn operations(document: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    if let Some(paths) = document["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(op) = item.get(method) {
                    out.push((
                        method.to_uppercase(),
                        path.clone(),
                        op.get("requestBody").is_some(),
                    ));
                }
            }
        }
    }
    out
}

/// Path parameters filled with ids that exist, do not exist, or are not ids.
fn concrete_paths(template: &str) -> Vec<String> {
    [
        "1",
        "999999999",
        "-1",
        "x",
        "99999999999999999999999",
        "%00",
    ]
    .iter()
    .map(|value| {
        let mut path = String::new();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            path.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map_or(rest.len(), |e| start + e + 1);
            path.push_str(value);
            rest = &rest[end..];
        }
        path.push_str(rest);
        path
    })
    .collect()
}

#[db_test]
async fn no_api_operation_answers_malformed_input_with_a_5xx() -> TestResult {
    let app = Arc::new(TestApp::new().await?);
    let token = app.token(ADMIN_EMAIL, None).await?;
    let document: Value = serde_json::from_str(
        &app.api("GET", "/api/v1/openapi.json", None, None, None)
            .await?
            .body,
    )?;
    let operations = operations(&document);
    assert!(
        operations.len() > 20,
        "only {} operations",
        operations.len()
    );
    let bodies: Vec<String> = {
        let mut b: Vec<String> = GARBAGE.iter().map(|g| (*g).to_owned()).collect();
        // A plausible body with every common field mistyped in turn.
        let sample = json!({
            "customer_id": 1, "warehouse_id": 1, "name": "Fuzz", "email": "f@example.com",
            "lines": [{"product_id": 1, "quantity": 1}], "quantity": 1, "amount": "1.00",
            "status": "open", "subject": "s", "body": "b", "reason": "r", "sku": "FZ-1",
        });
        b.extend(json_mutations(&sample).into_iter().map(|v| v.to_string()));
        b
    };
    let bodies = Arc::new(bodies);
    let chunk = operations.len().div_ceil(WORKERS);
    let mut workers = Vec::new();
    for part in operations.chunks(chunk) {
        let part = part.to_vec();
        let (app, token, bodies) = (Arc::clone(&app), token.clone(), Arc::clone(&bodies));
        workers.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            let mut calls = 0_usize;
            for (method, template, has_body) in part {
                for (n, path) in concrete_paths(&template).into_iter().enumerate() {
                    let path = format!("/api/v1{}", path.trim_start_matches("/api/v1"));
                    let mut tries: Vec<Option<&str>> = vec![None];
                    if has_body {
                        // Every body on the first path, a few on the others.
                        let take = if n == 0 { bodies.len() } else { 4 };
                        tries = bodies.iter().take(take).map(|b| Some(b.as_str())).collect();
                    }
                    for body in tries {
                        calls += 1;
                        let reply = app
                            .api(&method, &path, Some(&token), body, None)
                            .await
                            .map_err(|e| e.to_string())?;
                        if reply.status.is_server_error() {
                            failures.push(format!(
                                "{method} {path} {:.120}: {} {:.200}",
                                body.unwrap_or_default(),
                                reply.status,
                                reply.body
                            ));
                        }
                    }
                }
            }
            Ok::<_, String>((calls, failures))
        }));
    }
    let (calls, failures) = gather(workers).await?;
    eprintln!(
        "api: {} operations, {calls} malformed calls, {} answered 5xx",
        operations.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} API calls answered 5xx:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}
