//! Idempotent writes under failure: the real `tandem` binary killed with
//! SIGKILL in the middle of keyed writes, then every key retried; and
//! concurrent copies of one keyed write of which some fail and some
//! succeed. A retry gets the committed answer or makes the write, exactly
//! once; it never waits for a key whose holder died, and no copy answers
//! 5xx.

use std::{
    collections::{BTreeMap, BTreeSet},
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tandem_domain::testing::db_test;

use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use tandem_domain::{
    entities::{api_tokens as token_rows, idempotency_keys, sales_orders},
    {access::api_tokens, integration::idempotency},
};

use crate::{
    support::{BoxResult, TestApp, ADMIN_EMAIL},
    TestResult,
};

mod race;

/// Clients writing at once while the server is killed.
const WORKERS: usize = 8;
/// Kills under load before the final retry.
const KILLS: usize = 3;
/// Acknowledged writes per run before the kill.
const ACKED_BEFORE_KILL: usize = 20;

/// A `tandem` serving a database on a port of its own.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts `tandem` on `url` and waits until it answers `/readyz`.
    async fn start(url: &str) -> BoxResult<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .env("DATABASE_URL", url)
            .env("TANDEM_ADDR", format!("127.0.0.1:{port}"))
            .env("TANDEM_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let ready = client.get(format!("{base}/readyz")).send().await;
            if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
                return Ok(Self { child, base });
            }
            if let Some(status) = child.try_wait()? {
                return Err(format!("tandem exited at start: {status}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        child.kill()?;
        Err("tandem did not become ready".into())
    }

    /// SIGKILL: no shutdown, no flushing, requests cut off mid-way.
    fn kill(mut self) -> BoxResult<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already gone after `kill`; a failed test must not leave it running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A keyed write sent before a kill, and the order it was answered with
/// (none: no answer came, the server died first).
struct Sent {
    key: String,
    body: String,
    acked: Option<i64>,
}

/// A quote whose notes name its key, so the database tells which key made it.
fn order_body(key: &str) -> String {
    json!({"customer_id": 1, "warehouse_id": 1, "notes": key,
        "lines": [{"product_id": 1, "quantity": 1}]})
    .to_string()
}

/// A keyed `POST /api/v1/orders`: status, whether replayed, body.
async fn post_order(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    key: &str,
    body: &str,
) -> Result<(StatusCode, bool, String), reqwest::Error> {
    let reply = client
        .post(format!("{base}/api/v1/orders"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body.to_owned())
        .send()
        .await?;
    let status = reply.status();
    let replayed = reply
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v.as_bytes() == b"true");
    Ok((status, replayed, reply.text().await?))
}

fn order_id(body: &str) -> BoxResult<i64> {
    serde_json::from_str::<Value>(body)?["id"]
        .as_i64()
        .ok_or_else(|| format!("no order id in {body}").into())
}

/// Writes with fresh keys from several clients until the server dies.
async fn write_until_killed(
    base: String,
    token: String,
    run: usize,
    acked: Arc<AtomicUsize>,
) -> BoxResult<Vec<Sent>> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let (client, base, token, acked) = (
            client.clone(),
            base.clone(),
            token.clone(),
            Arc::clone(&acked),
        );
        workers.push(tokio::spawn(async move {
            let mut sent = Vec::new();
            for n in 0.. {
                let key = format!("kill-{run}-{worker}-{n}");
                let body = order_body(&key);
                match post_order(&client, &base, &token, &key, &body).await {
                    Ok((StatusCode::CREATED, _, answer)) => {
                        let id = order_id(&answer).map_err(|e| e.to_string())?;
                        acked.fetch_add(1, Ordering::SeqCst);
                        sent.push(Sent {
                            key,
                            body,
                            acked: Some(id),
                        });
                    }
                    Ok((status, _, answer)) => {
                        return Err(format!("{key} before the kill: {status} {answer}"));
                    }
                    // Cut off by the kill: the outcome is unknown.
                    Err(_) => {
                        sent.push(Sent {
                            key,
                            body,
                            acked: None,
                        });
                        break;
                    }
                }
            }
            Ok::<_, String>(sent)
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await??);
    }
    Ok(all)
}

#[db_test]
async fn a_retry_after_a_sigkill_gets_the_committed_answer_or_writes_once() -> TestResult {
    let db = crate::support::admin_and_demo().await?;
    let input = api_tokens::TokenInput {
        name: "kill test".into(),
        ..Default::default()
    };
    let token = api_tokens::create_for_email(&db.conn, ADMIN_EMAIL, &input, chrono::Utc::now())
        .await?
        .secret;
    let mut sent = Vec::new();
    for run in 0..KILLS {
        let server = Server::start(&db.url).await?;
        let acked = Arc::new(AtomicUsize::new(0));
        let load = tokio::spawn(write_until_killed(
            server.base.clone(),
            token.clone(),
            run,
            Arc::clone(&acked),
        ));
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::SeqCst) < ACKED_BEFORE_KILL && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // A different moment in the requests' lives on each run.
        tokio::time::sleep(Duration::from_millis(3 * run as u64)).await;
        server.kill()?;
        sent.extend(load.await??);
    }
    let in_flight = sent.iter().filter(|s| s.acked.is_none()).count();
    assert!(in_flight > 0, "no request was cut off by the kills");

    let server = Server::start(&db.url).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let mut failures = Vec::new();
    for s in &sent {
        let (status, replayed, answer) =
            post_order(&client, &server.base, &token, &s.key, &s.body).await?;
        if status != StatusCode::CREATED {
            failures.push(format!("{} retried: {status} {answer}", s.key));
            continue;
        }
        let id = order_id(&answer)?;
        if let Some(acked) = s.acked {
            if id != acked || !replayed {
                failures.push(format!(
                    "{}: acknowledged order {acked}, the retry answered {id} (replayed: {replayed})",
                    s.key
                ));
            }
        }
        // And from now on the same answer, replayed.
        let (status, replayed, again) =
            post_order(&client, &server.base, &token, &s.key, &s.body).await?;
        if status != StatusCode::CREATED || !replayed || order_id(&again)? != id {
            failures.push(format!(
                "{} retried twice: {status} {again} (replayed: {replayed})",
                s.key
            ));
        }
    }
    // Exactly one order per key, whether the first try or a retry made it.
    let mut per_key: BTreeMap<String, usize> = BTreeMap::new();
    for order in sales_orders::Entity::find()
        .filter(sales_orders::Column::Notes.starts_with("kill-"))
        .all(&db.conn)
        .await?
    {
        *per_key.entry(order.notes).or_default() += 1;
    }
    for s in &sent {
        match per_key.get(&s.key) {
            Some(1) => {}
            count => failures.push(format!("{}: {count:?} orders", s.key)),
        }
    }
    let keys: BTreeSet<&String> = sent.iter().map(|s| &s.key).collect();
    for key in per_key.keys().filter(|k| !keys.contains(k)) {
        failures.push(format!("an order for {key}, a key no client sent"));
    }
    server.kill()?;
    assert!(
        failures.is_empty(),
        "{} of {} keys ({in_flight} cut off by {KILLS} kills) went wrong:\n{}",
        failures.len(),
        sent.len(),
        failures.join("\n")
    );
    Ok(())
}

#[db_test]
async fn a_key_an_older_version_left_in_progress_is_taken_over() -> TestResult {
    let app = TestApp::new().await?;
    let admin = app.token(ADMIN_EMAIL, None).await?;
    let prefix = admin.split('_').nth(1).ok_or("bad token shape")?;
    let token_id = token_rows::Entity::find()
        .filter(token_rows::Column::Prefix.eq(prefix))
        .one(&app.db.conn)
        .await?
        .ok_or("token not stored")?
        .id;
    // What a process that claimed keys outside the write's transaction left
    // when it was killed: a committed key without an answer.
    let body = order_body("stuck");
    idempotency_keys::ActiveModel {
        token_id: Set(token_id),
        key: Set("stuck".into()),
        method: Set("POST".into()),
        // The path as the API's router sees it, below `/api/v1`.
        path: Set("/orders".into()),
        fingerprint: Set(idempotency::fingerprint("POST", "/orders", body.as_bytes())),
        status: Set(None),
        response: Set(String::new()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await?;
    let first = app
        .api(
            "POST",
            "/api/v1/orders",
            Some(&admin),
            Some(&body),
            Some("stuck"),
        )
        .await?;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = app
        .api(
            "POST",
            "/api/v1/orders",
            Some(&admin),
            Some(&body),
            Some("stuck"),
        )
        .await?;
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    assert!(again.headers.contains_key("idempotent-replayed"));
    let made = sales_orders::Entity::find()
        .filter(sales_orders::Column::Notes.eq("stuck"))
        .all(&app.db.conn)
        .await?;
    assert_eq!(made.len(), 1);
    Ok(())
}
