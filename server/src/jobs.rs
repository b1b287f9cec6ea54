//! Background jobs of one `tandem` process.

use std::time::Duration;

use tandem_domain::{
    Db,
    {
        access::sessions, analytics::report_runs, billing::invoices, integration::idempotency,
        service::tickets,
    },
};

/// How often API idempotency keys past their day are removed.
const IDEMPOTENCY_SWEEP: Duration = Duration::from_secs(60 * 60);
/// How often expired sessions are removed.
const SESSION_SWEEP: Duration = Duration::from_secs(15 * 60);
/// How often invoices past their due date are flagged overdue.
const OVERDUE_SWEEP: Duration = Duration::from_secs(15 * 60);
/// How often SLA deadlines are checked for "breaching soon" and "breached".
const SLA_SWEEP: Duration = Duration::from_secs(5 * 60);
/// How often due report subscriptions are queued and queued reports run.
const REPORT_SWEEP: Duration = Duration::from_secs(10);

/// Starts the background jobs; they stop with the runtime.
pub fn spawn(db: Db) {
    let sessions_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SESSION_SWEEP);
        loop {
            tick.tick().await;
            match sessions::delete_expired(&sessions_db).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "expired sessions removed"),
                Err(err) => tracing::warn!(%err, "could not remove expired sessions"),
            }
        }
    });
    let keys_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(IDEMPOTENCY_SWEEP);
        loop {
            tick.tick().await;
            match idempotency::sweep(&keys_db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "old idempotency keys removed"),
                Err(err) => tracing::warn!(%err, "could not remove old idempotency keys"),
            }
        }
    });
    // Tells assignees and queue managers about SLA deadlines coming up or
    // missed; each alert is sent once (a conditional update per ticket).
    let sla_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SLA_SWEEP);
        loop {
            tick.tick().await;
            match tickets::sla_alerts(&sla_db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(alerted) => tracing::info!(alerted, "SLA alerts sent"),
                Err(err) => tracing::warn!(%err, "could not check SLA deadlines"),
            }
        }
    });
    // Generates scheduled and requested reports off the request path, so a
    // long report never holds up a page; progress is kept on the run.
    let report_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REPORT_SWEEP);
        loop {
            tick.tick().await;
            match report_runs::tick(&report_db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(finished) => tracing::info!(finished, "reports generated"),
                Err(err) => tracing::warn!(%err, "could not generate reports"),
            }
        }
    });
    // Flags overdue invoices (UTC day) and tells their owners; each invoice
    // flips once, in its own transaction, so several instances may run it.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(OVERDUE_SWEEP);
        loop {
            tick.tick().await;
            match invoices::flag_overdue(&db, chrono::Utc::now().date_naive()).await {
                Ok(0) => {}
                Ok(flagged) => tracing::info!(flagged, "invoices flagged overdue"),
                Err(err) => tracing::warn!(%err, "could not flag overdue invoices"),
            }
        }
    });
}
