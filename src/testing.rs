//! Test support: every test gets its own fresh, migrated database.
//!
//! Each database test runs once per engine ([`db_test`] makes the two
//! tests; [`on`] tells the body's [`TestDb`]s which engine to open). On
//! SQLite a test's database is a file in a temporary directory, opened
//! exactly as production opens it. On PostgreSQL it is a new database on the
//! server `TANDEM_TEST_PG_URL` names (any database on it; used only to
//! create and drop others), dropped when the [`TestDb`] is dropped; without
//! that variable the project's own test cluster is started
//! (`scripts/start-postgres.sh`) and used.

pub use tandem_test_macros::db_test;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex, OnceLock},
};

use crate::db::{self, DbOptions};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A database engine the tests run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Engine {
    /// Its name in test names and messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

tokio::task_local! {
    static ENGINE: Engine;
}

/// Runs a test body with every [`TestDb`] it opens on `engine` (what
/// [`db_test`] expands to).
pub async fn on<F: std::future::Future>(engine: Engine, test: F) -> F::Output {
    ENGINE.scope(engine, test).await
}

/// The engine of the running test: the one [`on`] set, or, outside it,
/// PostgreSQL when `TANDEM_TEST_PG_URL` is set and SQLite otherwise.
pub fn engine() -> Engine {
    ENGINE.try_with(|e| *e).unwrap_or_else(|_| {
        if std::env::var_os(PG_URL_VAR).is_some() {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    })
}

/// The PostgreSQL server the tests create their databases on:
/// `TANDEM_TEST_PG_URL`, or the project's test cluster, started once per
/// test process by `scripts/start-postgres.sh` (which installs it when
/// missing).
fn pg_admin_url() -> Result<String, BoxError> {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var(PG_URL_VAR) {
            return Ok(url);
        }
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/start-postgres.sh");
        let out = std::process::Command::new(&script)
            .output()
            .map_err(|err| format!("cannot run {}: {err}", script.display()))?;
        if !out.status.success() {
            return Err(format!(
                "the PostgreSQL tests need a server: set {PG_URL_VAR}, or make {} work: {}",
                script.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    })
    .clone()
    .map_err(Into::into)
}

/// The templates built in this test process, by engine and key.
static TEMPLATES: OnceLock<Mutex<HashMap<(Engine, &'static str), TemplateCell>>> = OnceLock::new();

/// One template, built by the first test that asks for it.
type TemplateCell = Arc<tokio::sync::OnceCell<Template>>;

/// The prefix of every template's name (a directory on SQLite, a database
/// on PostgreSQL), followed by the process id that made it.
const TEMPLATE_PREFIX: &str = "tandem_tpl_";

/// A migrated, filled database that tests copy. Templates live as long as
/// the test process; the next process removes those of processes that have
/// ended (tests have no hook that runs at exit).
enum Template {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Template {
    async fn build<F, Fut>(key: &'static str, fill: F) -> Result<Self, BoxError>
    where
        F: FnOnce(DatabaseConnection) -> Fut,
        Fut: std::future::Future<Output = Result<(), BoxError>>,
    {
        let own = format!("{TEMPLATE_PREFIX}{}_{key}", std::process::id());
        match engine() {
            Engine::Postgres => {
                let admin_url = pg_admin_url()?;
                let admin = admin_connection(&admin_url).await?;
                drop_stale_pg_templates(&admin).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {own} WITH (FORCE)"))
                    .await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {own}"))
                    .await?;
                admin.close().await?;
                let url = replace_database(&admin_url, &own)?;
                let conn = db::connect(&url, &DbOptions::default()).await?;
                db::migrate(&conn).await?;
                fill(conn.clone()).await?;
                // A template is copied only while nobody is connected to it.
                conn.close().await?;
                Ok(Self::Postgres {
                    admin_url,
                    name: own,
                })
            }
            Engine::Sqlite => {
                let root = std::env::temp_dir();
                remove_stale_sqlite_templates(&root);
                let dir = root.join(own);
                std::fs::create_dir_all(&dir)?;
                let path = dir.join("test.db");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let conn = db::connect(&url, &DbOptions::default()).await?;
                db::migrate(&conn).await?;
                fill(conn.clone()).await?;
                // Everything into the main file, so copying it is enough.
                conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await?;
                conn.close().await?;
                Ok(Self::Sqlite(path))
            }
        }
    }

    async fn copy(&self) -> Result<TestDb, BoxError> {
        match self {
            Self::Sqlite(path) => {
                let dir = tempfile::tempdir()?;
                let target = dir.path().join("test.db");
                std::fs::copy(path, &target)?;
                let url = format!("sqlite://{}?mode=rwc", target.display());
                let conn = db::connect(&url, &DbOptions::default()).await?;
                Ok(TestDb {
                    conn,
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                })
            }
            Self::Postgres { admin_url, name } => {
                let copy = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
                let admin = admin_connection(admin_url).await?;
                // PostgreSQL refuses to copy a database someone else is
                // reading; another test's copy may be finishing.
                let mut attempt = 0;
                loop {
                    match admin
                        .execute_unprepared(&format!("CREATE DATABASE {copy} TEMPLATE {name}"))
                        .await
                    {
                        Ok(_) => break,
                        Err(err) if attempt < 50 && err.to_string().contains("other users") => {
                            attempt += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        }
                        Err(err) => return Err(err.into()),
                    }
                }
                admin.close().await?;
                let url = replace_database(admin_url, &copy)?;
                let conn = db::connect(&url, &DbOptions::default()).await?;
                Ok(TestDb {
                    conn,
                    url,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name: copy,
                    },
                })
            }
        }
    }
}

async fn admin_connection(admin_url: &str) -> Result<DatabaseConnection, BoxError> {
    Ok(db::connect(
        admin_url,
        &DbOptions {
            max_connections: Some(1),
        },
    )
    .await?)
}

/// Whether the template named `name` belongs to a process that has ended.
fn is_stale(name: &str) -> bool {
    let Some(pid) = name
        .strip_prefix(TEMPLATE_PREFIX)
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

async fn drop_stale_pg_templates(admin: &DatabaseConnection) -> Result<(), BoxError> {
    let rows = admin
        .query_all(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{TEMPLATE_PREFIX}%'"),
        ))
        .await?;
    for row in rows {
        let name: String = row.try_get("", "datname")?;
        if is_stale(&name) {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
    }
    Ok(())
}

fn remove_stale_sqlite_templates(root: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_stale(&name) {
            // Best effort: a template left behind costs only disk.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

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

/// Which engine the running test is on, for messages and engine-specific
/// figures.
pub fn engine_name() -> &'static str {
    engine().name()
}

impl TestDb {
    /// A fresh, migrated database on the engine chosen by the environment.
    pub async fn new() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Self::from_template("migrated", |_| async { Ok(()) }).await
    }

    /// A fresh, migrated database with the demo company in it.
    pub async fn with_demo() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Self::from_template("demo", |conn| async move {
            crate::demo::seed(&conn).await?;
            Ok(())
        })
        .await
    }

    /// A fresh, migrated database holding what `fill` writes into one.
    ///
    /// The first call in a test process with a given `key` migrates a
    /// template database and runs `fill` on it; every call then gets its own
    /// copy of that template (a file copy on SQLite, `CREATE DATABASE …
    /// TEMPLATE` on PostgreSQL). Seeding the demo company takes about 30 s
    /// in a debug build; a copy takes a fraction of a second, so tests that
    /// need a realistic database no longer pay for it each.
    ///
    /// `fill` must write the same data each time for a `key`; it runs once.
    pub async fn from_template<F, Fut>(
        key: &'static str,
        fill: F,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>>
    where
        F: FnOnce(DatabaseConnection) -> Fut,
        Fut: std::future::Future<Output = Result<(), Box<dyn std::error::Error + Send + Sync>>>,
    {
        let cell = {
            let mut templates = TEMPLATES
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            templates.entry((engine(), key)).or_default().clone()
        };
        let template = cell
            .get_or_try_init(|| Template::build(key, fill))
            .await
            .map_err(|err| format!("building the {key} test database failed: {err}"))?;
        template.copy().await
    }

    /// A fresh database with no tables (for migration tests).
    pub async fn empty() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Self::empty_with(&DbOptions::default()).await
    }

    /// A fresh database with no tables, opened with the given pool options.
    pub async fn empty_with(
        options: &DbOptions,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        match engine() {
            Engine::Postgres => {
                let admin_url = pg_admin_url()?;
                let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
                let admin = admin_connection(&admin_url).await?;
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
            Engine::Sqlite => {
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
