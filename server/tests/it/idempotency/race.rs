//! Concurrent copies of one keyed write, of which the first fail and a
//! later one succeeds: each copy gets the successful answer, a refusal or
//! a 409 to retry, never a 5xx, and the write is made once.

use std::{collections::BTreeSet, time::Duration};
use tandem_domain::testing::db_test;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tandem_domain::entities::sales_orders;

use super::order_id;
use crate::{
    support::{BoxResult, TestApp, ADMIN_EMAIL},
    TestResult,
};

/// A product the copies order: inactive (orders for it are refused) or active.
fn product(sku: &str, active: bool) -> String {
    json!({"sku": sku, "name": "Flaky widget", "list_price_minor": 700, "tax_rate_bp": 1900,
        "active": active})
    .to_string()
}

/// Copies racing in one round, and the rounds.
const COPIES: usize = 16;
const ROUNDS: usize = 12;

/// The product the copies order: its SKU, its id and its path.
struct Flaky {
    sku: String,
    id: i64,
    path: String,
}

/// Creates the product, inactive, as `admin`.
async fn flaky_product(app: &TestApp, admin: &str) -> BoxResult<Flaky> {
    let sku = format!("FLAKY-{}", std::process::id());
    let created = app
        .api(
            "POST",
            "/api/v1/products",
            Some(admin),
            Some(&product(&sku, false)),
            None,
        )
        .await?;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = order_id(&created.body)?;
    Ok(Flaky {
        sku,
        id,
        path: format!("/api/v1/products/{id}"),
    })
}

/// Each copy's answer, or why it got none.
type Answer = tokio::task::JoinHandle<BoxResult<(StatusCode, String)>>;

/// `COPIES` copies of the keyed POST of `body`, a little apart.
fn spawn_copies(app: &TestApp, admin: &str, key: &str, body: &str) -> Vec<Answer> {
    (0..COPIES)
        .map(|copy| {
            let (router, admin, key, body) = (
                app.router.clone(),
                admin.to_owned(),
                key.to_owned(),
                body.to_owned(),
            );
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis((copy % 4) as u64)).await;
                send(router, "POST", "/api/v1/orders", &admin, &body, Some(&key)).await
            })
        })
        .collect()
}

/// Switches the product on a little into round `round`.
fn spawn_switch(app: &TestApp, admin: &str, flaky: &Flaky, round: usize) -> Answer {
    let (router, admin, path, body) = (
        app.router.clone(),
        admin.to_owned(),
        flaky.path.clone(),
        product(&flaky.sku, true),
    );
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis((round % 5) as u64)).await;
        send(router, "PUT", &path, &admin, &body, None).await
    })
}

/// Round `round`: with the product off, the copies fail (422: the product
/// is inactive) until it is switched on in the middle of them; then one
/// writes and the rest replay its answer. A retry after them (the product
/// is on) gets the order, made once. What went wrong, if anything.
async fn race_round(
    app: &TestApp,
    admin: &str,
    flaky: &Flaky,
    round: usize,
) -> BoxResult<Vec<String>> {
    let off = app
        .api(
            "PUT",
            &flaky.path,
            Some(admin),
            Some(&product(&flaky.sku, false)),
            None,
        )
        .await?;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    let key = format!("flaky-{round}");
    let body = json!({"customer_id": 1, "warehouse_id": 1, "notes": key,
        "lines": [{"product_id": flaky.id, "quantity": 1}]})
    .to_string();
    let copies = spawn_copies(app, admin, &key, &body);
    let switch = spawn_switch(app, admin, flaky, round);
    let mut failures = Vec::new();
    let mut made = BTreeSet::new();
    for copy in copies {
        let (status, answer) = copy.await??;
        match status {
            StatusCode::CREATED => {
                made.insert(order_id(&answer)?);
            }
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => {}
            other => failures.push(format!("{key}: {other} {answer}")),
        }
    }
    let (status, answer) = switch.await??;
    assert_eq!(status, StatusCode::OK, "{answer}");
    if made.len() > 1 {
        failures.push(format!("{key}: copies answered different orders {made:?}"));
    }
    failures.extend(retry_failures(app, admin, &key, &body, &made).await?);
    Ok(failures)
}

/// A retry of the round's POST gets the order the copies `made`, and there
/// is one order with the round's key as its notes.
async fn retry_failures(
    app: &TestApp,
    admin: &str,
    key: &str,
    body: &str,
    made: &BTreeSet<i64>,
) -> BoxResult<Vec<String>> {
    let mut failures = Vec::new();
    let (status, answer) = send(
        app.router.clone(),
        "POST",
        "/api/v1/orders",
        admin,
        body,
        Some(key),
    )
    .await?;
    if status != StatusCode::CREATED {
        failures.push(format!("{key} retried: {status} {answer}"));
    } else if made.iter().any(|id| Some(*id) != order_id(&answer).ok()) {
        failures.push(format!(
            "{key} retried: another order than the copies' {answer}"
        ));
    }
    let orders = sales_orders::Entity::find()
        .filter(sales_orders::Column::Notes.eq(key))
        .all(&app.db.conn)
        .await?;
    if orders.len() != 1 {
        failures.push(format!("{key}: {} orders", orders.len()));
    }
    Ok(failures)
}

#[db_test]
async fn concurrent_copies_of_a_write_that_fails_then_succeeds_never_answer_5xx() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let flaky = flaky_product(&app, &admin).await?;
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        failures.extend(race_round(&app, &admin, &flaky, round).await?);
    }
    assert!(
        failures.is_empty(),
        "{} failures in {ROUNDS} rounds of {COPIES} copies:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

/// A JSON request to the in-process router: status and body.
async fn send(
    router: axum::Router,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
    key: Option<&str>,
) -> BoxResult<(StatusCode, String)> {
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = router
        .oneshot(request.body(axum::body::Body::from(body.to_owned()))?)
        .await?;
    let status = response.status();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}
