//! The ticket reports: tickets opened and resolved per queue or per
//! agent, with SLA, resolution time and rating.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::n;
use crate::{
    access::{Actor, Permission},
    analytics::{
        dashboards::midnight,
        reports::{col, Cell, Kind, Report},
    },
    entities::{queues, tickets, users},
    service::tickets as ticket_service,
    Error, Result,
};

#[derive(Default)]
struct Perf {
    opened: i64,
    resolved: i64,
    met: i64,
    with_target: i64,
    minutes: i64,
    ratings: i64,
    rating_sum: i64,
}

impl Perf {
    fn cells(&self) -> Vec<Cell> {
        vec![
            n(self.opened),
            n(self.resolved),
            Cell::Number((self.with_target > 0).then(|| self.met * 10_000 / self.with_target)),
            Cell::Number((self.resolved > 0).then(|| self.minutes / self.resolved)),
            Cell::Number((self.ratings > 0).then(|| self.rating_sum * 100 / self.ratings)),
        ]
    }
}

/// Tickets opened and resolved in the period per queue (or per agent):
/// resolved within SLA, mean time to resolve, average rating.
pub async fn tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
    by_agent: bool,
) -> Result<()> {
    use tickets::Column as C;
    if !(actor.has(Permission::TicketsRead) || actor.has(Permission::TicketsReadAll)) {
        return Err(Error::Forbidden);
    }
    let scope = ticket_service::scope_condition(db, actor).await?;
    let (start, end) = (
        midnight(report.filter.from),
        midnight(report.filter.to + Duration::days(1)),
    );
    type Row = (
        Option<i64>,
        Option<i64>,
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
        Option<i64>,
        Option<bool>,
        Option<i32>,
    );
    let rows: Vec<Row> = tickets::Entity::find()
        .select_only()
        .columns([
            C::QueueId,
            C::AssigneeId,
            C::CreatedAt,
            C::ResolvedAt,
            C::ResolutionMinutes,
            C::ResolutionMet,
            C::Rating,
        ])
        .filter(scope)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(C::CreatedAt.gte(start))
                        .add(C::CreatedAt.lt(end)),
                )
                .add(
                    Condition::all()
                        .add(C::ResolvedAt.gte(start))
                        .add(C::ResolvedAt.lt(end)),
                ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut groups: BTreeMap<i64, Perf> = BTreeMap::new();
    let mut all = Perf::default();
    for (queue, agent, created, resolved, minutes, met, rating) in rows {
        let key = if by_agent { agent } else { queue }.unwrap_or(0);
        for p in [groups.entry(key).or_default(), &mut all] {
            if created >= start && created < end {
                p.opened += 1;
            }
            if resolved.is_some_and(|r| r >= start && r < end) {
                p.resolved += 1;
                // Written when the ticket was resolved
                // (`tickets::resolution_minutes`), as the boards read it.
                p.minutes += minutes.unwrap_or(0);
                if let Some(met) = met {
                    p.with_target += 1;
                    p.met += i64::from(met);
                }
                if let Some(r) = rating {
                    p.ratings += 1;
                    p.rating_sum += i64::from(r);
                }
            }
        }
    }
    let names: HashMap<i64, String> = if by_agent {
        users::Entity::find()
            .filter(users::Column::Id.is_in(groups.keys().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        queues::Entity::find()
            .filter(queues::Column::Id.is_in(groups.keys().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|q| (q.id, q.name))
            .collect()
    };
    report.columns = vec![
        col(if by_agent { "agent" } else { "queue" }, Kind::Text),
        col("opened", Kind::Count),
        col("resolved", Kind::Count),
        col("within_sla", Kind::Percent),
        col("mean_resolution", Kind::Minutes),
        col("avg_rating", Kind::Rating),
    ];
    for (key, perf) in &groups {
        let mut row = vec![Cell::Text(names.get(key).cloned().unwrap_or_default())];
        row.extend(perf.cells());
        report.rows.push(row);
        report.links.push(None);
    }
    let mut totals = vec![Cell::Text(String::new())];
    totals.extend(all.cells());
    report.totals = totals;
    Ok(())
}
