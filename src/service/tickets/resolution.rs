//! Resolution minutes: how they are computed, and the check that the
//! stored ones still match the tickets' times.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::Result;

/// Whole minutes from a ticket's creation to its resolution, never
/// negative: what `tickets.resolution_minutes` holds, so the mean
/// resolution time is summed in the database on either engine.
pub fn resolution_minutes(created: DateTime<Utc>, resolved: DateTime<Utc>) -> i64 {
    (resolved - created).num_minutes().max(0)
}

/// The tickets whose `resolution_minutes` differs from their times:
/// (ticket, stored, recomputed); with `fix`, each is rewritten. Part of
/// `crate::analytics::summaries::check`.
pub async fn check_minutes(
    db: &impl ConnectionTrait,
    fix: bool,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>> {
    use crate::entities::tickets::Column as T;
    type Row = (
        i64,
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
        Option<i64>,
    );
    let mut wrong = Vec::new();
    let mut after = 0_i64;
    loop {
        let rows: Vec<Row> = crate::entities::tickets::Entity::find()
            .select_only()
            .columns([T::Id, T::CreatedAt, T::ResolvedAt, T::ResolutionMinutes])
            .filter(T::Id.gt(after))
            .order_by_asc(T::Id)
            .limit(5_000)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (id, created, resolved, kept) in rows {
            let fresh = resolved.map(|done| resolution_minutes(created, done));
            if kept != fresh {
                wrong.push((id, kept, fresh));
            }
        }
    }
    if fix {
        for (id, _, fresh) in &wrong {
            crate::entities::tickets::Entity::update_many()
                .col_expr(T::ResolutionMinutes, Expr::value(*fresh))
                .filter(T::Id.eq(*id))
                .exec(db)
                .await?;
        }
    }
    Ok(wrong)
}
