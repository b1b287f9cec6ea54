//! Opportunity facts: the deals expected to close in the period.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{bucket, Fact, Query};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards::{self, segment_customers},
    entities::opportunities,
    Result,
};

/// Opportunities expected to close in the period.
pub(super) async fn opportunities_facts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
    currency: &str,
) -> Result<Vec<Fact>> {
    use opportunities::Column as C;
    let scope = policy::scope(
        actor,
        Permission::OpportunitiesRead,
        Permission::OpportunitiesReadAll,
    )?;
    let owners = dashboards::owners(db, scope, f).await?;
    let mut find = opportunities::Entity::find()
        .select_only()
        .columns([
            C::StageId,
            C::OwnerId,
            C::CustomerId,
            C::ExpectedClose,
            C::AmountMinor,
            C::Probability,
        ])
        .filter(C::ExpectedClose.gte(f.from))
        .filter(C::ExpectedClose.lte(f.to))
        .filter(C::Currency.eq(currency));
    if let Some(o) = owners {
        find = find.filter(C::OwnerId.is_in(o));
    }
    if let Some(s) = &f.segment {
        find = find.filter(C::CustomerId.in_subquery(segment_customers(s)));
    }
    let rows: Vec<(i64, Option<i64>, i64, NaiveDate, i64, i32)> = find.into_tuple().all(db).await?;
    let segments: HashMap<i64, String> =
        crate::crm::customers::segments(db, rows.iter().map(|r| r.2)).await?;
    let pick = |dim: &str, r: &(i64, Option<i64>, i64, NaiveDate, i64, i32)| -> String {
        match dim {
            "stage" => r.0.to_string(),
            "owner" => r.1.unwrap_or(0).to_string(),
            "customer" => r.2.to_string(),
            "segment" => segments.get(&r.2).cloned().unwrap_or_default(),
            "" => String::new(),
            other => bucket(other, r.3).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| {
            let v = match q.measure.as_str() {
                "count" => 1,
                // Per deal, rounded half up, so the total is the sum of the cells.
                "weighted" => (r.4 * i64::from(r.5) + 50).div_euclid(100),
                _ => r.4,
            };
            (pick(&q.rows, r), pick(&q.columns, r), v)
        })
        .collect();
    Ok(raw)
}
