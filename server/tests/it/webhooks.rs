//! The webhook relay against a receiver the test starts on 127.0.0.1:
//! signatures, retries, replay, a slow endpoint, two relays at once; and
//! where deliveries may go: loopback only when the operator allows it (as
//! `--webhook-allow-nets` / `TANDEM_WEBHOOK_ALLOW_NETS` does), checked
//! after the name is resolved; the log keeps a reason, never an answer.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Duration,
};
use tandem_domain::testing::db_test;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    routing::post,
    Router,
};
use chrono::Utc;
use clap::Parser;
use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sha2::Sha256;
use tandem_domain::{
    entities::webhook_deliveries,
    messages,
    testing::TestDb,
    {
        access::sign_in as auth,
        integration::webhooks::{self, EndpointInput, Targets},
        platform::outbox,
    },
};
use tandem_server::{
    config::{Cli, Command, ServeArgs},
    webhooks::{Lookup, Relay, RelayConfig},
};
use tokio::sync::Semaphore;

use crate::{
    support::{BoxResult, TestApp, ADMIN_EMAIL, PASSWORD},
    TestResult,
};

/// What the tests' operator allows: the receiver's loopback.
const LOOPBACK: &str = "127.0.0.0/8,::1/128";

/// What `/leak` answers: nothing of it may reach the log.
const LEAK: &str = "db_password=hunter2 \u{1b}[2J<html>internal admin</html>";

/// `tandem serve`'s settings as the operator gives them, with
/// `--webhook-allow-nets` when `allow` is set (the same setting as
/// `TANDEM_WEBHOOK_ALLOW_NETS`).
fn serve_args(allow: Option<&str>) -> BoxResult<ServeArgs> {
    let mut argv = vec!["tandem", "serve"];
    if let Some(allow) = allow {
        argv.extend(["--webhook-allow-nets", allow]);
    }
    match Cli::try_parse_from(argv)?.command {
        Some(Command::Serve(args)) => Ok(*args),
        _ => Err("no serve settings".into()),
    }
}

/// The relay's settings from the operator's, as `tandem serve` builds them.
fn relay_config(allow: Option<&str>) -> BoxResult<RelayConfig> {
    Ok(serve_args(allow)?.relay_config())
}

/// The endpoint addresses the operator's settings allow.
fn targets(allow: Option<&str>) -> BoxResult<Targets> {
    Ok(serve_args(allow)?.webhook_targets())
}

/// A resolver that answers the addresses the test chose for each name
/// (none for other names), as a DNS server under someone else's control
/// could.
struct Answers(HashMap<String, Vec<IpAddr>>);

impl Resolve for Answers {
    fn resolve(&self, name: Name) -> Resolving {
        let addrs: Vec<SocketAddr> = self
            .0
            .get(name.as_str())
            .into_iter()
            .flatten()
            .map(|ip| SocketAddr::new(*ip, 0))
            .collect();
        let addrs: Addrs = Box::new(addrs.into_iter());
        Box::pin(std::future::ready(Ok(addrs)))
    }
}

fn answers(pairs: &[(&str, &[&str])]) -> BoxResult<Lookup> {
    let mut map = HashMap::new();
    for (name, ips) in pairs {
        let ips = ips
            .iter()
            .map(|ip| ip.parse::<IpAddr>())
            .collect::<Result<Vec<_>, _>>()?;
        map.insert((*name).to_owned(), ips);
    }
    Ok(Lookup::with(Arc::new(Answers(map))))
}

/// The receiver's port, from its base URL.
fn port(base: &str) -> BoxResult<u16> {
    Ok(base.rsplit(':').next().ok_or("no port")?.parse()?)
}

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
        "/leak" => (StatusCode::INTERNAL_SERVER_ERROR, LEAK),
        _ => (StatusCode::NO_CONTENT, ""),
    }
}

/// `/moved` redirects to `/ok`; the relay must not follow.
async fn moved() -> (
    StatusCode,
    [(header::HeaderName, &'static str); 1],
    &'static str,
) {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, "/ok")],
        LEAK,
    )
}

