//! Activities: calls, emails, meetings, tasks and notes, each on a customer
//! and optionally one of its contacts or opportunities; "my day" lists a
//! user's open ones as overdue, today and upcoming.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission, Scope},
    entities::{activities, contacts, opportunities},
    Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::scope,
        crm::customers,
        crm::timeline::{self, Event},
        platform::page::{paginate_after, Page},
    },
};

mod views;

pub use self::views::{my_day_rows, rows, ActivityRow, MyDayRows};

/// The kinds of activity.
pub const KINDS: &[&str] = &["call", "email", "meeting", "task", "note"];

/// What an activity form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityInput {
    /// One of [`KINDS`].
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Already done (a logged call, a note).
    pub done: bool,
    /// The customer.
    pub customer_id: i64,
    /// A contact of the customer.
    pub contact_id: Option<i64>,
    /// An opportunity of the customer.
    pub opportunity_id: Option<i64>,
    /// Owner (the actor when none).
    pub owner_id: Option<i64>,
}

/// The record scope for activities (also asked by the views derived from them).
pub(crate) fn scope_of(actor: &Actor) -> Result<Scope> {
    crate::access::scope::records::scope(actor, crate::access::scope::records::Kind::Activity)
}

/// Where an activity lives in the UI: its row on its customer's
/// activities tab (the timeline reads the activity back from it).
pub fn link(customer_id: i64, id: i64) -> String {
    format!("/customers/{customer_id}?tab=activities&activity={id}")
}

