//! Running a started import: every row in its own savepoint, in batches or
//! one transaction, kept or rolled back, and the outcome stored on the run.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::{
        audit::{self, Entry, Who},
        Actor,
    },
    entities::import_runs,
    Error, Result,
};

use super::{
    goods_rows::{price_row, product_row, stock_row},
    people_rows::{contact_row, customer_row, lead_row},
    problems::{error_file, row_errors},
    row::{Cache, Done, Row},
    start::require,
    Kind, Options, Parsed, Report,
};

/// Rows per committed batch when bad rows are skipped.
const BATCH: usize = 500;
/// Errors kept in the report itself (the error file has all).
const REPORT_ERRORS: usize = 200;
/// Rows between two progress calls.
const PROGRESS_EVERY: u64 = 250;

/// A transaction for imported rows. On PostgreSQL every statement in it is
/// planned for its values: the connection's prepared statements would
/// otherwise settle on a generic plan made while the table was small (a
/// sequential scan) and keep it while the import grows the table, so each
/// duplicate check read every row imported so far (10,000 rows took
/// minutes).
async fn begin_rows(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction> {
    let txn = db.begin().await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
    }
    Ok(txn)
}

/// Runs a started import (see [`start`](fn@super::start)): every row in its
/// own savepoint of one transaction, kept or rolled back as the options
/// say. `progress` hears (rows done, rows in all).
pub async fn execute(
    db: &DatabaseConnection,
    actor: &Actor,
    run_id: i64,
    parsed: &Parsed,
    options: &Options,
    mut progress: impl FnMut(u64, u64),
) -> Result<Report> {
    let actor = require(actor, options.kind)?;
    let total = u64::try_from(parsed.rows.len()).unwrap_or(u64::MAX);
    let mut report = Report {
        run_id,
        total,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
        errors: Vec::new(),
        committed: false,
    };
    let mut all_errors = Vec::new();
    let mut cache = Cache::default();
    // Good rows are kept whatever happens to the others when bad rows are
    // skipped: then each batch commits on its own, so other writers get in
    // between batches (SQLite has one writer). Otherwise one transaction.
    let batches = options.skip_bad && !options.dry_run;
    let outcome: Result<()> = async {
        let mut txn = begin_rows(db).await?;
        for (i, cells) in parsed.rows.iter().enumerate() {
            if batches && i > 0 && i % BATCH == 0 {
                txn.commit().await?;
                txn = begin_rows(db).await?;
            }
            let line = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(2);
            let row = Row {
                headers: &parsed.headers,
                cells,
                mapping: &options.mapping,
            };
            let savepoint = txn.begin().await?;
            let done = match options.kind {
                Kind::Customers => {
                    customer_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
                Kind::Contacts => contact_row(&savepoint, actor, &row, options.duplicates).await,
                Kind::Leads => {
                    lead_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
                Kind::Products => product_row(&savepoint, actor, &row, options.duplicates).await,
                Kind::OpeningStock => {
                    stock_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
                Kind::SupplierPrices => {
                    price_row(&savepoint, actor, &mut cache, &row, options.duplicates).await
                }
            };
            match done {
                Ok(done) => {
                    savepoint.commit().await?;
                    match done {
                        Done::Created => report.created += 1,
                        Done::Updated => report.updated += 1,
                        Done::Skipped => report.skipped += 1,
                    }
                }
                Err(err) => {
                    savepoint.rollback().await?;
                    if let Error::Internal(detail) = &err {
                        tracing::warn!(run_id, line, %detail, "an import row failed");
                    }
                    report.failed += 1;
                    all_errors.extend(row_errors(options.kind, line, &err));
                }
            }
            let done = u64::try_from(i).unwrap_or(u64::MAX) + 1;
            if done % PROGRESS_EVERY == 0 || done == total {
                progress(done, total);
            }
        }
        let keep = !options.dry_run && (report.failed == 0 || options.skip_bad);
        if keep {
            audit::record(
                &txn,
                Who::Actor(actor),
                Entry::new("import.completed", "import_run", Some(run_id.to_string())).after(
                    json!({
                        "kind": options.kind.code(),
                        "created": report.created,
                        "updated": report.updated,
                        "skipped": report.skipped,
                        "failed": report.failed,
                    }),
                ),
            )
            .await?;
            txn.commit().await?;
            report.committed = true;
        } else {
            txn.rollback().await?;
        }
        Ok(())
    }
    .await;
    let status = match (&outcome, report.committed) {
        (Err(_), _) => "failed",
        (Ok(()), true) => "done",
        (Ok(()), false) => "rolled_back",
    };
    let error_csv = if all_errors.is_empty() {
        String::new()
    } else {
        error_file(parsed, &all_errors)?
    };
    import_runs::Entity::update_many()
        .col_expr(import_runs::Column::Status, status.into())
        .col_expr(import_runs::Column::Created, to_i64(report.created).into())
        .col_expr(import_runs::Column::Updated, to_i64(report.updated).into())
        .col_expr(import_runs::Column::Skipped, to_i64(report.skipped).into())
        .col_expr(import_runs::Column::Failed, to_i64(report.failed).into())
        .col_expr(import_runs::Column::ErrorCsv, error_csv.into())
        .col_expr(import_runs::Column::FinishedAt, Some(Utc::now()).into())
        .filter(import_runs::Column::Id.eq(run_id))
        .exec(db)
        .await?;
    outcome?;
    all_errors.truncate(REPORT_ERRORS);
    report.errors = all_errors;
    Ok(report)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