/// Starts the receiver; returns its base URL.
async fn start(receiver: Receiver) -> BoxResult<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/moved", post(moved))
        .route("/{path}", post(receive))
        .with_state(receiver);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

async fn admin(db: &TestDb) -> BoxResult<tandem_domain::access::Actor> {
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
        tandem_domain::access::roles::resolve_actor(&db.conn, id, Default::default())
            .await?
            .ok_or("admin inactive")?,
    )
}

/// Registers an endpoint as an admin would, on a portal whose operator
/// allows the receiver's loopback.
async fn hook(
    db: &TestDb,
    admin: &tandem_domain::access::Actor,
    url: String,
    types: &[&str],
) -> BoxResult<(i64, String)> {
    let created = webhooks::create(
        &db.conn,
        admin,
        &EndpointInput {
            name: url.rsplit('/').next().unwrap_or("hook").to_owned(),
            url,
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
            active: true,
        },
        &targets(Some(LOOPBACK))?,
        Utc::now() - chrono::Duration::seconds(5),
    )
    .await?;
    Ok((created.endpoint.id, created.secret))
}

/// The one delivery of an endpoint's log.
async fn only_delivery(
    db: &TestDb,
    admin: &tandem_domain::access::Actor,
    endpoint: i64,
) -> BoxResult<webhooks::Delivery> {
    let log = webhooks::deliveries(&db.conn, admin, endpoint, None, 1, 50).await?;
    assert_eq!(log.items.len(), 1, "{:?}", log.items);
    Ok(log.items.into_iter().next().ok_or("no delivery")?)
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

#[db_test]
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
            ..relay_config(Some(LOOPBACK))?
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
    let log = webhooks::deliveries(&db.conn, &admin, flaky, None, 1, 50).await?;
    let failed: Vec<_> = log.items.iter().filter(|d| d.status == "pending").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_status_code, Some(503));
    assert_eq!(
        failed[0].last_error, "HTTP 503",
        "the status, not the answer"
    );
    assert!(failed[0].next_attempt_at > now + chrono::Duration::seconds(25));
    // The hanging endpoint: no answer within the timeout.
    let hung = webhooks::deliveries(&db.conn, &admin, hang, None, 1, 50).await?;
    assert_eq!(hung.items[0].last_status_code, None);
    assert_eq!(hung.items[0].last_error, messages::WEBHOOK_TIMED_OUT);
    // Nothing is due before the backoff ends; then the retry succeeds.
    run(&relay, now + chrono::Duration::seconds(5)).await?;
    assert_eq!(receiver.got("/flaky").len(), 2);
    run(&relay, Utc::now() + chrono::Duration::seconds(31)).await?;
    assert_eq!(receiver.got("/flaky").len(), 3);
    let log = webhooks::deliveries(&db.conn, &admin, flaky, Some("delivered"), 1, 50).await?;
    assert_eq!(log.total, 2);
    let retried = log
        .items
        .iter()
        .find(|d| d.attempts == 2)
        .ok_or("no retry")?;
    assert_eq!(retried.last_status_code, Some(200));
    // Replay a delivered event: it arrives again, with the same event id.
    let first = webhooks::deliveries(&db.conn, &admin, ok, None, 1, 50).await?;
    let replayed = &first.items[0];
    webhooks::replay(&db.conn, &admin, replayed.id, Utc::now()).await?;
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

#[db_test]
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
            ..relay_config(Some(LOOPBACK))?
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

