//! Idempotency keys of API write requests: a client that retries a request
//! (a timeout, a dropped connection, a server that died) with the same
//! `Idempotency-Key` gets the first answer back and nothing is done twice.
//!
//! The key, the write and the answer are one transaction: the API opens
//! it, [`claim`]s the key in it (a row without an answer yet), runs the
//! request in it and, on success, [`complete`]s the row with the answer
//! before committing. So a key is never seen held by a request that no
//! longer runs: a process killed half-way leaves nothing (neither key nor
//! write) and the retry runs the write once; a committed write always has
//! its answer. A copy racing a running request waits on the unique index of
//! (token, key) until the first commits (then replays its answer) or rolls
//! back (then runs itself). A failed request rolls its key back with
//! everything else, so a retry runs again, after the client fixed the input
//! or the stock came in; the one refusal that still keeps a change (a
//! confirmation waiting for an approval notes the request for one) commits
//! like a success, its key keeping the refusal. So every request that
//! committed keeps its answer. Answers are kept for a day.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use crate::{entities::idempotency_keys, messages, Error, Result};

/// How long a key and its answer are kept.
pub const KEEP: Duration = Duration::hours(24);
/// The header a client sends the key in (also the field of errors about it).
pub const HEADER: &str = "Idempotency-Key";
/// How often [`claim`] looks again at a key that went away under it.
const ATTEMPTS: usize = 3;

/// What to do with a request that carries a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: run the request in the same transaction, then
    /// [`complete`] this claim and commit (or roll everything back).
    Fresh(i64),
    /// The key answered before: send this again.
    Replay {
        /// The first answer's HTTP status.
        status: u16,
        /// The first answer's body.
        body: String,
    },
}

/// What identifies a request for its key: method, path and body.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update([0]);
    hash.update(path.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a key's shape: 1 to 200 visible ASCII characters.
pub fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::field(HEADER, messages::IDEMPOTENCY_KEY_INVALID));
    }
    Ok(())
}

/// Claims `key` for a request of `token_id`, inside the transaction the
/// request then runs in (`db`). The same key with a different request is a
/// validation error. A copy of the request that is still running holds the
/// key's row uncommitted: on PostgreSQL the insert here waits for it, on
/// SQLite its transaction holds the one writer; either way this answers
/// after the copy committed (a replay) or rolled back (a fresh claim).
pub async fn claim(
    db: &impl ConnectionTrait,
    token_id: i64,
    key: &str,
    method: &str,
    path: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Claim> {
    check_key(key)?;
    for _ in 0..ATTEMPTS {
        let inserted = idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
            token_id: Set(token_id),
            key: Set(key.to_owned()),
            method: Set(method.to_owned()),
            path: Set(path.chars().take(500).collect()),
            fingerprint: Set(fingerprint.to_owned()),
            status: Set(None),
            response: Set(String::new()),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                idempotency_keys::Column::TokenId,
                idempotency_keys::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        let found = idempotency_keys::Entity::find()
            .filter(idempotency_keys::Column::TokenId.eq(token_id))
            .filter(idempotency_keys::Column::Key.eq(key))
            .one(db)
            .await?;
        // Gone between the insert and the read (swept): insert again.
        let Some(row) = found else { continue };
        if inserted == 1 {
            return Ok(Claim::Fresh(row.id));
        }
        // Expired, or committed without an answer, which only a version that
        // claimed keys outside the request's transaction left behind when it
        // died: nothing runs under it any more, so the key is taken over.
        let live = row.created_at + KEEP > now;
        let Some(status) = row.status.filter(|_| live) else {
            idempotency_keys::Entity::delete_many()
                .filter(idempotency_keys::Column::Id.eq(row.id))
                .filter(idempotency_keys::Column::CreatedAt.eq(row.created_at))
                .exec(db)
                .await?;
            continue;
        };
        if row.fingerprint != fingerprint {
            return Err(Error::field(HEADER, messages::IDEMPOTENCY_KEY_REUSED));
        }
        return Ok(Claim::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body: row.response,
        });
    }
    // Taken and released again and again under us: the client may retry.
    Err(Error::Conflict(messages::IDEMPOTENCY_IN_PROGRESS.into()))
}

/// Keeps the answer of a claimed request for replays; call it in the
/// request's transaction, before committing.
pub async fn complete(
    db: &impl ConnectionTrait,
    claim: i64,
    status: u16,
    body: &str,
) -> Result<()> {
    idempotency_keys::Entity::update_many()
        .col_expr(
            idempotency_keys::Column::Status,
            sea_orm::sea_query::Expr::value(i32::from(status)),
        )
        .col_expr(
            idempotency_keys::Column::Response,
            sea_orm::sea_query::Expr::value(body),
        )
        .filter(idempotency_keys::Column::Id.eq(claim))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes keys older than [`KEEP`]; returns how many.
pub async fn sweep(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    Ok(idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::CreatedAt.lt(now - KEEP))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(check_key("order-2026-000123").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("with space").is_err());
        assert!(check_key("订单").is_err());
        assert!(check_key(&"k".repeat(201)).is_err());
    }

    #[test]
    fn the_fingerprint_tells_requests_apart() {
        let a = fingerprint("POST", "/api/v1/orders", b"{}");
        assert_eq!(a, fingerprint("POST", "/api/v1/orders", b"{}"));
        assert_ne!(a, fingerprint("POST", "/api/v1/orders", b"{ }"));
        assert_ne!(a, fingerprint("POST", "/api/v1/customers", b"{}"));
        assert_ne!(a, fingerprint("PATCH", "/api/v1/orders", b"{}"));
    }
}
