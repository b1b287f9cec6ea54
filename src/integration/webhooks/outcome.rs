//! How an attempt went ([`Outcome`], [`Failure`] and the short reason the
//! log keeps), the retry delay, and recording an attempt.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};

use super::{BACKOFF_BASE, BACKOFF_CAP, DELIVERED, FAILED, MAX_ATTEMPTS, PENDING};
use crate::{entities::webhook_deliveries, messages, Result};

/// How an attempt went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint answered 2xx.
    Delivered {
        /// Its status.
        status_code: u16,
    },
    /// Any other answer, or none.
    Failed(Failure),
}

/// Why an attempt failed. Only this is kept: what the endpoint sent back
/// may be anything (an internal page, a secret), so it is never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The endpoint answered with this status, not 2xx (a redirect too:
    /// redirects are not followed).
    Status(u16),
    /// No answer within the relay's timeout.
    TimedOut,
    /// The connection was refused.
    Refused,
    /// The address, as written or as its name resolved, is not one
    /// webhooks may reach (see [`Targets`]).
    ///
    /// [`Targets`]: super::Targets
    NotAllowed,
    /// The name did not resolve.
    Unresolved,
    /// Any other failure to connect or exchange the request (TLS, reset).
    Connection,
}

impl Failure {
    /// The endpoint's status, when it answered.
    pub fn status_code(self) -> Option<u16> {
        match self {
            Self::Status(code) => Some(code),
            _ => None,
        }
    }

    /// The short reason the delivery log keeps and shows.
    pub fn reason(self) -> String {
        match self {
            Self::Status(code) => format!("HTTP {code}"),
            Self::TimedOut => messages::WEBHOOK_TIMED_OUT.to_owned(),
            Self::Refused => messages::WEBHOOK_REFUSED.to_owned(),
            Self::NotAllowed => messages::WEBHOOK_NOT_ALLOWED.to_owned(),
            Self::Unresolved => messages::WEBHOOK_UNRESOLVED.to_owned(),
            Self::Connection => messages::WEBHOOK_CONNECTION_FAILED.to_owned(),
        }
    }
}

/// The longest failure reason shown.
const REASON_MAX: usize = 60;

/// A stored reason as the log shows it: printable characters only, at most
/// [`REASON_MAX`] of them (rows written before reasons were short).
pub(super) fn shown_reason(stored: &str) -> String {
    let cleaned: String = stored
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(REASON_MAX)
        .collect()
}

/// The delay before the attempt after `attempts` failed ones.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let delay = BACKOFF_BASE * 2_i32.saturating_pow(doublings);
    delay.min(BACKOFF_CAP)
}

/// Records an attempt by the relay `owner`: delivered, or due again after
/// [`backoff`] (given up after [`MAX_ATTEMPTS`]). The lease ends. An
/// attempt whose lease another relay has since taken is not recorded: that
/// relay's attempt is.
pub async fn record(
    db: &DatabaseConnection,
    delivery_id: i64,
    owner: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = db.begin().await?;
    let Some(delivery) = webhook_deliveries::Entity::find_by_id(delivery_id)
        .filter(webhook_deliveries::Column::LeaseOwner.eq(owner))
        .filter(webhook_deliveries::Column::Status.eq(PENDING))
        .one(&txn)
        .await?
    else {
        return Ok(());
    };
    let attempts = delivery.attempts + 1;
    let mut model: webhook_deliveries::ActiveModel = delivery.into();
    model.attempts = Set(attempts);
    model.last_attempt_at = Set(Some(now));
    model.lease_until = Set(None);
    model.lease_owner = Set(String::new());
    match outcome {
        Outcome::Delivered { status_code } => {
            model.status = Set(DELIVERED.to_owned());
            model.last_status_code = Set(Some(i32::from(*status_code)));
            model.last_error = Set(String::new());
            model.delivered_at = Set(Some(now));
        }
        Outcome::Failed(failure) => {
            model.last_status_code = Set(failure.status_code().map(i32::from));
            model.last_error = Set(failure.reason());
            if attempts >= MAX_ATTEMPTS {
                model.status = Set(FAILED.to_owned());
            } else {
                model.next_attempt_at = Set(now + backoff(attempts));
            }
        }
    }
    model.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(11), Duration::hours(6));
        assert_eq!(backoff(MAX_ATTEMPTS), Duration::hours(6));
    }

    #[test]
    fn a_failure_keeps_a_short_reason_never_an_answer() {
        assert_eq!(Failure::Status(500).reason(), "HTTP 500");
        assert_eq!(Failure::Status(302).status_code(), Some(302));
        assert_eq!(Failure::TimedOut.status_code(), None);
        assert_eq!(Failure::NotAllowed.reason(), messages::WEBHOOK_NOT_ALLOWED);
        let old = format!("<html>\u{1b}[31m secret\r\n\t{}", "x".repeat(500));
        let shown = shown_reason(&old);
        assert!(shown.chars().count() <= REASON_MAX);
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }
}
