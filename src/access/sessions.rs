//! The session table behind tower-sessions, and a user's view of their own
//! sessions. Session ids are secrets: the table keeps only their SHA-256
//! ([`storage_key`]), so a copy of the database or a backup signs nobody
//! in, and the browser only ever sees a handle, a prefix of that hash.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::{
    access::audit::{self, Entry, Who},
    access::Actor,
    entities::sessions,
    Error, Result,
};

/// What the session layer stores.
#[derive(Clone, Debug)]
pub struct StoredSession {
    /// The session id as the cookie carries it; the table keeps only its
    /// [`storage_key`].
    pub id: String,
    /// The signed-in user, if any.
    pub user_id: Option<i64>,
    /// The session data as JSON.
    pub data: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// Client address at sign-in.
    pub client_addr: Option<String>,
    /// User agent at sign-in.
    pub user_agent: Option<String>,
}

/// Length of a handle: hex characters of the stored key.
const HANDLE_LEN: usize = 24;

/// The key a session is stored under: the SHA-256 (hex) of its id. Every
/// lookup, update and deletion by id goes through it.
pub fn storage_key(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Inserts a new session; `false` when the id is taken (the caller picks another).
pub async fn create(db: &impl ConnectionTrait, session: &StoredSession) -> Result<bool> {
    let now = Utc::now();
    let inserted = sessions::Entity::insert(model(session, now))
        .on_conflict(
            OnConflict::column(sessions::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Writes an existing session's data and expiry. A session deleted
/// meanwhile (signed out, ended from another device, user deactivated)
/// stays deleted: a request still in flight cannot bring it back.
pub async fn save(db: &impl ConnectionTrait, session: &StoredSession) -> Result<()> {
    let mut row = model(session, Utc::now());
    // Only the columns that change; the key and `created_at` stay.
    row.id = NotSet;
    row.created_at = NotSet;
    sessions::Entity::update_many()
        .set(row)
        .filter(sessions::Column::Id.eq(storage_key(&session.id)))
        .exec(db)
        .await?;
    Ok(())
}

fn model(session: &StoredSession, now: DateTime<Utc>) -> sessions::ActiveModel {
    sessions::ActiveModel {
        id: Set(storage_key(&session.id)),
        user_id: Set(session.user_id),
        data: Set(session.data.clone()),
        expires_at: Set(session.expires_at),
        client_addr: Set(session.client_addr.clone()),
        user_agent: Set(session
            .user_agent
            .as_deref()
            .map(|ua| ua.chars().take(500).collect())),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The data of an unexpired session, found by the id the cookie carries.
pub async fn load(db: &impl ConnectionTrait, id: &str) -> Result<Option<StoredSession>> {
    Ok(sessions::Entity::find_by_id(storage_key(id))
        .one(db)
        .await?
        .filter(|row| row.expires_at > Utc::now())
        .map(|row| StoredSession {
            id: id.to_owned(),
            user_id: row.user_id,
            data: row.data,
            expires_at: row.expires_at,
            client_addr: row.client_addr,
            user_agent: row.user_agent,
        }))
}

/// Deletes a session, found by the id the cookie carries.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<()> {
    sessions::Entity::delete_by_id(storage_key(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes expired sessions; returns how many.
pub async fn delete_expired(db: &impl ConnectionTrait) -> Result<u64> {
    Ok(sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?
        .rows_affected)
}

/// The browser-safe handle of a session id: the start of its stored key,
/// which names the session without being able to sign anyone in.
pub fn handle(id: &str) -> String {
    handle_of_key(&storage_key(id))
}

fn handle_of_key(key: &str) -> String {
    key.chars().take(HANDLE_LEN).collect()
}

/// One of the actor's sessions, as the account page lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// Handle for ending it.
    pub handle: String,
    /// Whether it is the session making this request.
    pub current: bool,
    /// Signed in at.
    pub created_at: DateTime<Utc>,
    /// Last written.
    pub last_seen_at: DateTime<Utc>,
    /// Client address.
    pub client_addr: Option<String>,
    /// User agent.
    pub user_agent: Option<String>,
}

/// The actor's unexpired sessions, newest first.
pub async fn list_mine(
    db: &impl ConnectionTrait,
    actor: &Actor,
    current: Option<&str>,
) -> Result<Vec<SessionInfo>> {
    let current = current.map(storage_key);
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(actor.user_id))
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(sessions::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: current.as_deref() == Some(row.id.as_str()),
            handle: handle_of_key(&row.id),
            created_at: row.created_at,
            last_seen_at: row.updated_at,
            client_addr: row.client_addr,
            user_agent: row.user_agent,
        })
        .collect())
}

/// Ends one of the actor's own sessions by its handle.
pub async fn end_mine(
    db: &impl ConnectionTrait,
    actor: &Actor,
    session_handle: &str,
) -> Result<()> {
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(actor.user_id))
        .all(db)
        .await?;
    let row = rows
        .into_iter()
        .find(|row| handle_of_key(&row.id) == session_handle)
        .ok_or(Error::NotFound)?;
    sessions::Entity::delete_by_id(row.id).exec(db).await?;
    audit::record(
        db,
        Who::Actor(actor),
        Entry::new("session.ended", "session", Some(session_handle.to_owned())),
    )
    .await
}
