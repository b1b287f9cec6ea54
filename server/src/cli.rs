//! Runs the subcommand the command line asked for.

use std::{io::Write, time::Instant};

use anyhow::Context;
use tandem_domain::{
    db::{self, DbOptions},
    services::demo,
    Db,
};

use crate::{
    config::{Cli, Command},
    serve, telemetry,
};

/// Runs `tandem` with the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let started = Instant::now();
    telemetry::init(&cli.global.log, cli.global.log_format)?;
    let command = cli.command_or_serve().context("invalid configuration")?;
    let db = open(&cli.global.database_url, cli.global.db_pool).await?;
    match command {
        Command::Migrate => {
            migrate(&db).await?;
            say("migrations applied")?;
        }
        Command::SeedDemo => {
            migrate(&db).await?;
            let report = demo::seed(&db).await.context("cannot seed the demo data")?;
            if report.created {
                say(&format!("demo data created ({})", report.seeded_at))?;
            } else {
                say(&format!(
                    "demo data already present (seeded {})",
                    report.seeded_at
                ))?;
            }
        }
        Command::Serve(args) => {
            migrate(&db).await?;
            if args.seed_demo {
                let report = demo::seed(&db).await.context("cannot seed the demo data")?;
                tracing::info!(created = report.created, seeded_at = %report.seeded_at, "demo data");
            }
            serve::serve(db, *args, started).await?;
        }
    }
    Ok(())
}

/// Opens the database named by DATABASE_URL.
async fn open(url: &str, pool: Option<u32>) -> anyhow::Result<Db> {
    let db = db::connect(
        url,
        &DbOptions {
            max_connections: pool,
        },
    )
    .await?;
    tracing::info!(
        url = %db::redact(url),
        engine = tandem_domain::services::system::engine(&db),
        "database open"
    );
    Ok(db)
}

/// Applies pending migrations, logging which.
async fn migrate(db: &Db) -> anyhow::Result<()> {
    let pending = db::pending_migrations(db)
        .await
        .context("cannot read the migration state")?;
    if !pending.is_empty() {
        tracing::info!(?pending, "applying migrations");
    }
    db::migrate(db).await.context("cannot apply migrations")?;
    Ok(())
}

/// A result line for the person at the terminal.
fn say(line: &str) -> anyhow::Result<()> {
    writeln!(std::io::stdout().lock(), "{line}").context("cannot write to stdout")
}
