//! Reports generated in the background: a user subscribes to a report
//! daily, weekly or monthly, or asks for one to run now; the server's job
//! ([`tick`]) turns due subscriptions into queued runs and works through
//! the queue, recording progress, and tells the user when a run is ready.
//! Runs keep their result (as JSON) for the report inbox. Every claim is a
//! conditional update, so several servers never run one twice, and a run
//! executes as its owner (their permissions and record scope as of the
//! run).

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::{
    access::{policy, Actor, Permission, RequestMeta},
    entities::{report_runs, report_subscriptions},
    Error, FieldErrors, Result,
    {
        access::notifications,
        access::roles as access,
        analytics::dashboards::{FilterInput, Grain},
        analytics::reports::{self, Cell, Kind, Report},
    },
};

/// How often a subscription runs.
pub const FREQUENCIES: [&str; 3] = ["daily", "weekly", "monthly"];

/// Most active subscriptions per user.
pub const MAX_SUBSCRIPTIONS: u64 = 20;

/// Runs worked per job tick.
const PER_TICK: u64 = 5;

/// Scheduled runs start at this hour (UTC).
const RUN_HOUR: u32 = 6;

/// The next run of a `frequency` subscription after `after`: the next day,
/// Monday or first of the month at 06:00 UTC.
pub fn next_after(frequency: &str, after: DateTime<Utc>) -> DateTime<Utc> {
    let day = after.date_naive();
    let next = match frequency {
        "weekly" => day + Duration::days(7 - i64::from(day.weekday().num_days_from_monday())),
        "monthly" => day
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .unwrap_or(day + Duration::days(30)),
        _ => day + Duration::days(1),
    };
    next.and_time(NaiveTime::from_hms_opt(RUN_HOUR, 0, 0).unwrap_or(NaiveTime::MIN))
        .and_utc()
}

/// A filter from the report page's query string (`period=7d&owner=3`).
pub fn parse_filter(query: &str) -> (FilterInput, Option<Grain>) {
    let mut input = FilterInput::default();
    let mut grain = None;
    for (k, v) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        let v = v.trim().to_owned();
        match k.as_ref() {
            "period" => input.period = v,
            "from" => input.from = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok(),
            "to" => input.to = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok(),
            "warehouse" => input.warehouse_id = v.parse().ok(),
            "owner" => input.owner_id = v.parse().ok(),
            "team" => input.team_id = v.parse().ok(),
            "segment" => input.segment = Some(v).filter(|s| !s.is_empty()),
            "grain" => grain = Grain::parse(&v),
            _ => {}
        }
    }
    (input, grain)
}

