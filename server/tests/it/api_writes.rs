//! The REST API's one write policy: every write answers with the record it
//! wrote, whatever the token may read, and the answer of a write that
//! committed is what its `Idempotency-Key` replays, without a second write.

use std::collections::BTreeSet;
use tandem_domain::testing::db_test;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use tandem_domain::{
    entities::{audit_events, sales_orders},
    sales::orders::{self, OrderState},
};

use crate::{
    api::{cases, Case},
    support::{Reply, TestApp, ADMIN_EMAIL},
    TestResult,
};

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Every REST write with exactly the permissions it needs: its own, and the
/// read scope of the records it names or acts on where the domain asks for
/// it (the fixtures' customer 1 and the demo documents belong to other
/// owners; records the admin's token made are the token owner's own). None
/// holds the read permission of what it writes, except where acting on an
/// existing record needs it to find that record.
#[rustfmt::skip]
const WRITES: &[(&str, &[&str])] = &[
    ("post /customers", &["customers.write"]),
    ("put /customers/{id}", &["customers.write", "customers.read_all"]),
    ("post /customers/{id}/contacts", &["customers.write", "customers.read_all"]),
    ("post /products", &["products.write"]),
    ("put /products/{id}", &["products.write"]),
    ("post /stock/adjustments", &["stock.adjust"]),
    ("post /orders", &["orders.write", "customers.read_all"]),
    ("post /orders/{id}/confirm", &["orders.confirm", "orders.read_all"]),
    ("post /orders/{id}/cancel", &["orders.write", "orders.read_all"]),
    ("post /tickets", &["tickets.write"]),
    ("post /tickets/{id}/comments", &["tickets.write"]),
    ("post /tickets/{id}/status", &["tickets.write"]),
    ("post /leads", &["leads.write"]),
    ("post /leads/{id}/qualify", &["leads.write", "leads.read"]),
    ("post /opportunities", &["opportunities.write", "customers.read_all"]),
    ("post /opportunities/{id}/stage", &["opportunities.write", "opportunities.read"]),
    ("post /activities", &["activities.write", "customers.read_all"]),
    ("post /activities/{id}/complete", &["activities.write", "activities.read"]),
    ("post /invoices/{id}/payments", &["payments.write"]),
    ("post /shipments", &["shipments.write"]),
    ("post /shipments/{id}/ship", &["shipments.write"]),
    ("post /shipments/{id}/cancel", &["shipments.write"]),
    ("post /invoices", &["invoices.write"]),
    ("post /invoices/{id}/cancel", &["invoices.write"]),
    ("post /purchase-orders", &["purchasing.write"]),
    ("post /purchase-orders/{id}/send", &["purchasing.write"]),
    ("post /purchase-orders/{id}/cancel", &["purchasing.write"]),
    ("post /purchase-orders/{id}/receipts", &["purchasing.receive"]),
];

fn json_of(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or(Value::Null)
}

fn replayed(reply: &Reply) -> bool {
    reply
        .headers
        .get("idempotent-replayed")
        .and_then(|v| v.to_str().ok())
        == Some("true")
}

