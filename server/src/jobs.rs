//! Background jobs of one `tandem` process.

use std::time::Duration;

use tandem_domain::{services::sessions, Db};

/// How often expired sessions are removed.
const SESSION_SWEEP: Duration = Duration::from_secs(15 * 60);

/// Starts the background jobs; they stop with the runtime.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SESSION_SWEEP);
        loop {
            tick.tick().await;
            match sessions::delete_expired(&db).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "expired sessions removed"),
                Err(err) => tracing::warn!(%err, "could not remove expired sessions"),
            }
        }
    });
}
