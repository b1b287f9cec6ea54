//! Webhook delivery throughput: publishes N events to the outbox, starts a
//! receiver on 127.0.0.1 that checks every signature, registers it as an
//! endpoint and runs the relay (as `tandem serve` does) until every event is
//! delivered; prints events per second.
//!
//! `cargo run --release -p tandem-server --example webhook_bench -- [events]`
//! on a fresh SQLite database, or on PostgreSQL with `TANDEM_TEST_PG_URL`
//! set (a new database is created there and dropped afterwards).

use std::{
    io::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};
use sea_orm::TransactionTrait;
use tandem_domain::{
    testing::{engine_name, TestDb},
    {access::roles as access, access::sign_in as auth, integration::webhooks, platform::outbox},
};
use tandem_server::webhooks::{Relay, RelayConfig};

#[derive(Clone)]
struct Receiver {
    secret: Arc<std::sync::OnceLock<String>>,
    good: Arc<AtomicU64>,
    bad: Arc<AtomicU64>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let text = String::from_utf8_lossy(&body);
    let stamp = headers
        .get(webhooks::TIMESTAMP_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let signature = headers
        .get(webhooks::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let secret = r.secret.get().map(String::as_str).unwrap_or("");
    if webhooks::sign(secret, stamp, &text) == signature {
        r.good.fetch_add(1, Ordering::Relaxed);
        StatusCode::NO_CONTENT
    } else {
        r.bad.fetch_add(1, Ordering::Relaxed);
        StatusCode::UNAUTHORIZED
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let events: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let db = TestDb::new().await?;
    auth::create_admin(
        &db.conn,
        "bench@example.com",
        "Bench",
        Some("bench-pass-12345".into()),
    )
    .await?;
    let id = auth::login(
        &db.conn,
        "bench@example.com",
        "bench-pass-12345",
        &Default::default(),
        &Default::default(),
    )
    .await?;
    let admin = access::resolve_actor(&db.conn, id, Default::default())
        .await?
        .ok_or("admin inactive")?;
    let receiver = Receiver {
        secret: Arc::new(std::sync::OnceLock::new()),
        good: Arc::new(AtomicU64::new(0)),
        bad: Arc::new(AtomicU64::new(0)),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    // The receiver is on loopback: allowed as an operator would allow it.
    let targets = webhooks::Targets::allowing(vec!["127.0.0.0/8".parse::<webhooks::Net>()?]);
    let created = webhooks::create(
        &db.conn,
        &admin,
        &webhooks::EndpointInput {
            name: "bench".into(),
            url,
            event_types: vec!["*".into()],
            active: true,
        },
        &targets,
        chrono::Utc::now() - chrono::Duration::seconds(1),
    )
    .await?;
    let _ = receiver.secret.set(created.secret);
    let mut left = events;
    while left > 0 {
        let txn = db.conn.begin().await?;
        for i in 0..left.min(1000) {
            outbox::publish(
                &txn,
                "order.confirmed",
                "order",
                i,
                serde_json::json!({ "number": format!("SO-{i:06}"), "total_minor": 129_900 }),
            )
            .await?;
        }
        txn.commit().await?;
        left = left.saturating_sub(1000);
    }
    let relay = Relay::new(
        db.conn.clone(),
        RelayConfig {
            targets,
            ..Default::default()
        },
    )?;
    let started = Instant::now();
    let limit = Duration::from_secs(600);
    while receiver.good.load(Ordering::Relaxed) < events && started.elapsed() < limit {
        let tasks = relay.tick(chrono::Utc::now()).await?;
        if tasks.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let good = receiver.good.load(Ordering::Relaxed);
    writeln!(
        std::io::stdout().lock(),
        "webhook delivery on {}: {good} of {events} events delivered and verified in {seconds:.1} s = {:.0} events/s (bad signatures: {}; relay: 32 in flight, 8 per endpoint)",
        engine_name(),
        good as f64 / seconds,
        receiver.bad.load(Ordering::Relaxed)
    )?;
    Ok(())
}
