//! The pipeline conversion report: opportunities by stage, how many
//! reached each stage and the conversion to the next.

use std::collections::HashMap;

use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{n, owners};
use crate::{
    access::{Actor, Permission},
    analytics::{
        dashboards::{midnight, segment_customers, sum},
        reports::{col, Cell, Kind, Report},
    },
    entities::{opportunities, pipeline_stages},
    Result,
};

/// Opportunities created in the period by stage: how many are there now,
/// how many reached each stage (a deal in a later stage, or won, passed
/// it), the conversion to the next stage, and the win rate.
pub async fn pipeline_conversion(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut Report,
) -> Result<()> {
    use opportunities::Column as C;
    let owners = owners(
        db,
        actor,
        report,
        Permission::OpportunitiesRead,
        Permission::OpportunitiesReadAll,
    )
    .await?;
    let mut q = opportunities::Entity::find()
        .select_only()
        .column(C::StageId)
        .column_as(C::Id.count(), "n")
        .column_as(sum(C::AmountMinor), "amount")
        .filter(C::CreatedAt.gte(midnight(report.filter.from)))
        .filter(C::CreatedAt.lt(midnight(report.filter.to + Duration::days(1))))
        .filter(C::Currency.eq(report.currency.clone()))
        .group_by(C::StageId);
    if let Some(o) = owners {
        q = q.filter(C::OwnerId.is_in(o));
    }
    if let Some(s) = &report.filter.segment {
        q = q.filter(C::CustomerId.in_subquery(segment_customers(s)));
    }
    let counts: HashMap<i64, (i64, i64)> = q
        .into_tuple::<(i64, i64, Option<i64>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(s, c, a)| (s, (c, a.unwrap_or(0))))
        .collect();
    let stages = pipeline_stages::Entity::find()
        .order_by_asc(pipeline_stages::Column::Position)
        .all(db)
        .await?;
    let won: i64 = stages
        .iter()
        .filter(|s| s.is_won)
        .map(|s| counts.get(&s.id).map_or(0, |c| c.0))
        .sum();
    let lost: i64 = stages
        .iter()
        .filter(|s| s.is_lost)
        .map(|s| counts.get(&s.id).map_or(0, |c| c.0))
        .sum();
    let open: Vec<&pipeline_stages::Model> =
        stages.iter().filter(|s| !s.is_won && !s.is_lost).collect();
    // Reached stage i: now in stage i or a later open stage, or won. Lost
    // deals keep no record of where they left, so they count as reaching
    // the first stage only.
    let mut reached: Vec<i64> = Vec::new();
    for (i, _) in open.iter().enumerate() {
        let later: i64 = open[i..]
            .iter()
            .map(|s| counts.get(&s.id).map_or(0, |c| c.0))
            .sum();
        reached.push(later + won + if i == 0 { lost } else { 0 });
    }
    report.columns = vec![
        col("stage", Kind::Text),
        col("now_in_stage", Kind::Count),
        col("amount", Kind::Money),
        col("reached", Kind::Text),
        col("conversion", Kind::Percent),
    ];
    for (i, s) in open.iter().enumerate() {
        let next = reached.get(i + 1).copied().unwrap_or(won);
        let (count, amount) = counts.get(&s.id).copied().unwrap_or_default();
        report.rows.push(vec![
            Cell::Text(s.name.clone()),
            n(count),
            n(amount),
            Cell::Text(reached[i].to_string()),
            Cell::Number((reached[i] > 0).then(|| next * 10_000 / reached[i])),
        ]);
        report
            .links
            .push(Some(format!("/opportunities/list?stage={}", s.id)));
    }
    for s in stages.iter().filter(|s| s.is_won || s.is_lost) {
        let (count, amount) = counts.get(&s.id).copied().unwrap_or_default();
        report.rows.push(vec![
            Cell::Text(s.name.clone()),
            n(count),
            n(amount),
            Cell::Text(String::new()),
            Cell::Number(None),
        ]);
        report
            .links
            .push(Some(format!("/opportunities/list?stage={}", s.id)));
    }
    // The totals row's share is the win rate of the decided deals.
    report.totals = vec![
        Cell::Text(String::new()),
        n(0),
        n(0),
        Cell::Text(String::new()),
        Cell::Number((won + lost > 0).then(|| won * 10_000 / (won + lost))),
    ];
    Ok(())
}
