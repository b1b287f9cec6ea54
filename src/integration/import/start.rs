//! Starting a run: the permissions a kind needs, the mapping checked and
//! remembered per kind, and the run recorded as holding its kind.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};

use crate::{
    access::{policy, Actor, Permission},
    entities::{import_mappings, import_runs},
    messages, Error, FieldErrors, Result,
};

use super::{execute, tracker, uploaded, Kind, Mapping, Options, Parsed};

/// The mapping last used for `kind`, if any.
pub async fn remembered(db: &impl ConnectionTrait, kind: Kind) -> Result<Option<Mapping>> {
    Ok(import_mappings::Entity::find()
        .filter(import_mappings::Column::Kind.eq(kind.code()))
        .one(db)
        .await?
        .and_then(|m| serde_json::from_str(&m.mapping).ok()))
}

pub(super) fn require(actor: &Actor, kind: Kind) -> Result<&Actor> {
    let actor = policy::require(actor, Permission::AdminImport)?;
    policy::require(actor, kind.permission())
}

fn check_mapping(kind: Kind, headers: &[String], mapping: &Mapping) -> Result<()> {
    let mut errors = FieldErrors::new();
    for field in kind.fields() {
        match mapping.get(field.key).filter(|h| !h.is_empty()) {
            Some(header) if !headers.contains(header) => {
                errors.insert(
                    format!("mapping.{}", field.key),
                    messages::IMPORT_COLUMN_MISSING.into(),
                );
            }
            None if field.required => {
                errors.insert(
                    format!("mapping.{}", field.key),
                    messages::IMPORT_FIELD_UNMAPPED.into(),
                );
            }
            _ => {}
        }
    }
    if mapping
        .keys()
        .any(|k| !kind.fields().iter().any(|f| f.key == k))
    {
        errors.insert("mapping".into(), messages::IMPORT_FIELD_UNKNOWN.into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// Records a run as started; returns its id. Checks permissions and the
/// mapping first (and remembers the mapping for the kind).
pub async fn start(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    parsed: &Parsed,
    options: &Options,
) -> Result<i64> {
    let actor = require(actor, options.kind)?;
    check_mapping(options.kind, &parsed.headers, &options.mapping)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    // A run left "running" by a process that died no longer holds the kind.
    import_runs::Entity::update_many()
        .col_expr(import_runs::Column::Status, "failed".into())
        .col_expr(import_runs::Column::FinishedAt, Some(now).into())
        .filter(import_runs::Column::Kind.eq(options.kind.code()))
        .filter(import_runs::Column::Status.eq("running"))
        .filter(import_runs::Column::StartedAt.lt(now - STALE))
        .exec(&txn)
        .await?;
    let run = import_runs::ActiveModel {
        kind: Set(options.kind.code().to_owned()),
        file_name: Set(file_name.chars().take(255).collect()),
        encoding: Set(parsed.encoding.to_owned()),
        mode: Set(if options.dry_run { "dry_run" } else { "import" }.to_owned()),
        duplicates: Set(options.duplicates.code().to_owned()),
        skip_bad: Set(options.skip_bad),
        status: Set("running".to_owned()),
        total_rows: Set(i64::try_from(parsed.rows.len()).unwrap_or(i64::MAX)),
        created: Set(0),
        updated: Set(0),
        skipped: Set(0),
        failed: Set(0),
        error_csv: Set(String::new()),
        started_by: Set(actor.user_id),
        started_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let run = match run {
        Ok(run) => run,
        Err(err) if is_unique_violation(&err) => {
            return Err(Error::Conflict(messages::IMPORT_RUNNING.into()));
        }
        Err(err) => return Err(err.into()),
    };
    // The mapping is remembered once the run holds the kind. An upsert, so
    // two first imports of a kind racing here both succeed.
    let mapping =
        serde_json::to_string(&options.mapping).map_err(|e| Error::Internal(e.to_string()))?;
    import_mappings::Entity::insert(import_mappings::ActiveModel {
        kind: Set(options.kind.code().to_owned()),
        mapping: Set(mapping),
        updated_by: Set(actor.user_id),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(import_mappings::Column::Kind)
            .update_columns([
                import_mappings::Column::Mapping,
                import_mappings::Column::UpdatedBy,
                import_mappings::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(run.id)
}

/// A run still "running" after this long was cut off (the process died).
const STALE: chrono::Duration = chrono::Duration::hours(6);

fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Starts a dry run or an import of one of the actor's uploads and works
/// its rows through in the background ([`progress`](fn@super::progress)
/// follows it); returns the run's id. Needs `admin.import` and the kind's
/// permission.
pub async fn launch(
    db: &DatabaseConnection,
    actor: &Actor,
    upload_id: i64,
    options: Options,
) -> Result<i64> {
    let (file_name, parsed) = uploaded(db, actor, upload_id).await?;
    let run_id = start(db, actor, &file_name, &parsed, &options).await?;
    let db = db.clone();
    let actor = actor.clone();
    tokio::spawn(async move {
        let progress = tracker(run_id);
        let result = execute(&db, &actor, run_id, &parsed, &options, progress).await;
        if let Err(err) = result {
            tracing::error!(%err, run_id, "an import failed");
        }
    });
    Ok(run_id)
}
