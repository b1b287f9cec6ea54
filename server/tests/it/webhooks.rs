//! The webhook relay against a receiver the test starts on 127.0.0.1:
//! signatures, retries, replay, a slow endpoint, two relays at once.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tandem_domain::{
    services::{
        auth, outbox,
        webhooks::{self, EndpointInput},
    },
    testing::TestDb,
};
use tandem_server::webhooks::{Relay, RelayConfig};
use tokio::sync::Semaphore;

use crate::{
    support::{BoxResult, PASSWORD},
    TestResult,
};

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: String,
}

#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    /// `/flaky` answers 500 this many times first.
    flaky_failures: Arc<Mutex<u32>>,
    /// `/slow` waits for a permit before answering.
    gate: Arc<Semaphore>,
}

impl Default for Receiver {
    fn default() -> Self {
        Self {
            got: Arc::default(),
            flaky_failures: Arc::default(),
            gate: Arc::new(Semaphore::new(0)),
        }
    }
}

impl Receiver {
    fn got(&self, path: &str) -> Vec<Received> {
        self.got
            .lock()
            .map(|g| g.iter().filter(|r| r.path == path).cloned().collect())
            .unwrap_or_default()
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let path = format!("/{path}");
    if let Ok(mut got) = receiver.got.lock() {
        got.push(Received {
            path: path.clone(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    match path.as_str() {
        "/flaky" => {
            let fail = receiver.flaky_failures.lock().is_ok_and(|mut n| {
                let fail = *n > 0;
                *n = n.saturating_sub(1);
                fail
            });
            if fail {
                (StatusCode::SERVICE_UNAVAILABLE, "down for maintenance")
            } else {
                (StatusCode::OK, "ok")
            }
        }
        "/slow" => {
            let _ = receiver.gate.acquire().await;
            (StatusCode::NO_CONTENT, "")
        }
        "/hang" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            (StatusCode::OK, "late")
        }
        _ => (StatusCode::NO_CONTENT, ""),
    }
}

/// Starts the receiver; returns its base URL.
async fn start(receiver: Receiver) -> BoxResult<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/{path}", post(receive))
        .with_state(receiver);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

async fn admin(db: &TestDb) -> BoxResult<tandem_domain::auth::Actor> {
    auth::create_admin(&db.conn, "root@example.com", "Root", Some(PASSWORD.into())).await?;
    let id = auth::login(
        &db.conn,
        "root@example.com",
        PASSWORD,
        &Default::default(),
        &Default::default(),
    )
    .await?;
    Ok(
        tandem_domain::services::access::resolve_actor(&db.conn, id, Default::default())
            .await?
            .ok_or("admin inactive")?,
    )
}

async fn hook(
    db: &TestDb,
    admin: &tandem_domain::auth::Actor,
    url: String,
    types: &[&str],
) -> BoxResult<(i64, String)> {
    let created = webhooks::create(
        &db.conn,
        Some(admin),
        &EndpointInput {
            name: url.rsplit('/').next().unwrap_or("hook").to_owned(),
            url,
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
            active: true,
        },
        Utc::now() - chrono::Duration::seconds(5),
    )
    .await?;
    Ok((created.endpoint.id, created.secret))
}

async fn publish(db: &TestDb, event_type: &str, n: usize) -> BoxResult<()> {
    for i in 0..n {
        outbox::publish(
            &db.conn,
            event_type,
            "order",
            i,
            serde_json::json!({ "number": format!("SO-{i}"), "total_minor": 1250 }),
        )
        .await?;
    }
    Ok(())
}

async fn run(relay: &Relay, now: chrono::DateTime<Utc>) -> BoxResult<()> {
    for task in relay.tick(now).await? {
        task.await?;
    }
    Ok(())
}

/// Whether `signature` is `v1=` and the HMAC-SHA256 of "<timestamp>.<body>".
fn signed(secret: &str, timestamp: i64, received: &Received, signature: &str) -> BoxResult<bool> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(format!("{timestamp}.{}", received.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(signature == format!("v1={expected}"))
}

/// Checks a delivery as a receiver should: a fresh timestamp and an
/// HMAC-SHA256 of "<timestamp>.<body>" under the endpoint's secret.
fn verify(secret: &str, received: &Received) -> BoxResult<()> {
    let header = |name: &str| -> BoxResult<String> {
        Ok(received
            .headers
            .get(name)
            .ok_or(format!("no {name}"))?
            .to_str()?
            .to_owned())
    };
    let timestamp: i64 = header("tandem-timestamp")?.parse()?;
    assert!((Utc::now().timestamp() - timestamp).abs() < 300, "fresh");
    assert!(signed(
        secret,
        timestamp,
        received,
        &header("tandem-signature")?
    )?);
    let body: serde_json::Value = serde_json::from_str(&received.body)?;
    assert_eq!(header("tandem-event")?, body["type"].as_str().unwrap_or(""));
    assert_eq!(header("tandem-event-id")?, body["id"].to_string());
    assert_eq!(header("content-type")?, "application/json");
    Ok(())
}

#[tokio::test]
async fn the_relay_signs_retries_with_backoff_times_out_and_replays() -> TestResult {
    let db = TestDb::new().await?;
    let admin = admin(&db).await?;
    let receiver = Receiver::default();
    *receiver.flaky_failures.lock().map_err(|_| "lock")? = 1;
    let base = start(receiver.clone()).await?;
    let (ok, ok_secret) = hook(&db, &admin, format!("{base}/ok"), &["*"]).await?;
    let (flaky, _) = hook(&db, &admin, format!("{base}/flaky"), &["order.confirmed"]).await?;
    let (hang, _) = hook(&db, &admin, format!("{base}/hang"), &["order.shipped"]).await?;
    publish(&db, "order.confirmed", 2).await?;
    publish(&db, "order.shipped", 1).await?;
    let relay = Relay::new(
        db.conn.clone(),
        RelayConfig {
            timeout: Duration::from_secs(1),
            ..Default::default()
        },
    )?;
    let now = Utc::now();
    run(&relay, now).await?;
    let got = receiver.got("/ok");
    assert_eq!(got.len(), 3, "every event to the catch-all endpoint");
    for received in &got {
        verify(&ok_secret, received)?;
    }
    // A changed body, or another secret, does not verify.
    let first = &got[0];
    let stamp: i64 = first.headers["tandem-timestamp"].to_str()?.parse()?;
    let signature = first.headers["tandem-signature"].to_str()?.to_owned();
    let mut forged = first.clone();
    forged.body = forged.body.replace("1250", "9999");
    assert!(!signed(&ok_secret, stamp, &forged, &signature)?);
    assert!(!signed("whsec_other", stamp, first, &signature)?);
    // The flaky endpoint: one 503 (retry due in 30 s), one success.
    let log = webhooks::deliveries(&db.conn, Some(&admin), flaky, None, 1, 50).await?;
    let failed: Vec<_> = log.items.iter().filter(|d| d.status == "pending").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_status_code, Some(503));
    assert_eq!(failed[0].last_error, "down for maintenance");
    assert!(failed[0].next_attempt_at > now + chrono::Duration::seconds(25));
    // The hanging endpoint: no answer within the timeout.
    let hung = webhooks::deliveries(&db.conn, Some(&admin), hang, None, 1, 50).await?;
    assert_eq!(hung.items[0].last_status_code, None);
    assert_eq!(hung.items[0].last_error, "no answer within 1 s");
    // Nothing is due before the backoff ends; then the retry succeeds.
    run(&relay, now + chrono::Duration::seconds(5)).await?;
    assert_eq!(receiver.got("/flaky").len(), 2);
    run(&relay, Utc::now() + chrono::Duration::seconds(31)).await?;
    assert_eq!(receiver.got("/flaky").len(), 3);
    let log = webhooks::deliveries(&db.conn, Some(&admin), flaky, Some("delivered"), 1, 50).await?;
    assert_eq!(log.total, 2);
    let retried = log
        .items
        .iter()
        .find(|d| d.attempts == 2)
        .ok_or("no retry")?;
    assert_eq!(retried.last_status_code, Some(200));
    // Replay a delivered event: it arrives again, with the same event id.
    let first = webhooks::deliveries(&db.conn, Some(&admin), ok, None, 1, 50).await?;
    let replayed = &first.items[0];
    webhooks::replay(&db.conn, Some(&admin), replayed.id, Utc::now()).await?;
    run(&relay, Utc::now()).await?;
    let got = receiver.got("/ok");
    assert_eq!(got.len(), 4);
    let again = got.last().ok_or("none")?;
    verify(&ok_secret, again)?;
    assert_eq!(
        again
            .headers
            .get("tandem-event-id")
            .and_then(|v| v.to_str().ok()),
        Some(replayed.event_id.to_string().as_str())
    );
    Ok(())
}

#[tokio::test]
async fn a_slow_endpoint_never_holds_up_another_endpoint() -> TestResult {
    let db = TestDb::new().await?;
    let admin = admin(&db).await?;
    let receiver = Receiver {
        gate: Arc::new(Semaphore::new(0)),
        ..Default::default()
    };
    let base = start(receiver.clone()).await?;
    hook(&db, &admin, format!("{base}/slow"), &["*"]).await?;
    hook(&db, &admin, format!("{base}/fast"), &["*"]).await?;
    publish(&db, "stock.changed", 20).await?;
    let relay = Relay::new(
        db.conn.clone(),
        RelayConfig {
            timeout: Duration::from_secs(30),
            concurrency: 8,
            per_endpoint: 3,
        },
    )?;
    // Rounds until the fast endpoint has everything, while every request
    // to the slow one stays unanswered.
    let mut tasks = Vec::new();
    for _ in 0..200 {
        tasks.extend(relay.tick(Utc::now()).await?);
        if receiver.got("/fast").len() == 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(receiver.got("/fast").len(), 20, "the fast endpoint got all");
    let waiting = receiver.got("/slow").len();
    assert!(
        (1..=3).contains(&waiting),
        "the slow endpoint holds at most its 3 slots: {waiting}"
    );
    // Business writes go on meanwhile.
    publish(&db, "order.confirmed", 1).await?;
    // Let the slow endpoint answer; everything arrives.
    receiver.gate.add_permits(1_000);
    for task in tasks {
        task.await?;
    }
    for _ in 0..200 {
        run(&relay, Utc::now()).await?;
        if receiver.got("/slow").len() == 21 && receiver.got("/fast").len() == 21 {
            break;
        }
    }
    assert_eq!(receiver.got("/slow").len(), 21);
    assert_eq!(receiver.got("/fast").len(), 21);
    Ok(())
}

#[tokio::test]
async fn two_relays_deliver_each_event_once() -> TestResult {
    let db = TestDb::new().await?;
    let admin = admin(&db).await?;
    let receiver = Receiver::default();
    let base = start(receiver.clone()).await?;
    hook(&db, &admin, format!("{base}/ok"), &["*"]).await?;
    publish(&db, "order.confirmed", 60).await?;
    let relays = [
        Relay::new(db.conn.clone(), RelayConfig::default())?,
        Relay::new(db.conn.clone(), RelayConfig::default())?,
    ];
    for _ in 0..100 {
        let (a, b) = tokio::join!(relays[0].tick(Utc::now()), relays[1].tick(Utc::now()));
        for task in a?.into_iter().chain(b?) {
            task.await?;
        }
        if webhooks::health(&db.conn, Some(&admin)).await?.pending == 0 {
            break;
        }
    }
    let mut per_event: HashMap<String, usize> = HashMap::new();
    for received in receiver.got("/ok") {
        let id = received
            .headers
            .get("tandem-event-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        *per_event.entry(id).or_default() += 1;
    }
    assert_eq!(per_event.len(), 60);
    assert!(per_event.values().all(|n| *n == 1), "{per_event:?}");
    Ok(())
}
