//! The system's own health, for the status panel and `/readyz`.

use sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::db;

/// What Tandem knows about its own state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// `sqlite` or `postgres`.
    pub engine: &'static str,
    /// Whether the database answered a query just now.
    pub database_ok: bool,
}

/// The engine's short name.
pub fn engine(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => "sqlite",
        DatabaseBackend::Postgres => "postgres",
        DatabaseBackend::MySql => "mysql",
    }
}

/// Checks the database now. A failed check is logged and reported, not raised.
pub async fn health(conn: &impl ConnectionTrait) -> Health {
    let database_ok = match db::ping(conn).await {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(%err, "database ping failed");
            false
        }
    };
    Health {
        engine: engine(conn),
        database_ok,
    }
}

/// The current UTC time in RFC 3339, to the second.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The current time in Unix seconds.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