/// Checks a report request: a known report, a valid filter.
fn check(kind: &str, filter: &str, now: DateTime<Utc>) -> Result<()> {
    let mut errors = FieldErrors::new();
    if !reports::KINDS.contains(&kind) {
        errors.insert("kind".into(), crate::messages::CHOICE_INVALID.into());
    }
    if filter.chars().count() > 500 {
        errors.insert("filter".into(), crate::messages::MAX_500.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    crate::analytics::dashboards::resolve(&parse_filter(filter).0, now.date_naive()).map(|_| ())
}

/// Subscribes the actor to report `kind` with `filter`, `frequency`.
pub async fn subscribe(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: &str,
    filter: &str,
    frequency: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    if !FREQUENCIES.contains(&frequency) {
        return Err(Error::field("frequency", crate::messages::CHOICE_INVALID));
    }
    check(kind, filter, now)?;
    let active = report_subscriptions::Entity::find()
        .filter(report_subscriptions::Column::UserId.eq(actor.user_id))
        .filter(report_subscriptions::Column::Active.eq(true))
        .count(db)
        .await?;
    if active >= MAX_SUBSCRIPTIONS {
        return Err(Error::Conflict(crate::messages::TOO_MANY.into()));
    }
    let row = report_subscriptions::ActiveModel {
        user_id: Set(actor.user_id),
        kind: Set(kind.to_owned()),
        filter: Set(filter.to_owned()),
        frequency: Set(frequency.to_owned()),
        next_run_at: Set(next_after(frequency, now)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Ends one of the actor's subscriptions.
pub async fn unsubscribe(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<()> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    let done = report_subscriptions::Entity::update_many()
        .col_expr(report_subscriptions::Column::Active, Expr::value(false))
        .col_expr(
            report_subscriptions::Column::UpdatedAt,
            Expr::value(Utc::now()),
        )
        .filter(report_subscriptions::Column::Id.eq(id))
        .filter(report_subscriptions::Column::UserId.eq(actor.user_id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// The actor's active subscriptions.
pub async fn subscriptions(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Vec<report_subscriptions::Model>> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    Ok(report_subscriptions::Entity::find()
        .filter(report_subscriptions::Column::UserId.eq(actor.user_id))
        .filter(report_subscriptions::Column::Active.eq(true))
        .order_by_asc(report_subscriptions::Column::Id)
        .all(db)
        .await?)
}

async fn enqueue(
    db: &impl ConnectionTrait,
    user: i64,
    subscription: Option<i64>,
    kind: &str,
    filter: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = report_runs::ActiveModel {
        user_id: Set(user),
        subscription_id: Set(subscription),
        kind: Set(kind.to_owned()),
        filter: Set(filter.to_owned()),
        status: Set("queued".into()),
        progress: Set(0),
        rows: Set(0),
        content: Set(String::new()),
        error: Set(String::new()),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Queues report `kind` with `filter` to run in the background now.
pub async fn request(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kind: &str,
    filter: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    check(kind, filter, now)?;
    enqueue(db, actor.user_id, None, kind, filter, now).await
}

/// The actor's newest runs, without their content.
pub async fn runs(
    db: &impl ConnectionTrait,
    actor: &Actor,
    limit: u64,
) -> Result<Vec<report_runs::Model>> {
    use report_runs::Column as C;
    let actor = policy::require(actor, Permission::ReportsView)?;
    report_runs::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::UserId,
            C::SubscriptionId,
            C::Kind,
            C::Filter,
            C::Status,
            C::Progress,
            C::Rows,
            C::Error,
            C::CreatedAt,
            C::StartedAt,
            C::FinishedAt,
            C::UpdatedAt,
        ])
        // The content can be large; lists leave it out.
        .column_as(Expr::val(""), "content")
        .filter(C::UserId.eq(actor.user_id))
        .order_by_desc(C::Id)
        .limit(limit.clamp(1, 200))
        .into_model::<report_runs::Model>()
        .all(db)
        .await
        .map_err(Into::into)
}

/// A finished report as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// Period's first day.
    pub from: String,
    /// Period's last day.
    pub to: String,
    /// Currency.
    pub currency: String,
    /// (key, kind) per column; kinds as `text`, `count`, `money`, `percent`, `minutes`, `rating`.
    pub columns: Vec<(String, String)>,
    /// Rows: text cells as strings, numbers as numbers or null.
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Totals.
    pub totals: Vec<serde_json::Value>,
}

fn cell(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(t) => serde_json::Value::String(t.clone()),
        Cell::Number(Some(v)) => serde_json::Value::from(*v),
        Cell::Number(None) => serde_json::Value::Null,
    }
}

fn store(r: &Report) -> Stored {
    Stored {
        from: r.filter.from.to_string(),
        to: r.filter.to.to_string(),
        currency: r.currency.clone(),
        columns: r
            .columns
            .iter()
            .map(|c| (c.key.to_owned(), c.kind.as_str().to_owned()))
            .collect(),
        rows: r
            .rows
            .iter()
            .map(|row| row.iter().map(cell).collect())
            .collect(),
        totals: r.totals.iter().map(cell).collect(),
    }
}

impl Stored {
    /// The stored cells back as report cells.
    fn cells(values: &[serde_json::Value]) -> Vec<Cell> {
        values
            .iter()
            .map(|v| match v {
                serde_json::Value::String(t) => Cell::Text(t.clone()),
                other => Cell::Number(other.as_i64()),
            })
            .collect()
    }

    /// The rows as report cells.
    pub fn rows(&self) -> Vec<Vec<Cell>> {
        self.rows.iter().map(|r| Self::cells(r)).collect()
    }

    /// The totals as report cells.
    pub fn totals(&self) -> Vec<Cell> {
        Self::cells(&self.totals)
    }

    /// The stored report as CSV (see [`reports::csv_of`]).
    pub fn to_csv(&self, headers: &[String], total_label: &str) -> Result<Vec<u8>> {
        let columns: Vec<(&str, Kind)> = self
            .columns
            .iter()
            .map(|(key, kind)| (key.as_str(), Kind::parse(kind)))
            .collect();
        reports::csv_of(&columns, &self.rows(), &self.totals(), headers, total_label)
    }
}

/// One of the actor's runs with its result (once done).
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<(report_runs::Model, Option<Stored>)> {
    let actor = policy::require(actor, Permission::ReportsView)?;
    let run = report_runs::Entity::find_by_id(id)
        .filter(report_runs::Column::UserId.eq(actor.user_id))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let stored = (run.status == "done")
        .then(|| serde_json::from_str(&run.content))
        .transpose()
        .map_err(|e| Error::Internal(format!("stored report: {e}")))?;
    Ok((run, stored))
}

/// One of the actor's finished runs, for a CSV export (a run not yet done
/// is not found). Needs `reports.export` besides `reports.view`.
pub async fn export(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Stored> {
    policy::require(actor, Permission::ReportsExport)?;
    get(db, actor, id).await?.1.ok_or(Error::NotFound)
}

async fn set_progress(db: &impl ConnectionTrait, id: i64, progress: i32) -> Result<()> {
    report_runs::Entity::update_many()
        .col_expr(report_runs::Column::Progress, Expr::value(progress))
        .col_expr(report_runs::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(report_runs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Works one queued run: claims it, runs the report as its owner, stores
/// the result and tells the owner. `false` when another worker had it.
async fn work(
    db: &impl ConnectionTrait,
    run: &report_runs::Model,
    now: DateTime<Utc>,
) -> Result<bool> {
    use report_runs::Column as C;
    let claimed = report_runs::Entity::update_many()
        .col_expr(C::Status, Expr::value("running"))
        .col_expr(C::Progress, Expr::value(10))
        .col_expr(C::StartedAt, Expr::value(now))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(run.id))
        .filter(C::Status.eq("queued"))
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let owner = access::resolve_actor(db, run.user_id, RequestMeta::default()).await?;
    let (input, grain) = parse_filter(&run.filter);
    let outcome = match owner {
        None => Err(Error::Forbidden),
        Some(owner) => reports::run(db, &owner, &run.kind, &input, grain, now, None).await,
    };
    set_progress(db, run.id, 70).await?;
    let finished = Utc::now();
    match outcome {
        Ok(report) => {
            let stored = store(&report);
            let content = serde_json::to_string(&stored)
                .map_err(|e| Error::Internal(format!("store report: {e}")))?;
            report_runs::Entity::update_many()
                .col_expr(C::Status, Expr::value("done"))
                .col_expr(C::Progress, Expr::value(100))
                .col_expr(C::Rows, Expr::value(report.rows.len() as i64))
                .col_expr(C::Content, Expr::value(content))
                .col_expr(C::FinishedAt, Expr::value(finished))
                .col_expr(C::UpdatedAt, Expr::value(finished))
                .filter(C::Id.eq(run.id))
                .exec(db)
                .await?;
            let title = format!("{} · {} – {}", run.kind, stored.from, stored.to);
            notifications::notify(
                db,
                &[run.user_id],
                notifications::REPORT_READY,
                &title,
                &format!("/reports/inbox/{}", run.id),
            )
            .await?;
        }
        Err(err) => {
            let why = match &err {
                Error::Forbidden | Error::Unauthenticated => "forbidden".to_owned(),
                Error::Validation(_) => "invalid filter".to_owned(),
                other => {
                    tracing::error!(run = run.id, error = %other, "report run failed");
                    "internal error".to_owned()
                }
            };
            report_runs::Entity::update_many()
                .col_expr(C::Status, Expr::value("failed"))
                .col_expr(C::Progress, Expr::value(100))
                .col_expr(C::Error, Expr::value(why))
                .col_expr(C::FinishedAt, Expr::value(finished))
                .col_expr(C::UpdatedAt, Expr::value(finished))
                .filter(C::Id.eq(run.id))
                .exec(db)
                .await?;
        }
    }
    Ok(true)
}

/// The background job's step: due subscriptions become queued runs (each
/// claimed by moving its next run on, so one server does it), then up to
/// a few queued runs are worked, oldest first. Returns runs finished.
pub async fn tick(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64> {
    use report_subscriptions::Column as S;
    let due = report_subscriptions::Entity::find()
        .filter(S::Active.eq(true))
        .filter(S::NextRunAt.lte(now))
        .order_by_asc(S::NextRunAt)
        .limit(50)
        .all(db)
        .await?;
    for sub in due {
        let moved = report_subscriptions::Entity::update_many()
            .col_expr(S::NextRunAt, Expr::value(next_after(&sub.frequency, now)))
            .col_expr(S::UpdatedAt, Expr::value(now))
            .filter(S::Id.eq(sub.id))
            .filter(S::NextRunAt.eq(sub.next_run_at))
            .exec(db)
            .await?;
        if moved.rows_affected == 1 {
            enqueue(db, sub.user_id, Some(sub.id), &sub.kind, &sub.filter, now).await?;
        }
    }
    let queued = report_runs::Entity::find()
        .select_only()
        .columns([report_runs::Column::Id])
        .filter(report_runs::Column::Status.eq("queued"))
        .order_by_asc(report_runs::Column::Id)
        .limit(PER_TICK)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut finished = 0;
    for id in queued {
        if let Some(run) = report_runs::Entity::find_by_id(id).one(db).await? {
            if work(db, &run, now).await? {
                finished += 1;
            }
        }
    }
    Ok(finished)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .with_timezone(&Utc)
    }

    #[test]
    fn subscriptions_run_next_morning_monday_or_first_of_month() {
        let sunday_noon = at("2026-11-29T12:00:00Z");
        assert_eq!(next_after("daily", sunday_noon), at("2026-11-30T06:00:00Z"));
        assert_eq!(
            next_after("weekly", sunday_noon),
            at("2026-11-30T06:00:00Z")
        );
        assert_eq!(
            next_after("weekly", at("2026-11-30T07:00:00Z")),
            at("2026-12-07T06:00:00Z")
        );
        assert_eq!(
            next_after("monthly", sunday_noon),
            at("2026-12-01T06:00:00Z")
        );
        assert_eq!(
            next_after("monthly", at("2026-12-31T23:00:00Z")),
            at("2027-01-01T06:00:00Z")
        );
    }

    #[test]
    fn filters_round_trip_through_the_query_string() {
        let (input, grain) = parse_filter(
            "?period=custom&from=2026-01-01&to=2026-03-31&owner=7&segment=retail&grain=week&junk=1",
        );
        assert_eq!(input.period, "custom");
        assert_eq!(input.from, chrono::NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(input.owner_id, Some(7));
        assert_eq!(input.segment.as_deref(), Some("retail"));
        assert_eq!(grain, Some(Grain::Week));
        let (empty, none) = parse_filter("");
        assert_eq!((empty, none), (FilterInput::default(), None));
    }
}
