//! Opening the database: SQLite (embedded default) or PostgreSQL, chosen by
//! the URL's scheme, tuned the same way for the server, the CLI and tests.

use std::{path::Path, str::FromStr, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, SqlxPostgresConnector,
    SqlxSqliteConnector,
};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// Why the database could not be opened; each message names the cause in one line.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is neither `sqlite:` nor `postgres:`, or does not parse.
    #[error("DATABASE_URL {url:?} is not a valid database URL ({reason}); expected sqlite://PATH?mode=rwc or postgres://USER:PASSWORD@HOST/DB")]
    BadUrl {
        /// The URL with any password hidden.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database directory could not be created.
    #[error("cannot create the database directory {dir}: {source}")]
    Directory {
        /// The directory.
        dir: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The server (or file) did not answer.
    #[error("cannot connect to the database at {url}: {reason}")]
    Unreachable {
        /// The URL with any password hidden.
        url: String,
        /// The driver's message.
        reason: String,
    },
}

impl ConnectError {
    /// The driver could not parse `url`.
    fn bad_url(url: &str) -> impl Fn(sqlx::Error) -> ConnectError + '_ {
        move |err| ConnectError::BadUrl {
            url: redact(url),
            reason: err.to_string(),
        }
    }

    /// The database at `url` did not answer.
    fn unreachable(url: &str) -> impl Fn(sqlx::Error) -> ConnectError + '_ {
        move |err| ConnectError::Unreachable {
            url: redact(url),
            reason: err.to_string(),
        }
    }
}

/// Pool settings; the defaults suit one `tandem` process.
#[derive(Clone, Debug, Default)]
pub struct DbOptions {
    /// Maximum pooled connections. Default: 1 on SQLite (one writer, so
    /// concurrent writers queue instead of failing with SQLITE_BUSY), 10 on PostgreSQL.
    pub max_connections: Option<u32>,
}

/// How long a connection waits for a locked SQLite database before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request waits for a free pooled connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections of the SQLite read pool ([`connect_reader`]).
const SQLITE_READERS: u32 = 4;

/// Opens a pool for statements that only read (dashboards, reports, the
/// analysis, lists). On SQLite that is a second pool of read-only
/// connections beside `main`'s one writer: in WAL mode a reader waits
/// neither for the writer nor for other readers. On PostgreSQL, and for an
/// in-memory SQLite database (which another pool would not see), it is
/// `main` itself. A write sent to the SQLite read pool fails ("attempt to
/// write a readonly database").
pub async fn connect_reader(
    url: &str,
    main: &DatabaseConnection,
) -> Result<DatabaseConnection, ConnectError> {
    if main.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(main.clone());
    }
    let connect_options =
        SqliteConnectOptions::from_str(url).map_err(ConnectError::bad_url(url))?;
    let file = connect_options.get_filename();
    if file.as_os_str().is_empty() || file == Path::new(":memory:") || url.contains("mode=memory") {
        return Ok(main.clone());
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_READERS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(
            connect_options
                .read_only(true)
                .create_if_missing(false)
                .busy_timeout(SQLITE_BUSY_TIMEOUT),
        )
        .await
        .map_err(ConnectError::unreachable(url))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// Opens the database named by `url`.
///
/// SQLite runs in WAL mode with foreign keys enforced and a busy timeout; the
/// file's directory is created when missing.
pub async fn connect(url: &str, options: &DbOptions) -> Result<DatabaseConnection, ConnectError> {
    if url.starts_with("sqlite:") {
        connect_sqlite(url, options).await
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        connect_postgres(url, options).await
    } else {
        Err(ConnectError::BadUrl {
            url: redact(url),
            reason: "unknown scheme".into(),
        })
    }
}

async fn connect_sqlite(
    url: &str,
    options: &DbOptions,
) -> Result<DatabaseConnection, ConnectError> {
    let connect_options = SqliteConnectOptions::from_str(url)
        .map_err(ConnectError::bad_url(url))?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    if let Some(dir) = connect_options.get_filename().parent() {
        if !dir.as_os_str().is_empty() && !Path::new(dir).exists() {
            std::fs::create_dir_all(dir).map_err(|source| ConnectError::Directory {
                dir: dir.display().to_string(),
                source,
            })?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections.unwrap_or(1))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(connect_options)
        .await
        .map_err(ConnectError::unreachable(url))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

async fn connect_postgres(
    url: &str,
    options: &DbOptions,
) -> Result<DatabaseConnection, ConnectError> {
    let connect_options = PgConnectOptions::from_str(url).map_err(ConnectError::bad_url(url))?;
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections.unwrap_or(10))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(connect_options)
        .await
        .map_err(ConnectError::unreachable(url))?;
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    Migrator::up(db, None).await
}

/// Names of the migrations not yet applied.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    Ok(Migrator::get_pending_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Connections currently open in the pool and how many of them are busy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections.
    pub size: u32,
    /// Connections checked out by a request or job.
    pub in_use: u32,
}

/// The pool's current occupancy, for `/metrics`.
pub fn pool_stats(db: &DatabaseConnection) -> PoolStats {
    let (size, idle) = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::MySql => (0, 0),
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    PoolStats {
        size,
        in_use: size.saturating_sub(idle),
    }
}

/// Which database `db` opens: the SQLite file, or the PostgreSQL server
/// and database. Two pools of one database have the same identity.
pub fn identity(db: &DatabaseConnection) -> String {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let options = db.get_sqlite_connection_pool().connect_options();
            format!("sqlite:{}", options.get_filename().display())
        }
        DatabaseBackend::Postgres => {
            let options = db.get_postgres_connection_pool().connect_options();
            format!(
                "postgres://{}:{}/{}",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            )
        }
        DatabaseBackend::MySql => String::new(),
    }
}

/// The URL with its password replaced, safe to print and log.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot carry a password, which we ruled out.
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// A connection that can begin a transaction: the pool, or a transaction
/// (which then nests as a savepoint). ERP services take this, so that a
/// caller such as the demo seeding can compose them into one transaction.
pub trait Tx: ConnectionTrait + sea_orm::TransactionTrait + Sync {}

impl<T: ConnectionTrait + sea_orm::TransactionTrait + Sync> Tx for T {}
