//! The webhook relay: fans new outbox events out to the endpoints, claims
//! due deliveries with a lease and POSTs them, signed, each in its own task
//! (a slow endpoint holds only its own slots), then records the outcome.
//! The rules and the data are `tandem_domain::integration::webhooks`.
//!
//! Every delivery goes only where [`RelayConfig::targets`] allows: the
//! URL is checked again before sending (an address written in it is never
//! resolved), and the client resolves names through `Guard`, which
//! refuses a name when any of its addresses is not allowed and otherwise
//! hands exactly the checked addresses to the connection, so a name that
//! resolves elsewhere on the next lookup (DNS rebinding) gains nothing.
//! No proxy is used (the proxy's address would be the one checked) and no
//! redirect is followed. What an endpoint answers is never read: only its
//! status is recorded.

use std::{
    collections::HashMap,
    error::Error as StdError,
    fmt,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tandem_domain::{
    integration::webhooks::{self, Due, Failure, Outcome, Targets},
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
    /// The addresses deliveries may reach: public ones and the networks of
    /// `TANDEM_WEBHOOK_ALLOW_NETS`.
    pub targets: Targets,
    /// How names are looked up; whatever it answers is checked against
    /// `targets` before a connection is made.
    pub lookup: Lookup,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 32,
            per_endpoint: 8,
            targets: Targets::public_only(),
            lookup: Lookup::default(),
        }
    }
}

/// Where the relay looks names up: the system's resolver, unless another
/// is given (tests give one that answers what they choose).
#[derive(Clone, Default)]
pub struct Lookup(Option<Arc<dyn Resolve>>);

impl Lookup {
    /// Names are looked up by `resolver` instead of the system.
    pub fn with(resolver: Arc<dyn Resolve>) -> Self {
        Self(Some(resolver))
    }
}

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Lookup(custom)"
        } else {
            "Lookup(system)"
        })
    }
}

/// A name resolved to an address deliveries may not reach.
#[derive(Debug)]
struct NotAllowed;

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name resolves to an address webhooks may not reach")
    }
}

impl StdError for NotAllowed {}

/// A name with no address.
#[derive(Debug)]
struct Unresolved;

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name does not resolve")
    }
}

impl StdError for Unresolved {}

type BoxError = Box<dyn StdError + Send + Sync>;

/// The client's resolver: looks a name up and passes its addresses on only
/// when every one of them is allowed. The connection is made to these very
/// addresses, so nothing resolves twice.
struct Guard {
    targets: Targets,
    lookup: Lookup,
}

async fn guarded(targets: Targets, lookup: Lookup, name: Name) -> Result<Addrs, BoxError> {
    let addrs: Vec<SocketAddr> = match lookup.0 {
        Some(resolver) => resolver
            .resolve(name)
            .await
            .map_err(|_| Unresolved)?
            .collect(),
        None => tokio::net::lookup_host((name.as_str(), 0))
            .await
            .map_err(|_| Unresolved)?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(Unresolved.into());
    }
    // One internal address is enough to refuse the name: a public one
    // beside it would only decide which of them the connection tries.
    if addrs.iter().any(|addr| !targets.allows(addr.ip())) {
        return Err(NotAllowed.into());
    }
    Ok(Box::new(addrs.into_iter()))
}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(guarded(self.targets.clone(), self.lookup.clone(), name))
    }
}

/// Why a request got no answer, in the log's few words.
fn failure(err: &reqwest::Error) -> Failure {
    if err.is_timeout() {
        return Failure::TimedOut;
    }
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(cause) = source {
        if cause.is::<NotAllowed>() {
            return Failure::NotAllowed;
        }
        if cause.is::<Unresolved>() {
            return Failure::Unresolved;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Failure::Refused,
                std::io::ErrorKind::TimedOut => return Failure::TimedOut,
                _ => {}
            }
        }
        source = cause.source();
    }
    Failure::Connection
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
        let guard = Arc::new(Guard {
            targets: config.targets.clone(),
            lookup: config.lookup.clone(),
        });
        let client = reqwest::Client::builder()
            .user_agent(concat!("Tandem-Webhooks/", env!("CARGO_PKG_VERSION")))
            // A redirect is an answer like any other non-2xx: the endpoint's
            // address is what the admin registered.
            .redirect(reqwest::redirect::Policy::none())
            // Straight to the endpoint: through a proxy (HTTP_PROXY), the
            // proxy's address would be the one checked.
            .no_proxy()
            .dns_resolver(guard)
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
                    Outcome::Failed(_) => "failed",
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
        // Checked again at each attempt: the allowed networks may have
        // changed, and an address written in the URL is never resolved, so
        // the resolver's check does not see it.
        let Ok(url) = self.config.targets.check(&due.url) else {
            return Outcome::Failed(Failure::NotAllowed);
        };
        let timestamp = Utc::now().timestamp();
        let request = self
            .client
            .post(url)
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
        // The answer's body is never read: only its status is kept.
        match request.send().await {
            Ok(response) if response.status().is_success() => Outcome::Delivered {
                status_code: response.status().as_u16(),
            },
            Ok(response) => Outcome::Failed(Failure::Status(response.status().as_u16())),
            Err(err) => {
                let why = failure(&err);
                // The full error (it may name internal hosts) stays in the
                // server's log; the delivery log gets the short reason.
                tracing::debug!(%err, delivery = due.delivery_id, ?why, "a webhook attempt failed");
                Outcome::Failed(why)
            }
        }
    }
}

/// Runs the relay for the life of the process.
pub fn spawn(db: Db, config: RelayConfig) {
    if !config.targets.allowed().is_empty() {
        let nets: Vec<String> = config
            .targets
            .allowed()
            .iter()
            .map(ToString::to_string)
            .collect();
        tracing::info!(allowed = %nets.join(","), "webhooks may also reach these networks");
    }
    let relay = match Relay::new(db, config) {
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