fn validate(input: &ActivityInput) -> Result<(&'static str, String)> {
    let mut errors = FieldErrors::new();
    let kind = KINDS.iter().copied().find(|k| *k == input.kind.trim());
    if kind.is_none() {
        errors.insert("kind".into(), crate::messages::ACTIVITY_KIND.into());
    }
    let subject = input.subject.trim().to_owned();
    if subject.is_empty() {
        errors.insert("subject".into(), crate::messages::TITLE_REQUIRED.into());
    } else if subject.chars().count() > 200 {
        errors.insert("subject".into(), crate::messages::MAX_200.into());
    }
    if input.body.chars().count() > 10_000 {
        errors.insert("body".into(), crate::messages::TOO_LONG.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok((kind.unwrap_or("note"), subject))
}

/// Checks an activity's fields without saving.
pub fn check(input: &ActivityInput) -> Result<()> {
    validate(input).map(|_| ())
}

/// Logs or plans an activity on a customer in the actor's customer scope.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &ActivityInput,
) -> Result<activities::Model> {
    let actor = policy::require(actor, Permission::ActivitiesWrite)?;
    let txn = db.begin().await?;
    let created = insert(&txn, actor, input, Utc::now()).await?;
    txn.commit().await?;
    Ok(created)
}

pub(crate) async fn insert(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: &ActivityInput,
    now: DateTime<Utc>,
) -> Result<activities::Model> {
    let (kind, subject) = validate(input)?;
    customers::get(txn, actor, input.customer_id)
        .await
        .map_err(|e| match e {
            Error::NotFound => Error::field("customer_id", crate::messages::CUSTOMER_MISSING),
            other => other,
        })?;
    if let Some(contact) = input.contact_id {
        let ok = contacts::Entity::find_by_id(contact)
            .one(txn)
            .await?
            .is_some_and(|c| c.customer_id == input.customer_id);
        if !ok {
            return Err(Error::field(
                "contact_id",
                crate::messages::CONTACT_MISMATCH,
            ));
        }
    }
    if let Some(opportunity) = input.opportunity_id {
        let ok = opportunities::Entity::find_by_id(opportunity)
            .one(txn)
            .await?
            .is_some_and(|o| o.customer_id == input.customer_id);
        if !ok {
            return Err(Error::field(
                "opportunity_id",
                crate::messages::OPPORTUNITY_MISMATCH,
            ));
        }
    }
    let owner = scope::assignee(txn, actor, input.owner_id, Permission::ActivitiesReadAll).await?;
    let done = input.done || kind == "note";
    let created = activities::ActiveModel {
        kind: Set(kind.to_owned()),
        subject: Set(subject),
        body: Set(input.body.trim().to_owned()),
        due_at: Set(input.due_at),
        done_at: Set(done.then_some(now)),
        owner_id: Set(Some(owner)),
        customer_id: Set(input.customer_id),
        contact_id: Set(input.contact_id),
        opportunity_id: Set(input.opportunity_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        Who::Actor(actor),
        Entry::new("activity.created", "activity", Some(created.id.to_string())).after(json!({
            "kind": created.kind, "subject": created.subject, "customer_id": created.customer_id,
            "due_at": created.due_at, "done_at": created.done_at, "owner_id": created.owner_id,
        })),
    )
    .await?;
    timeline::append_at(
        txn,
        Some(actor.user_id),
        Event {
            customer_id: created.customer_id,
            kind: if done {
                "activity.logged"
            } else {
                "activity.planned"
            },
            summary: format!("{}: {}", created.kind, created.subject),
            link: link(created.customer_id, created.id),
        },
        now,
    )
    .await?;
    Ok(created)
}

/// One activity in the actor's scope.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<activities::Model> {
    let scope = scope_of(actor)?;
    activities::Entity::find_by_id(id)
        .filter(scope::owned(scope, activities::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Marks an activity done (doing it twice changes nothing).
pub async fn complete(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
) -> Result<activities::Model> {
    let actor = policy::require(actor, Permission::ActivitiesWrite)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    let now = Utc::now();
    let changed = activities::Entity::update_many()
        .col_expr(activities::Column::DoneAt, Some(now).into())
        .col_expr(activities::Column::UpdatedAt, now.into())
        .filter(activities::Column::Id.eq(id))
        .filter(activities::Column::DoneAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 1 {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("activity.completed", "activity", Some(id.to_string()))
                .before(json!({ "done_at": null }))
                .after(json!({ "done_at": now })),
        )
        .await?;
        timeline::append(
            &txn,
            Some(actor.user_id),
            Event {
                customer_id: before.customer_id,
                kind: "activity.done",
                summary: format!("{}: {}", before.kind, before.subject),
                link: link(before.customer_id, id),
            },
        )
        .await?;
    }
    let after = activities::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    txn.commit().await?;
    Ok(after)
}

/// Open or done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// Both.
    #[default]
    Any,
    /// Not done.
    Open,
    /// Done.
    Done,
}

/// Filters for the activities list.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    /// Part of the subject.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Only this opportunity.
    pub opportunity_id: Option<i64>,
    /// Open or done.
    pub status: Status,
    /// `-created` (default), `created`, `due`.
    pub sort: String,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// Activities in the actor's scope matching the filter.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ActivityFilter,
) -> Result<Page<activities::Model>> {
    let scope = scope_of(actor)?;
    use activities::Column as C;
    let mut condition = scope::owned(scope, C::OwnerId);
    if let Some(text) = scope::search_text(filter.search.as_deref())? {
        condition = condition.add(C::Subject.contains(text));
    }
    if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        condition = condition.add(C::Kind.eq(kind));
    }
    if let Some(owner) = filter.owner_id {
        condition = condition.add(C::OwnerId.eq(owner));
    }
    if let Some(customer) = filter.customer_id {
        condition = condition.add(C::CustomerId.eq(customer));
    }
    if let Some(opportunity) = filter.opportunity_id {
        condition = condition.add(C::OpportunityId.eq(opportunity));
    }
    match filter.status {
        Status::Any => {}
        Status::Open => condition = condition.add(C::DoneAt.is_null()),
        Status::Done => condition = condition.add(C::DoneAt.is_not_null()),
    }
    let query = activities::Entity::find().filter(condition);
    let query = match filter.sort.as_str() {
        "created" => query.order_by_asc(C::CreatedAt).order_by_asc(C::Id),
        "due" => query.order_by_asc(C::DueAt).order_by_asc(C::Id),
        _ => query.order_by_desc(C::CreatedAt).order_by_desc(C::Id),
    };
    paginate_after(
        db,
        query,
        activities::Column::Id,
        filter.after,
        filter.page,
        filter.per_page,
        100,
    )
    .await
}

/// A user's open activities with a due time, split around their today.
#[derive(Clone, Debug, Default)]
pub struct MyDay {
    /// Due before today.
    pub overdue: Vec<activities::Model>,
    /// Due today.
    pub today: Vec<activities::Model>,
    /// Due in the next seven days.
    pub upcoming: Vec<activities::Model>,
}

/// The actor's own open activities: overdue, due today and in the next
/// seven days, "today" being the calendar day at `now` in the user's time
/// zone (`offset_minutes` east of UTC). At most 100 in each list.
pub async fn my_day(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    offset_minutes: i32,
) -> Result<MyDay> {
    scope_of(actor)?;
    let offset = FixedOffset::east_opt(offset_minutes.clamp(-14 * 60, 14 * 60) * 60)
        .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    let local = now.with_timezone(&offset).date_naive();
    let start = offset
        .from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now);
    let end = start + Duration::days(1);
    let horizon = end + Duration::days(7);
    use activities::Column as C;
    let base = || {
        activities::Entity::find()
            .filter(C::OwnerId.eq(actor.user_id))
            .filter(C::DoneAt.is_null())
            .order_by_asc(C::DueAt)
            .order_by_asc(C::Id)
            .limit(100)
    };
    Ok(MyDay {
        overdue: base().filter(C::DueAt.lt(start)).all(db).await?,
        today: base()
            .filter(C::DueAt.gte(start))
            .filter(C::DueAt.lt(end))
            .all(db)
            .await?,
        upcoming: base()
            .filter(C::DueAt.gte(end))
            .filter(C::DueAt.lt(horizon))
            .all(db)
            .await?,
    })
}