#[db_test]
async fn two_relays_deliver_each_event_once() -> TestResult {
    let db = TestDb::new().await?;
    let admin = admin(&db).await?;
    let receiver = Receiver::default();
    let base = start(receiver.clone()).await?;
    hook(&db, &admin, format!("{base}/ok"), &["*"]).await?;
    publish(&db, "order.confirmed", 60).await?;
    let relays = [
        Relay::new(db.conn.clone(), relay_config(Some(LOOPBACK))?)?,
        Relay::new(db.conn.clone(), relay_config(Some(LOOPBACK))?)?,
    ];
    for _ in 0..100 {
        let (a, b) = tokio::join!(relays[0].tick(Utc::now()), relays[1].tick(Utc::now()));
        for task in a?.into_iter().chain(b?) {
            task.await?;
        }
        if webhooks::health(&db.conn, &admin).await?.pending == 0 {
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

#[db_test]
async fn a_name_that_resolves_to_an_internal_address_is_refused_at_delivery() -> TestResult {
    let db = TestDb::new().await?;
    let admin = admin(&db).await?;
    let receiver = Receiver::default();
    let base = start(receiver.clone()).await?;
    let port = port(&base)?;
    // Public-looking names pass registration on a portal that allows
    // nothing internal; only their resolution tells where they lead.
    const REBOUND: &str = "rebound.example.test";
    const MIXED: &str = "mixed.example.test";
    const SIDEWAYS: &str = "sideways.example.test";
    let mut ids = HashMap::new();
    for name in [REBOUND, MIXED, SIDEWAYS] {
        let created = webhooks::create(
            &db.conn,
            &admin,
            &EndpointInput {
                name: name.to_owned(),
                url: format!("http://{name}:{port}/ok"),
                event_types: vec!["*".into()],
                active: true,
            },
            &targets(None)?,
            Utc::now() - chrono::Duration::seconds(5),
        )
        .await?;
        ids.insert(name, created.endpoint.id);
    }
    // Registered while the operator allowed loopback, which is then
    // withdrawn: an address in the URL and `localhost` are checked anew.
    let (literal, _) = hook(&db, &admin, format!("{base}/ok"), &["*"]).await?;
    let (local, _) = hook(&db, &admin, format!("http://localhost:{port}/ok"), &["*"]).await?;
    publish(&db, "order.confirmed", 1).await?;
    let lookup = answers(&[
        (REBOUND, &["127.0.0.1"]),
        // A public address beside the loopback one does not help.
        (MIXED, &["93.184.215.14", "127.0.0.1"]),
        // Nor does an allowed one beside a private one.
        (SIDEWAYS, &["127.0.0.1", "10.0.0.5"]),
        ("localhost", &["127.0.0.1"]),
    ])?;
    let strict = Relay::new(
        db.conn.clone(),
        RelayConfig {
            lookup: lookup.clone(),
            ..relay_config(None)?
        },
    )?;
    run(&strict, Utc::now()).await?;
    assert!(receiver.got("/ok").is_empty(), "nothing reached loopback");
    for endpoint in [ids[REBOUND], ids[MIXED], ids[SIDEWAYS], literal, local] {
        let delivery = only_delivery(&db, &admin, endpoint).await?;
        assert_eq!(delivery.status, webhooks::PENDING);
        assert_eq!(delivery.attempts, 1);
        assert_eq!(delivery.last_status_code, None);
        assert_eq!(delivery.last_error, messages::WEBHOOK_NOT_ALLOWED);
    }
    // (The mixed name would now be tried at its public address: out of a
    // test's reach.)
    webhooks::delete(&db.conn, &admin, ids[MIXED]).await?;
    // The operator allows loopback: the same deliveries go out on their
    // retry, except to the name that also resolves to a private address.
    let allowing = Relay::new(
        db.conn.clone(),
        RelayConfig {
            lookup,
            ..relay_config(Some(LOOPBACK))?
        },
    )?;
    run(&allowing, Utc::now() + chrono::Duration::seconds(31)).await?;
    assert_eq!(receiver.got("/ok").len(), 3);
    for endpoint in [ids[REBOUND], literal, local] {
        let delivery = only_delivery(&db, &admin, endpoint).await?;
        assert_eq!(delivery.status, webhooks::DELIVERED);
        assert_eq!(delivery.last_status_code, Some(204));
        assert_eq!(delivery.last_error, "");
    }
    let sideways = only_delivery(&db, &admin, ids[SIDEWAYS]).await?;
    assert_eq!(
        (sideways.attempts, sideways.last_error.as_str()),
        (2, messages::WEBHOOK_NOT_ALLOWED)
    );
    Ok(())
}

#[db_test]
async fn the_delivery_log_keeps_the_status_never_what_the_endpoint_answered() -> TestResult {
    let db = TestDb::new().await?;
    let admin = admin(&db).await?;
    let receiver = Receiver::default();
    let base = start(receiver.clone()).await?;
    let (leak, _) = hook(&db, &admin, format!("{base}/leak"), &["*"]).await?;
    let (moved, _) = hook(&db, &admin, format!("{base}/moved"), &["*"]).await?;
    publish(&db, "order.confirmed", 1).await?;
    let relay = Relay::new(db.conn.clone(), relay_config(Some(LOOPBACK))?)?;
    run(&relay, Utc::now()).await?;
    let failed = only_delivery(&db, &admin, leak).await?;
    assert_eq!(failed.last_status_code, Some(500));
    assert_eq!(failed.last_error, "HTTP 500");
    // A redirect is not followed: its status is the outcome.
    let redirected = only_delivery(&db, &admin, moved).await?;
    assert_eq!(redirected.last_status_code, Some(307));
    assert_eq!(redirected.last_error, "HTTP 307");
    assert!(
        receiver.got("/ok").is_empty(),
        "the redirect was not followed"
    );
    // Nothing of the answers is stored anywhere in the rows.
    let rows = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.is_in([leak, moved]))
        .all(&db.conn)
        .await?;
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert!(!format!("{row:?}").contains("hunter2"), "{row:?}");
    }
    Ok(())
}

#[db_test]
async fn the_admin_page_refuses_internal_targets_and_shows_only_reasons() -> TestResult {
    let app = TestApp::new().await?;
    let cookie = app.login(ADMIN_EMAIL, PASSWORD).await?;
    const JSON: &str = "application/json";
    let form = |url: &str| {
        serde_json::json!({ "form": {
            "name": "internal", "url": url, "event_types": ["*"], "active": true
        } })
        .to_string()
    };
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:3000/hook",
        "http://0x7f.1/",
        "http://localhost:3000/hook",
        "http://[fd00:ec2::254]/",
    ] {
        let reply = app
            .send(
                "POST",
                "/api/admin/webhooks/create",
                Some(&cookie),
                Some(JSON),
                &form(url),
            )
            .await?;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(messages::WEBHOOK_URL_INTERNAL),
            "{url}: {}",
            reply.body
        );
    }
    let admin = app.admin().await?;
    assert!(webhooks::list(&app.db.conn, &admin).await?.is_empty());
    // An endpoint that answers with a page of secrets: the log page shows
    // its status only.
    let receiver = Receiver::default();
    let base = start(receiver).await?;
    // The demo data's events are handed out first (to no endpoint), so the
    // new endpoint hears only the one published after it.
    let relay = Relay::new(app.db.conn.clone(), relay_config(Some(LOOPBACK))?)?;
    run(&relay, Utc::now()).await?;
    let (leak, _) = hook(&app.db, &admin, format!("{base}/leak"), &["*"]).await?;
    publish(&app.db, "order.confirmed", 1).await?;
    run(&relay, Utc::now()).await?;
    let body = serde_json::json!({ "endpoint_id": leak, "status": null, "page": 1 }).to_string();
    let reply = app
        .send(
            "POST",
            "/api/admin/webhooks/deliveries",
            Some(&cookie),
            Some(JSON),
            &body,
        )
        .await?;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("HTTP 500"), "{}", reply.body);
    assert!(!reply.body.contains("hunter2") && !reply.body.contains("internal admin"));
    Ok(())
}

#[test]
fn the_operator_setting_lists_networks_and_refuses_malformed_ones() -> TestResult {
    let allowed = targets(Some(" 10.1.0.0/16, fd00::/8 ,,127.0.0.1"))?;
    assert_eq!(
        allowed
            .allowed()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["10.1.0.0/16", "fd00::/8", "127.0.0.1/32"]
    );
    assert!(allowed.allows("10.1.200.3".parse()?));
    assert!(!allowed.allows("10.2.0.1".parse()?));
    assert!(!allowed.allows("127.0.0.2".parse()?));
    assert!(targets(None)?.allowed().is_empty(), "nothing by default");
    for bad in [
        "10.0.0.0/33",
        "localhost",
        "127.1",
        "10.0.0.0/8;rm",
        "0x7f000001",
    ] {
        assert!(serve_args(Some(bad)).is_err(), "{bad:?}");
    }
    Ok(())
}
