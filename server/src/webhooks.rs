//! The webhook relay: fans new outbox events out to the endpoints, claims
//! due deliveries with a lease and POSTs them, signed, each in its own task
//! (a slow endpoint holds only its own slots), then records the outcome.
//! The rules and the data are `tandem_domain::services::webhooks`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use tandem_domain::{
    services::webhooks::{self, Due, Outcome},
    Db,
};
use tokio::{sync::Semaphore, task::JoinHandle};

/// How the relay sends.
#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// How long an endpoint has to answer one delivery.
    pub timeout: Duration,
    /// Deliveries in flight at once, over all endpoints.
    pub concurrency: usize,
    /// Deliveries in flight at once to one endpoint.
    pub per_endpoint: usize,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 32,
            per_endpoint: 8,
        }
    }
}

/// Events fanned out per statement.
const FAN_OUT_BATCH: u64 = 500;
/// Pause between rounds when there was nothing to send.
const IDLE: Duration = Duration::from_secs(1);
/// Pause between rounds while there is work.
const BUSY: Duration = Duration::from_millis(20);

/// One relay (one per `tandem` process).
#[derive(Clone)]
pub struct Relay {
    db: Db,
    owner: String,
    client: reqwest::Client,
    config: RelayConfig,
    busy: Arc<Mutex<HashMap<i64, usize>>>,
    slots: Arc<Semaphore>,
}

fn lock(busy: &Mutex<HashMap<i64, usize>>) -> std::sync::MutexGuard<'_, HashMap<i64, usize>> {
    busy.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Relay {
    /// A relay over `db`, named uniquely (its leases carry the name).
    pub fn new(db: Db, config: RelayConfig) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("Tandem-Webhooks/", env!("CARGO_PKG_VERSION")))
            // A redirect is an answer like any other non-2xx: the endpoint's
            // address is what the admin registered.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.timeout)
            .build()?;
        let owner = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Ok(Self {
            db,
            owner,
            client,
            slots: Arc::new(Semaphore::new(config.concurrency.max(1))),
            config,
            busy: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// One round at `now`: fan out new events, claim what is due and free
    /// slots allow, and start sending it. Returns the sending tasks (the
    /// background loop does not wait for them; tests may).
    pub async fn tick(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<JoinHandle<()>>> {
        // Bounded: a huge backlog is worked through over several rounds.
        for _ in 0..20 {
            if webhooks::fan_out(&self.db, now, FAN_OUT_BATCH).await?
                < usize::try_from(FAN_OUT_BATCH).unwrap_or(usize::MAX)
            {
                break;
            }
        }
        let free = self.slots.available_permits();
        let busy = lock(&self.busy).clone();
        let due = webhooks::claim(
            &self.db,
            &self.owner,
            now,
            free,
            self.config.per_endpoint,
            &busy,
        )
        .await?;
        let mut tasks = Vec::with_capacity(due.len());
        for due in due {
            let Ok(permit) = self.slots.clone().acquire_owned().await else {
                break;
            };
            *lock(&self.busy).entry(due.endpoint_id).or_default() += 1;
            let relay = self.clone();
            tasks.push(tokio::spawn(async move {
                let outcome = relay.send(&due).await;
                let kind = match outcome {
                    Outcome::Delivered { .. } => "delivered",
                    Outcome::Failed { .. } => "failed",
                };
                metrics::counter!("tandem_webhook_attempts_total", "outcome" => kind)
                    .increment(1);
                if let Err(err) =
                    webhooks::record(&relay.db, due.delivery_id, &relay.owner, &outcome, Utc::now())
                        .await
                {
                    tracing::warn!(%err, delivery = due.delivery_id, "could not record a webhook attempt");
                }
                let mut busy = lock(&relay.busy);
                if let Some(n) = busy.get_mut(&due.endpoint_id) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        busy.remove(&due.endpoint_id);
                    }
                }
                drop(permit);
            }));
        }
        Ok(tasks)
    }

    async fn send(&self, due: &Due) -> Outcome {
        let timestamp = Utc::now().timestamp();
        let request = self
            .client
            .post(&due.url)
            .timeout(self.config.timeout)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(webhooks::TIMESTAMP_HEADER, timestamp.to_string())
            .header(
                webhooks::SIGNATURE_HEADER,
                webhooks::sign(&due.secret, timestamp, &due.body),
            )
            .header(webhooks::EVENT_HEADER, &due.event_type)
            .header(webhooks::EVENT_ID_HEADER, due.event_id.to_string())
            .header(webhooks::DELIVERY_HEADER, due.delivery_id.to_string())
            .body(due.body.clone());
        match request.send().await {
            Ok(response) if response.status().is_success() => Outcome::Delivered {
                status_code: response.status().as_u16(),
            },
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                Outcome::Failed {
                    status_code: Some(status),
                    error: text.chars().take(500).collect(),
                }
            }
            Err(err) => Outcome::Failed {
                status_code: None,
                error: if err.is_timeout() {
                    format!("no answer within {} s", self.config.timeout.as_secs())
                } else {
                    // The source says why (refused, DNS, TLS).
                    std::error::Error::source(&err)
                        .map_or_else(|| err.to_string(), |s| format!("{err}: {s}"))
                },
            },
        }
    }
}

/// Runs the relay for the life of the process.
pub fn spawn(db: Db) {
    let relay = match Relay::new(db, RelayConfig::default()) {
        Ok(relay) => relay,
        Err(err) => {
            tracing::error!(%err, "the webhook relay cannot start");
            return;
        }
    };
    tokio::spawn(async move {
        loop {
            let pause = match relay.tick(Utc::now()).await {
                Ok(tasks) if !tasks.is_empty() => BUSY,
                Ok(_) => IDLE,
                Err(err) => {
                    tracing::warn!(%err, "the webhook relay round failed");
                    IDLE
                }
            };
            tokio::time::sleep(pause).await;
        }
    });
}
