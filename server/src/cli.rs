//! Runs the subcommand the command line asked for.

use std::{io::Write, time::Instant};

use anyhow::Context;
use tandem_domain::{
    db::{self, DbOptions},
    Db,
    {
        access::api_tokens, access::sign_in as auth, analytics::summaries, demo,
        demo::crm_data as demo_crm, demo::volume, integration::backup, integration::import,
    },
};

use crate::{
    config::{Cli, Command, StatsAction, TokenAction},
    serve, telemetry,
};

/// A progress bar for long loads: step, bar, counts, rate, time left.
fn progress_bar() -> anyhow::Result<indicatif::ProgressBar> {
    let bar = indicatif::ProgressBar::new(1);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} {msg:>9} [{bar:40}] {pos}/{len} ({per_sec}, ETA {eta})",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    Ok(bar)
}

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
        Command::SeedVolume(args) => {
            migrate(&db).await?;
            demo::seed(&db).await.context("cannot seed the demo data")?;
            let owners = demo::sales_user_ids(&db)
                .await
                .context("cannot find the demo sales users")?;
            let total = args.customers + args.activities;
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} rows ({per_sec}, ETA {eta})",
                )
                .context("progress bar template")?
                .progress_chars("=> "),
            );
            demo_crm::seed_volume(&db, &owners, args.customers, args.activities, |done, _| {
                bar.set_position(done)
            })
            .await
            .context("cannot load the volume data")?;
            bar.finish();
            say(&format!(
                "loaded {} customers and {} activities in {:.1} s",
                args.customers,
                args.activities,
                started.elapsed().as_secs_f64()
            ))?;
        }
        Command::Seed(args) => {
            migrate(&db).await?;
            demo::seed(&db).await.context("cannot seed the demo data")?;
            let owners = demo::sales_user_ids(&db)
                .await
                .context("demo sales users")?;
            let agents = demo::support_user_ids(&db)
                .await
                .context("demo support users")?;
            let bar = progress_bar()?;
            let mut step = "";
            let volume = volume::seed(
                &db,
                &owners,
                &agents,
                args.customers,
                args.orders,
                |s, done, total| {
                    if s != step {
                        step = s;
                        bar.set_message(s);
                        bar.set_length(total);
                    }
                    bar.set_position(done);
                },
            )
            .await
            .map_err(|err| anyhow::anyhow!("cannot load the volume: {}", describe(&err)))?;
            bar.finish();
            say(&format!(
                "loaded {} customers, {} orders ({} lines, {} shipments, {} invoices, {} payments, {} tickets) in {:.1} s",
                volume.customers, volume.orders, volume.lines, volume.shipments, volume.invoices,
                volume.payments, volume.tickets, started.elapsed().as_secs_f64()
            ))?;
        }
        Command::Stats(args) => {
            migrate(&db).await?;
            match args.action {
                StatsAction::Check => {
                    let differences = summaries::check(&db)
                        .await
                        .map_err(|err| anyhow::anyhow!("cannot check: {}", describe(&err)))?;
                    for difference in &differences {
                        say(&format!("difference: {difference:?}"))?;
                    }
                    if !differences.is_empty() {
                        anyhow::bail!("summary check found {} differences", differences.len());
                    }
                    say("summary check: the order, product, customer and product-year summaries and the tickets' resolution minutes equal a recount")?;
                }
                StatsAction::Rebuild => {
                    let rows = summaries::rebuild(&db, |_| ())
                        .await
                        .map_err(|err| anyhow::anyhow!("cannot rebuild: {}", describe(&err)))?;
                    say(&format!(
                        "order, product, customer and product-year summaries and resolution minutes rebuilt: {rows} order rows in {:.1} s",
                        started.elapsed().as_secs_f64()
                    ))?;
                }
            }
        }
        Command::Check => {
            migrate(&db).await?;
            let differences = tandem_domain::inventory::stock::check_ledger(&db)
                .await
                .map_err(|err| anyhow::anyhow!("cannot check the ledger: {}", describe(&err)))?;
            if differences.is_empty() {
                say("stock ledger check: stored stock agrees with the moves and reservations")?;
            } else {
                for d in &differences {
                    say(&format!(
                        "difference: product {} ({}) warehouse {} {}: stored {}, recomputed {}",
                        d.product_id, d.sku, d.warehouse_code, d.field, d.stored, d.computed
                    ))?;
                }
                anyhow::bail!("stock ledger check found {} differences", differences.len());
            }
        }
        Command::Token(args) => {
            migrate(&db).await?;
            match args.action {
                TokenAction::Create(args) => {
                    let now = chrono::Utc::now();
                    let expires_at = args.expires.as_deref().map(expiry).transpose()?;
                    let input = api_tokens::TokenInput {
                        user_id: None,
                        name: args.name.clone(),
                        permissions: args.permissions.clone(),
                        expires_at,
                    };
                    let created = api_tokens::create_for_email(&db, &args.email, &input, now)
                        .await
                        .map_err(|err| {
                            anyhow::anyhow!("cannot create the token: {}", describe(&err))
                        })?;
                    say(&format!(
                        "token {:?} for {} with {} permissions{} (shown once):",
                        created.token.name,
                        created.token.user_email,
                        created.token.permissions.len(),
                        created
                            .token
                            .expires_at
                            .map(|at| format!(", expires {}", at.to_rfc3339()))
                            .unwrap_or_default(),
                    ))?;
                    say(&created.secret)?;
                }
            }
        }
        Command::Backup(args) => {
            // Written beside the target, then renamed: a half-written file
            // never carries the final name.
            let partial = args.file.with_extension("partial");
            let file = std::fs::File::create(&partial)
                .with_context(|| format!("cannot create {}", partial.display()))?;
            let sums = backup::write_as_system(&db, std::io::BufWriter::new(file))
                .await
                .map_err(|err| anyhow::anyhow!("cannot back up: {}", describe(&err)))?;
            std::fs::rename(&partial, &args.file)
                .with_context(|| format!("cannot rename {}", partial.display()))?;
            let rows: u64 = sums.iter().map(|s| s.rows).sum();
            say(&format!(
                "backed up {} tables, {rows} rows, to {} in {:.1} s",
                sums.len(),
                args.file.display(),
                started.elapsed().as_secs_f64()
            ))?;
        }
        Command::Restore(args) => {
            let file = std::fs::File::open(&args.file)
                .with_context(|| format!("cannot open {}", args.file.display()))?;
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{elapsed_precise} {pos} rows ({per_sec})")
                    .context("progress bar template")?,
            );
            let restored = backup::restore(&db, std::io::BufReader::new(file), |done| {
                bar.set_position(done)
            })
            .await
            .map_err(|err| anyhow::anyhow!("cannot restore: {}", describe(&err)))?;
            bar.finish();
            let rows: u64 = restored.tables.iter().map(|s| s.rows).sum();
            say(&format!(
                "restored {} tables, {rows} rows, from a {} backup of {}; every table matches its checksum ({:.1} s)",
                restored.tables.len(),
                restored.header.engine,
                restored.header.created_at,
                started.elapsed().as_secs_f64()
            ))?;
        }
        Command::Import(args) => {
            migrate(&db).await?;
            let kind = import::Kind::from_code(&args.kind).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown kind {:?}: use customers, contacts, leads, products, opening_stock or supplier_prices",
                    args.kind
                )
            })?;
            let duplicates = import::Duplicates::from_code(&args.duplicates).ok_or_else(|| {
                anyhow::anyhow!(
                    "--duplicates {:?}: use skip, update or create",
                    args.duplicates
                )
            })?;
            let bytes = std::fs::read(&args.file)
                .with_context(|| format!("cannot read {}", args.file.display()))?;
            let parsed = import::parse(&bytes)
                .map_err(|err| anyhow::anyhow!("{}: {}", args.file.display(), describe(&err)))?;
            let actor = import::actor_for_email(&db, &args.as_email)
                .await
                .map_err(|err| anyhow::anyhow!("--as {}: {}", args.as_email, describe(&err)))?;
            let remembered = import::remembered(&db, kind)
                .await
                .map_err(|err| anyhow::anyhow!("{}", describe(&err)))?;
            let mut mapping = import::suggest(kind, &parsed.headers, remembered.as_ref());
            for pair in &args.map {
                let (field, header) = pair
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("--map {pair:?}: use field=Header"))?;
                mapping.insert(field.trim().to_owned(), header.trim().to_owned());
            }
            let options = import::Options {
                kind,
                mapping,
                duplicates,
                skip_bad: args.skip_bad,
                dry_run: args.dry_run,
            };
            let file_name = args
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let run_id = import::start(&db, &actor, &file_name, &parsed, &options)
                .await
                .map_err(|err| anyhow::anyhow!("cannot start: {}", describe(&err)))?;
            let bar = progress_bar()?;
            bar.set_message("rows");
            bar.set_length(parsed.rows.len() as u64);
            let began = Instant::now();
            let report = import::execute(&db, &actor, run_id, &parsed, &options, |done, _| {
                bar.set_position(done)
            })
            .await
            .map_err(|err| anyhow::anyhow!("import failed: {}", describe(&err)))?;
            bar.finish();
            let seconds = began.elapsed().as_secs_f64();
            let outcome = match (options.dry_run, report.committed) {
                (true, _) => "dry run, nothing changed",
                (false, true) => "imported",
                (false, false) => "nothing imported (bad rows; fix them or pass --skip-bad)",
            };
            say(&format!(
                "{outcome}: {} rows ({} encoded), {} created, {} updated, {} duplicates skipped, {} bad, in {seconds:.1} s ({:.0} rows/s)",
                report.total,
                parsed.encoding,
                report.created,
                report.updated,
                report.skipped,
                report.failed,
                report.total as f64 / seconds.max(0.001)
            ))?;
            if report.failed > 0 {
                let errors = import::errors_of(&db, &actor, run_id)
                    .await
                    .map_err(|err| anyhow::anyhow!("{}", describe(&err)))?;
                let path = args.file.with_extension("errors.csv");
                std::fs::write(&path, errors)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                for e in report.errors.iter().take(10) {
                    say(&format!("line {}: {}: {}", e.line, e.field, e.message))?;
                }
                say(&format!(
                    "every bad row, with its error: {}",
                    path.display()
                ))?;
                anyhow::bail!("{} bad rows", report.failed);
            }
        }
        Command::CreateAdmin(args) => {
            migrate(&db).await?;
            let generated = auth::create_admin(&db, &args.email, &args.name, args.password.clone())
                .await
                .map_err(|err| {
                    anyhow::anyhow!("cannot create the administrator: {}", describe(&err))
                })?;
            match generated {
                Some(password) => say(&format!(
                    "administrator {} created; password (shown once): {password}",
                    args.email
                ))?,
                None => say(&format!("administrator {} created", args.email))?,
            }
        }
        Command::Serve(args) => {
            migrate(&db).await?;
            let first = auth::ensure_first_admin(&db, args.admin_password.clone())
                .await
                .map_err(|err| {
                    anyhow::anyhow!("cannot create the first administrator: {}", describe(&err))
                })?;
            if let Some(first) = first {
                match first.generated_password {
                    Some(password) => say(&format!(
                        "First run: created administrator {} with password (shown once): {password}",
                        first.email
                    ))?,
                    None => say(&format!(
                        "First run: created administrator {} with the password from TANDEM_ADMIN_PASSWORD",
                        first.email
                    ))?,
                }
            }
            if args.seed_demo {
                let report = demo::seed(&db).await.context("cannot seed the demo data")?;
                tracing::info!(created = report.created, seeded_at = %report.seeded_at, "demo data");
            }
            let reader = db::connect_reader(&cli.global.database_url, &db).await?;
            serve::serve(db, reader, *args, started).await?;
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
        engine = tandem_domain::platform::system::engine(&db),
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

/// `--expires`: a day (the token works through its end, UTC) or an RFC 3339 time.
fn expiry(text: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let next = day
            .succ_opt()
            .ok_or_else(|| anyhow::anyhow!("--expires {text:?} is out of range"))?;
        return Ok(next.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&chrono::Utc))
        .map_err(|_| {
            anyhow::anyhow!(
                "--expires {text:?} is neither a date (2027-06-30) nor an RFC 3339 time"
            )
        })
}

/// A domain error as one line for the terminal.
fn describe(err: &tandem_domain::Error) -> String {
    match err {
        tandem_domain::Error::Validation(fields) => fields
            .iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// A result line for the person at the terminal.
fn say(line: &str) -> anyhow::Result<()> {
    writeln!(std::io::stdout().lock(), "{line}").context("cannot write to stdout")
}
