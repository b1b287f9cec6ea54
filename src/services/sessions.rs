//! The session table behind tower-sessions, and a user's view of their own
//! sessions. Session ids are secrets: the browser only ever sees a handle
//! derived from them.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::{
    auth::{policy, Actor},
    entities::sessions,
    services::audit::{self, Entry, Who},
    Error, Result,
};

/// What the session layer stores.
#[derive(Clone, Debug)]
pub struct StoredSession {
    /// The session id.
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

/// Inserts or replaces a session.
pub async fn save(db: &impl ConnectionTrait, session: &StoredSession) -> Result<()> {
    let now = Utc::now();
    sessions::Entity::insert(model(session, now))
        .on_conflict(
            OnConflict::column(sessions::Column::Id)
                .update_columns([
                    sessions::Column::UserId,
                    sessions::Column::Data,
                    sessions::Column::ExpiresAt,
                    sessions::Column::ClientAddr,
                    sessions::Column::UserAgent,
                    sessions::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

fn model(session: &StoredSession, now: DateTime<Utc>) -> sessions::ActiveModel {
    sessions::ActiveModel {
        id: Set(session.id.clone()),
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

/// The data of an unexpired session.
pub async fn load(db: &impl ConnectionTrait, id: &str) -> Result<Option<StoredSession>> {
    Ok(sessions::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .filter(|row| row.expires_at > Utc::now())
        .map(|row| StoredSession {
            id: row.id,
            user_id: row.user_id,
            data: row.data,
            expires_at: row.expires_at,
            client_addr: row.client_addr,
            user_agent: row.user_agent,
        }))
}

/// Deletes a session.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<()> {
    sessions::Entity::delete_by_id(id.to_owned())
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

/// The browser-safe handle of a session id.
pub fn handle(id: &str) -> String {
    let digest = Sha256::digest(id.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
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
    actor: Option<&Actor>,
    current: Option<&str>,
) -> Result<Vec<SessionInfo>> {
    let actor = policy::require_signed_in(actor)?;
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(actor.user_id))
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(sessions::Column::UpdatedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: current == Some(row.id.as_str()),
            handle: handle(&row.id),
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
    actor: Option<&Actor>,
    session_handle: &str,
) -> Result<()> {
    let actor = policy::require_signed_in(actor)?;
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(actor.user_id))
        .all(db)
        .await?;
    let row = rows
        .into_iter()
        .find(|row| handle(&row.id) == session_handle)
        .ok_or(Error::NotFound)?;
    sessions::Entity::delete_by_id(row.id).exec(db).await?;
    audit::record(
        db,
        Who::Actor(actor),
        Entry::new("session.ended", "session", Some(session_handle.to_owned())),
    )
    .await
}
