//! Runs as the import page and the integrations' health read them: the
//! progress of a run in this process, recent runs, one run and its error
//! file.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{
    access::{policy, Actor, Permission},
    entities::import_runs,
    Error, Result,
};

/// A run as the list of recent imports shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Key.
    pub id: i64,
    /// Kind code.
    pub kind: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `dry_run` or `import`.
    pub mode: String,
    /// `running`, `done`, `rolled_back`, `failed`.
    pub status: String,
    /// Rows.
    pub total: u64,
    /// Created.
    pub created: u64,
    /// Updated.
    pub updated: u64,
    /// Skipped duplicates.
    pub skipped: u64,
    /// Bad rows.
    pub failed: u64,
    /// Who ran it.
    pub started_by: i64,
    /// Started (UTC).
    pub started_at: chrono::DateTime<Utc>,
    /// Finished (UTC).
    pub finished_at: Option<chrono::DateTime<Utc>>,
}

/// Rows done and in all, per running import in this process (the page
/// polls it; the counts are stored on the run when it ends).
static PROGRESS: std::sync::LazyLock<std::sync::Mutex<HashMap<i64, (u64, u64)>>> =
    std::sync::LazyLock::new(Default::default);

/// A progress callback for [`execute`](fn@super::execute) that the page can
/// read with [`progress`].
pub fn tracker(run_id: i64) -> impl FnMut(u64, u64) {
    move |done, total| {
        if let Ok(mut map) = PROGRESS.lock() {
            if done >= total {
                map.remove(&run_id);
            } else {
                map.insert(run_id, (done, total));
            }
        }
    }
}

/// Rows done and in all of a run in progress in this process.
pub fn progress(run_id: i64) -> Option<(u64, u64)> {
    PROGRESS
        .lock()
        .ok()
        .and_then(|map| map.get(&run_id).copied())
}

fn run_view(r: import_runs::Model) -> Run {
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Run {
        id: r.id,
        kind: r.kind,
        file_name: r.file_name,
        mode: r.mode,
        status: r.status,
        total: n(r.total_rows),
        created: n(r.created),
        updated: n(r.updated),
        skipped: n(r.skipped),
        failed: n(r.failed),
        started_by: r.started_by,
        started_at: r.started_at,
        finished_at: r.finished_at,
    }
}

/// Recent runs, newest first: everyone's with `admin.integrations` (the
/// integrations' health), otherwise the actor's own with `admin.import`.
pub async fn runs(db: &impl ConnectionTrait, actor: &Actor, limit: u64) -> Result<Vec<Run>> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminImport, Permission::AdminIntegrations],
    )?;
    let mut query = import_runs::Entity::find()
        .order_by_desc(import_runs::Column::Id)
        .limit(limit.clamp(1, 100));
    if !actor.has(Permission::AdminIntegrations) {
        query = query.filter(import_runs::Column::StartedBy.eq(actor.user_id));
    }
    Ok(query.all(db).await?.into_iter().map(run_view).collect())
}

/// One run of the actor's (or anyone's, with `admin.integrations`).
pub async fn run(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Run> {
    Ok(run_view(own_run(db, actor, id).await?))
}

async fn own_run(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<import_runs::Model> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminImport, Permission::AdminIntegrations],
    )?;
    import_runs::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| r.started_by == actor.user_id || actor.has(Permission::AdminIntegrations))
        .ok_or(Error::NotFound)
}

/// A run's error file (CSV; empty when no row was bad).
pub async fn errors_of(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<String> {
    Ok(own_run(db, actor, id).await?.error_csv)
}

/// One run with its error file (CSV; empty when no row was bad), for the
/// import page's progress box.
pub async fn run_with_errors(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<(Run, String)> {
    let mut model = own_run(db, actor, id).await?;
    let errors = std::mem::take(&mut model.error_csv);
    Ok((run_view(model), errors))
}
