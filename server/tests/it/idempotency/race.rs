//! Concurrent copies of one keyed write, of which the first fail and a
//! later one succeeds: each copy gets the successful answer, a refusal or
//! a 409 to retry, never a 5xx, and the write is made once.

use std::{collections::BTreeSet, time::Duration};

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tandem_domain::entities::sales_orders;

use super::order_id;
use crate::{
    support::{TestApp, ADMIN_EMAIL},
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

#[tokio::test]
async fn concurrent_copies_of_a_write_that_fails_then_succeeds_never_answer_5xx() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let sku = format!("FLAKY-{}", std::process::id());
    let created = app
        .api(
            "POST",
            "/api/v1/products",
            Some(&admin),
            Some(&product(&sku, false)),
            None,
        )
        .await?;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let product_id = order_id(&created.body)?;
    let product_path = format!("/api/v1/products/{product_id}");
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let off = app
            .api(
                "PUT",
                &product_path,
                Some(&admin),
                Some(&product(&sku, false)),
                None,
            )
            .await?;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        let key = format!("flaky-{round}");
        let body = json!({"customer_id": 1, "warehouse_id": 1, "notes": key,
            "lines": [{"product_id": product_id, "quantity": 1}]})
        .to_string();
        // The copies fail (422: the product is inactive) until the product
        // is switched on in the middle of them; then one writes and the
        // rest replay its answer.
        let mut copies = Vec::new();
        for copy in 0..COPIES {
            let (router, admin, key, body) =
                (app.router.clone(), admin.clone(), key.clone(), body.clone());
            copies.push(tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis((copy % 4) as u64)).await;
                send(router, "POST", "/api/v1/orders", &admin, &body, Some(&key)).await
            }));
        }
        let switch = {
            let (router, admin, path, body) = (
                app.router.clone(),
                admin.clone(),
                product_path.clone(),
                product(&sku, true),
            );
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis((round % 5) as u64)).await;
                send(router, "PUT", &path, &admin, &body, None).await
            })
        };
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
        // A retry now (the product is on) gets the order, made once.
        let (status, answer) = send(
            app.router.clone(),
            "POST",
            "/api/v1/orders",
            &admin,
            &body,
            Some(&key),
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
            .filter(sales_orders::Column::Notes.eq(key.clone()))
            .all(&app.db.conn)
            .await?;
        if orders.len() != 1 {
            failures.push(format!("{key}: {} orders", orders.len()));
        }
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
) -> Result<(StatusCode, String), Box<dyn std::error::Error + Send + Sync>> {
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
