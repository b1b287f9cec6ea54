//! Sessions: a tower-sessions store over the domain's `sessions` table, and
//! the middleware that turns the session into the request's actor.

use std::net::SocketAddr;

use async_trait::async_trait;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::header,
    middleware::Next,
    response::Response,
};
use chrono::{DateTime, Utc};
use tandem_app::ssr::{session_keys, AppState, CurrentActor};
use tandem_domain::{
    access::RequestMeta,
    Db,
    {access::roles as access, access::sessions},
};
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, SessionStore},
    Expiry, Session,
};

use crate::forwarded::{self, TrustedProxies};

/// When the session's idle expiry was last moved forward (Unix seconds).
const TOUCHED_AT: &str = "tandem.touched_at";
/// The longest a session in use goes without moving its idle expiry forward.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Stores sessions in the database Tandem already uses (SQLite or PostgreSQL).
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// A store over `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(err: tandem_domain::Error) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn to_stored(record: &Record) -> session_store::Result<sessions::StoredSession> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let text = |key: &str| {
        record
            .data
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let expires_at = DateTime::<Utc>::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .unwrap_or_else(Utc::now);
    Ok(sessions::StoredSession {
        id: record.id.to_string(),
        user_id: record
            .data
            .get(session_keys::USER_ID)
            .and_then(serde_json::Value::as_i64),
        data,
        expires_at,
        client_addr: text(session_keys::CLIENT_ADDR),
        user_agent: text(session_keys::USER_AGENT),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A collision of 128-bit random ids is improbable; retry with a new id anyway.
        loop {
            if sessions::create(&self.db, &to_stored(record)?)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sessions::save(&self.db, &to_stored(record)?)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(stored) = sessions::load(&self.db, &id.to_string())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&stored.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(stored.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sessions::delete(&self.db, &id.to_string())
            .await
            .map_err(backend)
    }
}

/// Where the request came from: the client address (behind the proxies the
/// router was told to trust, [`forwarded::client_ip`]) and the user agent.
pub(crate) fn request_meta(request: &Request) -> RequestMeta {
    let trusted = request
        .extensions()
        .get::<TrustedProxies>()
        .map_or(&[][..], TrustedProxies::nets);
    let forwarded_for = request
        .headers()
        .get_all(forwarded::X_FORWARDED_FOR)
        .iter()
        .map(|value| value.as_bytes());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    RequestMeta {
        client_addr: peer
            .map(|peer| forwarded::client_ip(peer, forwarded_for, trusted).to_string()),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(500).collect()),
    }
}

/// Moves a signed-in session's idle expiry forward as it is used: a request
/// marks the session changed, so the session layer writes the record (new
/// expiry in the table) and sends the cookie again (new `Max-Age`). At most
/// once a minute (or an eighth of the idle timeout, if shorter), so an
/// active user costs one small write a minute, not one per request.
async fn slide_idle_expiry(session: &Session, signed_in_at: i64, now: i64) {
    let Some(Expiry::OnInactivity(idle)) = session.expiry() else {
        return;
    };
    let every = (idle.whole_seconds() / 8).clamp(0, TOUCH_EVERY_SECONDS);
    let touched_at = session
        .get::<i64>(TOUCHED_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(signed_in_at);
    if now - touched_at >= every {
        if let Err(err) = session.insert(TOUCHED_AT, now).await {
            tracing::warn!(%err, "cannot note the session's use");
        }
        // Marks the session changed even when `now` equals the last touch.
        session.set_expiry(Some(Expiry::OnInactivity(idle)));
    }
}

/// Middleware: resolves the signed-in user (afresh, so deactivation and role
/// changes apply at once), enforces the absolute session lifetime, slides
/// the idle expiry while the session is used, and puts [`CurrentActor`] and
/// [`RequestMeta`] into the request.
pub async fn resolve_actor(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let meta = request_meta(&request);
    let mut actor = None;
    if let Ok(Some(user_id)) = session.get::<i64>(session_keys::USER_ID).await {
        let signed_in_at = session
            .get::<i64>(session_keys::SIGNED_IN_AT)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        let now = Utc::now().timestamp();
        // The absolute limit counts from sign-in: activity never extends it.
        let expired = now - signed_in_at > state.session_absolute.num_seconds();
        if expired {
            let _ = session.flush().await;
        } else {
            match access::resolve_actor(&state.db, user_id, meta.clone()).await {
                Ok(Some(resolved)) => {
                    slide_idle_expiry(&session, signed_in_at, now).await;
                    actor = Some(resolved);
                }
                // Deleted or deactivated: the session ends here.
                Ok(None) => {
                    let _ = session.flush().await;
                }
                Err(err) => tracing::error!(%err, "cannot resolve the actor"),
            }
        }
    }
    request.extensions_mut().insert(CurrentActor(actor));
    request.extensions_mut().insert(meta);
    next.run(request).await
}
