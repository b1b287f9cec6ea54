//! Test support: every test gets its own fresh, migrated database.
//!
//! SQLite by default (a file in a temporary directory, opened exactly as
//! production opens it). When `TANDEM_TEST_PG_URL` names a PostgreSQL server
//! (any database on it; used only to create and drop others), each test gets
//! a new database there, dropped when the [`TestDb`] is dropped.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::db::{self, DbOptions};

/// The environment variable that switches tests to PostgreSQL.
pub const PG_URL_VAR: &str = "TANDEM_TEST_PG_URL";

/// A fresh database for one test.
pub struct TestDb {
    /// The migrated connection the test uses.
    pub conn: DatabaseConnection,
    /// The URL `conn` was opened with (for tests that open a second pool).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(
        #[expect(dead_code, reason = "held so the directory lives as long as the test")]
        tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
}

/// Which engine the tests run on, for messages and engine-specific assertions.
pub fn engine_name() -> &'static str {
    if std::env::var_os(PG_URL_VAR).is_some() {
        "postgres"
    } else {
        "sqlite"
    }
}

impl TestDb {
    /// A fresh, migrated database on the engine chosen by the environment.
    pub async fn new() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let db = Self::empty().await?;
        db::migrate(&db.conn).await?;
        Ok(db)
    }

    /// A fresh database with no tables (for migration tests).
    pub async fn empty() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Self::empty_with(&DbOptions::default()).await
    }

    /// A fresh database with no tables, opened with the given pool options.
    pub async fn empty_with(
        options: &DbOptions,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        match std::env::var(PG_URL_VAR) {
            Ok(admin_url) => {
                let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
                let admin = db::connect(
                    &admin_url,
                    &DbOptions {
                        max_connections: Some(1),
                    },
                )
                .await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                admin.close().await?;
                let url = replace_database(&admin_url, &name)?;
                let conn = db::connect(&url, options).await?;
                Ok(Self {
                    conn,
                    url,
                    cleanup: Cleanup::Postgres { admin_url, name },
                })
            }
            Err(_) => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                let conn = db::connect(&url, options).await?;
                Ok(Self {
                    conn,
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                })
            }
        }
    }
}

fn replace_database(admin_url: &str, name: &str) -> Result<String, url::ParseError> {
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime, which cannot be blocked on;
            // a short-lived thread with its own runtime drops the database.
            let handle = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    let admin = db::connect(
                        &admin_url,
                        &DbOptions {
                            max_connections: Some(1),
                        },
                    )
                    .await?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await?;
                    admin.close().await?;
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                })
            });
            if let Ok(Err(err)) = handle.join() {
                tracing::warn!(%err, "could not drop the test database");
            }
        }
    }
}
