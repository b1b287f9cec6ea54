//! Lists of tickets in the actor's scope: the desk's filtered pages and
//! the customer page's tab and figure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, Func},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    access::{scope, Actor},
    entities::{customers, queues, tickets, users},
    platform::page::{paginate_after, Page},
    Result,
};

use super::{reader, scope_condition, ACTIVE, SOON_MINUTES};

/// Which tickets a list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// `mine` (assigned to me), `unassigned`, `breaching` (a deadline
    /// within the next hour or past), or anything else for all.
    pub view: String,
    /// Status (empty: the view's default — active ones except for all).
    pub status: String,
    /// Priority.
    pub priority: String,
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Queue.
    pub queue_id: Option<i64>,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Number or words of the subject.
    pub q: Option<String>,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// A row of a ticket list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRow {
    /// The ticket.
    pub ticket: tickets::Model,
    /// Customer name.
    pub customer: String,
    /// Assignee name.
    pub assignee: Option<String>,
    /// Queue name.
    pub queue: Option<String>,
}

/// A page of tickets in the actor's scope.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &TicketFilter,
    now: DateTime<Utc>,
) -> Result<Page<TicketRow>> {
    let actor = reader(actor)?;
    let mut query = tickets::Entity::find().filter(scope_condition(db, actor).await?);
    let active_only = |q: sea_orm::Select<tickets::Entity>| {
        if filter.status.is_empty() {
            q.filter(tickets::Column::Status.is_in(ACTIVE))
        } else {
            q
        }
    };
    let soon = now + Duration::minutes(SOON_MINUTES);
    query = match filter.view.as_str() {
        "mine" => active_only(query.filter(tickets::Column::AssigneeId.eq(actor.user_id)))
            .order_by_asc(tickets::Column::ResolutionDue),
        "unassigned" => active_only(query.filter(tickets::Column::AssigneeId.is_null()))
            .order_by_asc(tickets::Column::Id),
        "breaching" => active_only(
            query.filter(
                Condition::any()
                    .add(tickets::Column::FirstResponseDue.lte(soon))
                    .add(tickets::Column::ResolutionDue.lte(soon)),
            ),
        )
        .order_by_asc(tickets::Column::ResolutionDue),
        _ => query,
    };
    if !filter.status.is_empty() {
        query = query.filter(tickets::Column::Status.eq(filter.status.clone()));
    }
    if !filter.priority.is_empty() {
        query = query.filter(tickets::Column::Priority.eq(filter.priority.clone()));
    }
    if !filter.kind.is_empty() {
        query = query.filter(tickets::Column::Kind.eq(filter.kind.clone()));
    }
    if !filter.channel.is_empty() {
        query = query.filter(tickets::Column::Channel.eq(filter.channel.clone()));
    }
    if let Some(q) = filter.queue_id {
        query = query.filter(tickets::Column::QueueId.eq(q));
    }
    if let Some(c) = filter.customer_id {
        query = query.filter(tickets::Column::CustomerId.eq(c));
    }
    if let Some(text) = scope::search_text(filter.q.as_deref())? {
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(tickets::Column::Number)))
                        .like(format!("{text}%")),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(tickets::Column::Subject)))
                        .like(format!("%{text}%")),
                ),
        );
    }
    let page = paginate_after(
        db,
        query.order_by_desc(tickets::Column::Id),
        tickets::Column::Id,
        filter.after,
        filter.page,
        filter.per_page.max(1),
        100,
    )
    .await?;
    let customer_ids: BTreeSet<i64> = page.items.iter().map(|t| t.customer_id).collect();
    let customers: BTreeMap<i64, String> = customers::Entity::find()
        .filter(customers::Column::Id.is_in(customer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let user_ids: BTreeSet<i64> = page.items.iter().filter_map(|t| t.assignee_id).collect();
    let names: BTreeMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let queue_names: BTreeMap<i64, String> = queues::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|q| (q.id, q.name))
        .collect();
    Ok(page.map(|t| TicketRow {
        customer: customers.get(&t.customer_id).cloned().unwrap_or_default(),
        assignee: t.assignee_id.and_then(|a| names.get(&a).cloned()),
        queue: t.queue_id.and_then(|q| queue_names.get(&q).cloned()),
        ticket: t,
    }))
}

/// The tickets of one customer (the customer page's tab), newest first.
pub async fn of_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
) -> Result<Vec<tickets::Model>> {
    let actor = reader(actor)?;
    Ok(tickets::Entity::find()
        .filter(tickets::Column::CustomerId.eq(customer_id))
        .filter(scope_condition(db, actor).await?)
        .order_by_desc(tickets::Column::Id)
        .limit(200)
        .all(db)
        .await?)
}

/// Open tickets of a customer (for the customer page's figures).
pub async fn open_count(db: &impl ConnectionTrait, actor: &Actor, customer_id: i64) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    let actor = reader(actor)?;
    Ok(tickets::Entity::find()
        .filter(tickets::Column::CustomerId.eq(customer_id))
        .filter(tickets::Column::Status.is_in(ACTIVE))
        .filter(scope_condition(db, actor).await?)
        .count(db)
        .await?)
}
