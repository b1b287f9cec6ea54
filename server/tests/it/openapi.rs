//! The OpenAPI document is exact. Every operation is driven into each
//! answer it can give: no token, a token without the permission, a body of
//! another content type or none, malformed and mistyped JSON, a body over
//! the limit, a bad `Idempotency-Key`, ids that do not exist in the path and
//! in the body, invalid input and success. Every status seen must be
//! documented for that operation, and the statuses documented by the
//! operation's kind (400, 404, 413, 415) must be ones it really gives.

use std::collections::BTreeSet;
use tandem_domain::testing::db_test;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::{
    api::{cases, Case, MISSING},
    support::{BoxResult, TestApp, ADMIN_EMAIL},
    TestResult,
};

const JSON: &str = "application/json";

/// One request to the API, as another system would send it.
#[derive(Clone)]
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

/// What the document says of one operation.
struct Documented {
    /// The statuses it lists.
    statuses: BTreeSet<String>,
    has_body: bool,
    has_query: bool,
}

impl Documented {
    fn of(doc: &Value, c: &Case) -> BoxResult<Self> {
        let (method, template) = c.operation.split_once(' ').ok_or("bad operation name")?;
        let operation = &doc["paths"][template][method];
        Ok(Self {
            statuses: operation["responses"]
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default(),
            has_body: operation.get("requestBody").is_some(),
            has_query: operation["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["in"] == "query")),
        })
    }

    /// The statuses documented by the operation's kind, each with whether
    /// the operation should document (and give) it.
    fn by_kind(&self, c: &Case) -> [(&'static str, bool); 4] {
        [
            ("400", self.has_body || self.has_query),
            ("404", c.missing.is_some() || self.statuses.contains("404")),
            ("413", c.method != "GET"),
            ("415", self.has_body),
        ]
    }
}

/// What was tried, and the status it got.
type Seen = Vec<(String, StatusCode)>;

/// A fresh app with its tokens and its document, to drive every operation.
struct Prober {
    app: TestApp,
    admin: String,
    unrelated: String,
    doc: Value,
    over_limit: String,
}

impl Prober {
    async fn new() -> BoxResult<Self> {
        let app = TestApp::new().await?;
        let admin = app.token(ADMIN_EMAIL, None).await?;
        let unrelated = app.token(ADMIN_EMAIL, Some(&["knowledge.read"])).await?;
        let doc = app
            .api("GET", "/api/v1/openapi.json", None, None, None)
            .await?;
        Ok(Self {
            doc: serde_json::from_str(&doc.body)?,
            over_limit: json!({ "notes": "x".repeat(3 * 1024 * 1024) }).to_string(),
            app,
            admin,
            unrelated,
        })
    }

    /// Every operation's case, with what the document says of it.
    async fn cases(&self) -> BoxResult<Vec<(Case, Documented)>> {
        let mut out = Vec::new();
        for c in cases(&self.app, &self.admin).await? {
            let documented = Documented::of(&self.doc, &c)?;
            out.push((c, documented));
        }
        Ok(out)
    }

    /// Every operation, driven in turn into each answer it can give.
    async fn probe_all(&self) -> BoxResult<Vec<(Case, Documented, Seen)>> {
        let mut out = Vec::new();
        let mut probes = 0;
        for (c, documented) in self.cases().await? {
            let seen = self.probe(&c, &documented).await?;
            probes += seen.len();
            out.push((c, documented, seen));
        }
        eprintln!("openapi exactness: {probes} requests");
        Ok(out)
    }

    async fn status(&self, call: Call<'_>) -> BoxResult<StatusCode> {
        status_of(&self.app, call).await
    }

    fn as_admin<'a>(&'a self, base: &Call<'a>) -> Call<'a> {
        Call {
            token: Some(self.admin.as_str()),
            ..base.clone()
        }
    }

    /// Case `c` without a token, without the permission, with each probe
    /// its kind allows, and valid.
    async fn probe(&self, c: &Case, documented: &Documented) -> BoxResult<Seen> {
        let body = c
            .body
            .clone()
            .or_else(|| documented.has_body.then(|| "{}".to_owned()));
        // The valid request, without a token; each probe changes a part.
        let base = Call {
            method: c.method,
            path: &c.path,
            token: None,
            content_type: body.as_ref().map(|_| JSON),
            body,
            key: None,
        };
        let mut seen = vec![("no token".into(), self.status(base.clone()).await?)];
        let as_unrelated = Call {
            token: Some(self.unrelated.as_str()),
            ..base.clone()
        };
        seen.push(("no permission".into(), self.status(as_unrelated).await?));
        if documented.has_body {
            seen.extend(self.body_probes(&base).await?);
        }
        if documented.has_query {
            seen.push(self.query_probe(&base).await?);
        }
        if c.method != "GET" {
            seen.extend(self.write_probes(&base).await?);
        }
        seen.extend(self.missing_probes(c, &base).await?);
        if let Some((path, bad, _)) = &c.bad {
            let invalid = Call {
                path,
                content_type: bad.as_ref().map(|_| JSON),
                body: bad.clone(),
                ..self.as_admin(&base)
            };
            seen.push(("invalid input".into(), self.status(invalid).await?));
        }
        let valid = self.as_admin(&base);
        seen.push(("a valid request".into(), self.status(valid).await?));
        Ok(seen)
    }

    /// A body of another content type or none, malformed and mistyped JSON.
    async fn body_probes(&self, base: &Call<'_>) -> BoxResult<Seen> {
        let mut seen = Vec::new();
        for (what, content_type, text) in [
            ("a text/plain body", Some("text/plain"), base.body.clone()),
            ("no content type", None, base.body.clone()),
            ("malformed JSON", Some(JSON), Some("{,}".to_owned())),
            ("mistyped JSON", Some(JSON), Some("42".to_owned())),
        ] {
            let call = Call {
                content_type,
                body: text,
                ..self.as_admin(base)
            };
            seen.push((what.into(), self.status(call).await?));
        }
        Ok(seen)
    }

    /// A query parameter of the wrong type.
    async fn query_probe(&self, base: &Call<'_>) -> BoxResult<(String, StatusCode)> {
        let separator = if base.path.contains('?') { '&' } else { '?' };
        let path = format!("{}{separator}limit=many", base.path);
        let call = Call {
            path: &path,
            ..self.as_admin(base)
        };
        Ok((
            "a mistyped query parameter".into(),
            self.status(call).await?,
        ))
    }

    /// A bad `Idempotency-Key`, and a keyed body over the limit.
    async fn write_probes(&self, base: &Call<'_>) -> BoxResult<Seen> {
        let mut seen = Vec::new();
        for (what, key, text) in [
            ("a bad Idempotency-Key", "not a key", base.body.clone()),
            (
                "a keyed body over 2 MiB",
                "big-body",
                Some(self.over_limit.clone()),
            ),
        ] {
            let call = Call {
                content_type: Some(JSON),
                body: text,
                key: Some(key),
                ..self.as_admin(base)
            };
            seen.push((what.into(), self.status(call).await?));
        }
        Ok(seen)
    }

    /// Ids that do not exist, in the path and in the body.
    async fn missing_probes(&self, c: &Case, base: &Call<'_>) -> BoxResult<Seen> {
        let mut seen = Vec::new();
        if let Some(path) = &c.missing {
            let call = Call {
                path,
                ..self.as_admin(base)
            };
            seen.push((
                "a missing record in the path".into(),
                self.status(call).await?,
            ));
        }
        for (field, text) in base
            .body
            .as_deref()
            .map(with_missing_ids)
            .unwrap_or_default()
        {
            let call = Call {
                body: Some(text),
                ..self.as_admin(base)
            };
            seen.push((format!("a missing `{field}`"), self.status(call).await?));
        }
        Ok(seen)
    }
}

fn assert_no_differences(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} differences between the answers and the document:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[db_test]
async fn every_status_an_operation_answers_is_documented_and_none_is_a_5xx() -> TestResult {
    let prober = Prober::new().await?;
    let mut failures = Vec::new();
    for (c, documented, seen) in prober.probe_all().await? {
        for (what, status) in &seen {
            if status.is_server_error() {
                failures.push(format!("{} with {what}: {status}", c.operation));
            } else if !documented.statuses.contains(status.as_str()) {
                failures.push(format!(
                    "{} with {what}: {status}, documented only {:?}",
                    c.operation, documented.statuses
                ));
            }
        }
    }
    assert_no_differences(&failures);
    Ok(())
}

#[db_test]
async fn each_operation_documents_400_404_413_and_415_exactly_as_its_kind_says() -> TestResult {
    let prober = Prober::new().await?;
    let mut failures = Vec::new();
    for (c, documented) in prober.cases().await? {
        for (status, expected) in documented.by_kind(&c) {
            if documented.statuses.contains(status) != expected {
                failures.push(format!(
                    "{} documents {status}: {}, expected {expected}",
                    c.operation,
                    documented.statuses.contains(status)
                ));
            }
        }
    }
    assert_no_differences(&failures);
    Ok(())
}

#[db_test]
async fn each_operation_really_answers_every_status_its_kind_documents() -> TestResult {
    let prober = Prober::new().await?;
    let mut failures = Vec::new();
    for (c, documented, seen) in prober.probe_all().await? {
        let got: BTreeSet<String> = seen.iter().map(|(_, s)| s.as_str().to_owned()).collect();
        for (status, expected) in documented.by_kind(&c) {
            if expected && !got.contains(status) {
                failures.push(format!(
                    "{} documents {status} but never answered it: {seen:?}",
                    c.operation
                ));
            }
        }
    }
    assert_no_differences(&failures);
    Ok(())
}
