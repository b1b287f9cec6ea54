//! Ticket facts: the tickets opened in the period, through the ticket
//! scope.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{bucket, Fact, Query};
use crate::{
    access::{Actor, Permission},
    analytics::dashboards::{self, midnight, segment_customers},
    entities::tickets,
    service::tickets as ticket_service,
    Error, Result,
};

/// Tickets opened in the period.
pub(super) async fn tickets_facts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: &Query,
    f: &dashboards::Filter,
) -> Result<Vec<Fact>> {
    use tickets::Column as C;
    if !(actor.has(Permission::TicketsRead) || actor.has(Permission::TicketsReadAll)) {
        return Err(Error::Forbidden);
    }
    let scope = ticket_service::scope_condition(db, actor).await?;
    let mut find = tickets::Entity::find()
        .select_only()
        .columns([
            C::QueueId,
            C::AssigneeId,
            C::Kind,
            C::Priority,
            C::Status,
            C::Channel,
            C::CustomerId,
            C::CreatedAt,
        ])
        .filter(scope)
        .filter(C::CreatedAt.gte(midnight(f.from)))
        .filter(C::CreatedAt.lt(midnight(f.to + Duration::days(1))));
    if let Some(s) = &f.segment {
        find = find.filter(C::CustomerId.in_subquery(segment_customers(s)));
    }
    type Row = (
        Option<i64>,
        Option<i64>,
        String,
        String,
        String,
        String,
        i64,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = find.into_tuple().all(db).await?;
    let segments: HashMap<i64, String> = if q.rows == "segment" || q.columns == "segment" {
        crate::crm::customers::segments(db, rows.iter().map(|r| r.6)).await?
    } else {
        HashMap::new()
    };
    let pick = |dim: &str, r: &Row| -> String {
        match dim {
            "queue" => r.0.unwrap_or(0).to_string(),
            "assignee" => r.1.unwrap_or(0).to_string(),
            "kind" => r.2.clone(),
            "priority" => r.3.clone(),
            "status" => r.4.clone(),
            "channel" => r.5.clone(),
            "segment" => segments.get(&r.6).cloned().unwrap_or_default(),
            "" => String::new(),
            other => bucket(other, r.7.date_naive()).unwrap_or_default(),
        }
    };
    let raw = rows
        .iter()
        .map(|r| (pick(&q.rows, r), pick(&q.columns, r), 1))
        .collect();
    Ok(raw)
}