fn content_type(reply: &Reply) -> &str {
    reply
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// `c`'s successful request as `token`, with `key`.
async fn keyed(app: &TestApp, c: &Case, token: &str, key: &str) -> Fallible<Reply> {
    app.api(c.method, &c.path, Some(token), c.body.as_deref(), Some(key))
        .await
}

/// What the database holds that every write adds to: audit events, orders.
async fn written(app: &TestApp) -> Fallible<(u64, u64)> {
    Ok((
        audit_events::Entity::find().count(&app.db.conn).await?,
        sales_orders::Entity::find().count(&app.db.conn).await?,
    ))
}

#[db_test]
async fn every_write_answers_a_token_with_only_its_permissions_once() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let writes: Vec<_> = cases(&app, &admin)
        .await?
        .into_iter()
        .filter(|c| c.method != "GET")
        .collect();
    // The table names every write route and nothing else.
    let listed: BTreeSet<&str> = WRITES.iter().map(|(operation, _)| *operation).collect();
    let routed: BTreeSet<&str> = writes.iter().map(|c| c.operation).collect();
    assert_eq!(listed, routed, "WRITES must list every write route");
    let mut failures = Vec::new();
    for (i, c) in writes.iter().enumerate() {
        let name = c.operation;
        let Some(&(_, permissions)) = WRITES.iter().find(|(operation, _)| *operation == name)
        else {
            continue;
        };
        let token = app.token(ADMIN_EMAIL, Some(permissions)).await?;
        let key = format!("narrow-{i}");
        let first = keyed(&app, c, &token, &key).await?;
        if !first.status.is_success() || json_of(&first).is_null() {
            failures.push(format!(
                "{name} with {permissions:?}: {} {}",
                first.status, first.body
            ));
            continue;
        }
        let after_first = written(&app).await?;
        let again = keyed(&app, c, &token, &key).await?;
        if (again.status, &again.body) != (first.status, &first.body) || !replayed(&again) {
            failures.push(format!(
                "{name} retried: {} {} (replayed: {}), first {} {}",
                again.status,
                again.body,
                replayed(&again),
                first.status,
                first.body
            ));
        }
        if written(&app).await? != after_first {
            failures.push(format!("{name} retried: it wrote again"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} write failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

#[db_test]
async fn a_quote_made_with_a_token_that_cannot_read_orders_answers_201_once() -> TestResult {
    let app = TestApp::new().await?;
    // Writes quotes and sees the customers it quotes for; reads no order.
    let writer = app
        .token(ADMIN_EMAIL, Some(&["orders.write", "customers.read_all"]))
        .await?;
    let notes = format!("write-only quote {}", std::process::id());
    let body = json!({"customer_id": 1, "warehouse_id": 1, "notes": notes,
        "lines": [{"product_id": 1, "quantity": 2}]})
    .to_string();
    let before = sales_orders::Entity::find().count(&app.db.conn).await?;
    let mut replies = Vec::new();
    for _ in 0..2 {
        replies.push(
            app.api(
                "POST",
                "/api/v1/orders",
                Some(&writer),
                Some(&body),
                Some("write-only-quote"),
            )
            .await?,
        );
    }
    let (first, again) = (&replies[0], &replies[1]);
    // The quote as the write made it, lines and all: not a 403 that would
    // have the client make it again.
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let order = json_of(first);
    assert_eq!(order["state"], json!("draft"));
    assert_eq!(order["customer_id"], json!(1));
    assert_eq!(order["notes"], json!(notes));
    assert_eq!(order["lines"][0]["quantity"], json!(2), "{order}");
    assert!(order["lines"][0]["sku"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    assert!(order["customer_name"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    // The retry answers the same, and there is one quote.
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    assert!(replayed(again));
    let made = sales_orders::Entity::find()
        .filter(sales_orders::Column::Notes.eq(notes))
        .all(&app.db.conn)
        .await?;
    assert_eq!(made.len(), 1);
    assert_eq!(json!(made[0].id), order["id"]);
    assert_eq!(
        sales_orders::Entity::find().count(&app.db.conn).await?,
        before + 1
    );
    // The token really may not read it.
    let read = format!("/api/v1/orders/{}", made[0].id);
    let read = app.api("GET", &read, Some(&writer), None, None).await?;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    Ok(())
}

#[db_test]
async fn a_confirmation_waiting_for_approval_keeps_the_request_and_its_answer() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    // Half off the list price: over the discount threshold (20 %).
    let quote = json!({"customer_id": 1, "warehouse_id": 1,
        "lines": [{"product_id": 1, "quantity": 1, "discount_bp": 5000}]})
    .to_string();
    let quote = app
        .api("POST", "/api/v1/orders", Some(&admin), Some(&quote), None)
        .await?;
    assert_eq!(quote.status, StatusCode::CREATED, "{}", quote.body);
    let id = json_of(&quote)["id"].as_i64().ok_or("no order id")?;
    // May confirm, may not approve.
    let confirmer = app
        .token(ADMIN_EMAIL, Some(&["orders.confirm", "orders.read_all"]))
        .await?;
    let path = format!("/api/v1/orders/{id}/confirm");
    let mut replies = Vec::new();
    for _ in 0..2 {
        replies.push(
            app.api("POST", &path, Some(&confirmer), None, Some("confirm-1"))
                .await?,
        );
    }
    let (first, again) = (&replies[0], &replies[1]);
    assert_eq!(first.status, StatusCode::CONFLICT, "{}", first.body);
    assert_eq!(content_type(first), "application/problem+json");
    // The request for an approval is kept, so approvers find the quote.
    let order = sales_orders::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or("order gone")?;
    assert_eq!(order.state, OrderState::Draft);
    assert!(
        order.approval_reason.contains("discount"),
        "{:?}",
        order.approval_reason
    );
    // And so is the refusal, as the key's answer: the same problem again,
    // without noting the request twice.
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    assert!(replayed(again));
    assert_eq!(content_type(again), "application/problem+json");
    let noted = audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq("order.approval_requested"))
        .filter(audit_events::Column::EntityId.eq(id.to_string()))
        .count(&app.db.conn)
        .await?;
    assert_eq!(noted, 1);
    // Once approved, a new attempt (a new key) confirms it.
    orders::approve(&app.db.conn, &app.admin().await?, id).await?;
    let confirmed = app
        .api("POST", &path, Some(&confirmer), None, Some("confirm-2"))
        .await?;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(json_of(&confirmed)["state"], json!("confirmed"));
    Ok(())
}

#[db_test]
async fn racing_write_only_retries_with_one_key_make_one_quote_and_one_answer() -> TestResult {
    let app = TestApp::new().await?;
    let writer = app
        .token(ADMIN_EMAIL, Some(&["orders.write", "customers.read_all"]))
        .await?;
    let before = sales_orders::Entity::find().count(&app.db.conn).await?;
    let body = json!({"customer_id": 1, "warehouse_id": 1,
        "lines": [{"product_id": 1, "quantity": 1}]})
    .to_string();
    let replies = crate::support::race_posts(
        &app.router,
        "/api/v1/orders",
        &writer,
        "write-only-race",
        &body,
        6,
    )
    .await?;
    // Every copy gets the one answer, or is told the first still runs.
    let mut answers = BTreeSet::new();
    for (status, body) in replies {
        match status {
            StatusCode::CREATED => {
                answers.insert(body);
            }
            StatusCode::CONFLICT => assert!(body.contains("still being processed"), "{body}"),
            other => return Err(format!("unexpected {other}: {body}").into()),
        }
    }
    assert_eq!(answers.len(), 1, "different answers: {answers:?}");
    assert_eq!(
        sales_orders::Entity::find().count(&app.db.conn).await?,
        before + 1
    );
    Ok(())
}
