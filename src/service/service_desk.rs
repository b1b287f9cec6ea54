//! Service desk set-up: queues (teams of agents, with an optional
//! round-robin), the working calendar SLA clocks count in, and the SLA
//! policies per priority and customer segment. Configured by holders of
//! `tickets.configure`; read by every ticket reader.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::{queue_members, queues, sla_calendars, sla_holidays, sla_policies, users},
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        service::sla::Calendar,
    },
};

/// Ticket priorities, lowest first.
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];

/// A queue with its members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Manager (hears about SLA breaches).
    pub manager: Option<(i64, String)>,
    /// Round-robin new tickets.
    pub auto_assign: bool,
    /// (user id, name, away), by name.
    pub members: Vec<(i64, String, bool)>,
}

fn readers(actor: &Actor) -> Result<&Actor> {
    policy::require_any(
        actor,
        &[
            Permission::TicketsRead,
            Permission::TicketsReadAll,
            Permission::TicketsConfigure,
        ],
    )
}

/// Every queue with its members. Needs a ticket permission.
pub async fn queues(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Queue>> {
    readers(actor)?;
    let all = queues::Entity::find()
        .order_by_asc(queues::Column::Name)
        .all(db)
        .await?;
    let members = queue_members::Entity::find().all(db).await?;
    let people: BTreeMap<i64, users::Model> = users::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(all
        .into_iter()
        .map(|q| {
            let mut list: Vec<(i64, String, bool)> = members
                .iter()
                .filter(|m| m.queue_id == q.id)
                .filter_map(|m| people.get(&m.user_id))
                .map(|u| (u.id, u.name.clone(), u.away))
                .collect();
            list.sort_by(|a, b| a.1.cmp(&b.1));
            Queue {
                id: q.id,
                name: q.name,
                manager: q
                    .manager_id
                    .and_then(|id| people.get(&id).map(|u| (id, u.name.clone()))),
                auto_assign: q.auto_assign,
                members: list,
            }
        })
        .collect())
}

/// What a queue form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueInput {
    /// Name.
    pub name: String,
    /// Manager.
    pub manager_id: Option<i64>,
    /// Round-robin.
    pub auto_assign: bool,
    /// Members.
    pub member_ids: Vec<i64>,
}

async fn check_users(db: &impl ConnectionTrait, field: &str, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .filter(users::Column::Active.eq(true))
        .all(db)
        .await?
        .len();
    let distinct: BTreeSet<i64> = ids.iter().copied().collect();
    if found != distinct.len() {
        return Err(Error::field(field, messages::OWNER_INVALID));
    }
    Ok(())
}

/// Creates (`id` none) or rewrites a queue and its members. Needs
/// `tickets.configure`; names are unique ignoring case.
pub async fn save_queue(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: Option<i64>,
    input: &QueueInput,
) -> Result<i64> {
    let actor = policy::require(actor, Permission::TicketsConfigure)?;
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(Error::field("name", messages::NAME_REQUIRED));
    }
    if name.chars().count() > 100 {
        return Err(Error::field("name", messages::MAX_100));
    }
    let txn = db.begin().await?;
    let taken = queues::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .any(|q| Some(q.id) != id && q.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(Error::field("name", messages::QUEUE_NAME_TAKEN));
    }
    check_users(&txn, "manager_id", input.manager_id.as_slice()).await?;
    check_users(&txn, "member_ids", &input.member_ids).await?;
    let before = match id {
        Some(id) => Some(
            queues::Entity::find_by_id(id)
                .lock(LockType::Update)
                .one(&txn)
                .await?
                .ok_or(Error::NotFound)?,
        ),
        None => None,
    };
    let saved = match &before {
        Some(q) => {
            let mut row: queues::ActiveModel = q.clone().into();
            row.name = Set(name.clone());
            row.manager_id = Set(input.manager_id);
            row.auto_assign = Set(input.auto_assign);
            row.update(&txn).await?
        }
        None => {
            queues::ActiveModel {
                name: Set(name.clone()),
                manager_id: Set(input.manager_id),
                auto_assign: Set(input.auto_assign),
                last_assignee_id: Set(None),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    // Queue membership widens the tickets one sees: nobody without
    // `tickets.read_all` joins a queue on their own say.
    if !actor.has(Permission::TicketsReadAll) && input.member_ids.contains(&actor.user_id) {
        let already = queue_members::Entity::find()
            .filter(queue_members::Column::QueueId.eq(saved.id))
            .filter(queue_members::Column::UserId.eq(actor.user_id))
            .one(&txn)
            .await?
            .is_some();
        if !already {
            return Err(Error::field("member_ids", messages::QUEUE_SELF));
        }
    }
    queue_members::Entity::delete_many()
        .filter(queue_members::Column::QueueId.eq(saved.id))
        .exec(&txn)
        .await?;
    let members: BTreeSet<i64> = input.member_ids.iter().copied().collect();
    if !members.is_empty() {
        queue_members::Entity::insert_many(members.iter().map(|&user_id| {
            queue_members::ActiveModel {
                queue_id: Set(saved.id),
                user_id: Set(user_id),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    let mut entry = Entry::new(
        if before.is_some() {
            "queue.updated"
        } else {
            "queue.created"
        },
        "queue",
        Some(saved.id.to_string()),
    )
    .after(json!({"name": name, "manager_id": input.manager_id,
        "auto_assign": input.auto_assign, "members": members}));
    if let Some(b) = &before {
        entry = entry.before(
            json!({"name": b.name, "manager_id": b.manager_id, "auto_assign": b.auto_assign}),
        );
    }
    audit::record(&txn, Who::Actor(actor), entry).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// Marks the actor away (or back). Any ticket reader may; round-robin
/// skips agents who are away.
pub async fn set_away(db: &impl crate::db::Tx, actor: &Actor, away: bool) -> Result<()> {
    let actor = readers(actor)?;
    let txn = db.begin().await?;
    crate::access::users::mark_away(&txn, actor.user_id, away).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("user.away", "user", Some(actor.user_id.to_string()))
            .after(json!({"away": away})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the actor is marked away.
pub async fn is_away(db: &impl ConnectionTrait, actor: &Actor) -> Result<bool> {
    let actor = readers(actor)?;
    Ok(users::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.away))
}

/// The next agent of a queue's round-robin, under the queue's row lock:
/// active members not away, in id order, after the one who got the last
/// ticket. `None` when the queue does not auto-assign or nobody is in.
pub(crate) async fn next_agent(db: &impl ConnectionTrait, queue_id: i64) -> Result<Option<i64>> {
    let Some(queue) = queues::Entity::find_by_id(queue_id)
        .lock(LockType::Update)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !queue.auto_assign {
        return Ok(None);
    }
    let member_ids: Vec<i64> = queue_members::Entity::find()
        .filter(queue_members::Column::QueueId.eq(queue_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut ready: Vec<i64> = users::Entity::find()
        .filter(users::Column::Id.is_in(member_ids))
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Away.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    ready.sort_unstable();
    let last = queue.last_assignee_id.unwrap_or(0);
    let Some(next) = ready
        .iter()
        .copied()
        .find(|id| *id > last)
        .or_else(|| ready.first().copied())
    else {
        return Ok(None);
    };
    queues::Entity::update_many()
        .col_expr(queues::Column::LastAssigneeId, Expr::value(next))
        .filter(queues::Column::Id.eq(queue_id))
        .exec(db)
        .await?;
    Ok(Some(next))
}

/// The working calendar as stored and as the clock reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The calendar.
    pub calendar: Calendar,
    /// (day, name) of the holidays, by day.
    pub holidays: Vec<(NaiveDate, String)>,
}

/// Reads a calendar with its holidays.
pub(crate) async fn load_calendar(db: &impl ConnectionTrait, id: i64) -> Result<CalendarView> {
    let row = sla_calendars::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let holidays: Vec<(NaiveDate, String)> = sla_holidays::Entity::find()
        .filter(sla_holidays::Column::CalendarId.eq(id))
        .order_by_asc(sla_holidays::Column::Day)
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.day, h.name))
        .collect();
    Ok(CalendarView {
        id,
        name: row.name,
        calendar: Calendar {
            utc_offset_minutes: row.utc_offset_minutes,
            working_days: Calendar::parse_days(&row.working_days)
                .unwrap_or([true, true, true, true, true, false, false]),
            day_start_minute: u32::try_from(row.day_start_minute).unwrap_or(540),
            day_end_minute: u32::try_from(row.day_end_minute).unwrap_or(1020),
            holidays: holidays.iter().map(|(d, _)| *d).collect(),
        },
        holidays,
    })
}

/// The calendar policies count in (the first; created on first use as
/// Monday–Friday 09:00–17:00 UTC).
pub async fn calendar(db: &impl ConnectionTrait, actor: &Actor) -> Result<CalendarView> {
    readers(actor)?;
    let id = default_calendar(db).await?;
    load_calendar(db, id).await
}

pub(crate) async fn default_calendar(db: &impl ConnectionTrait) -> Result<i64> {
    if let Some(row) = sla_calendars::Entity::find()
        .order_by_asc(sla_calendars::Column::Id)
        .one(db)
        .await?
    {
        return Ok(row.id);
    }
    let office = Calendar::office(0);
    sla_calendars::Entity::insert(sla_calendars::ActiveModel {
        name: Set("Office hours".into()),
        utc_offset_minutes: Set(0),
        working_days: Set(Calendar::format_days(&office.working_days)),
        day_start_minute: Set(540),
        day_end_minute: Set(1020),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(sla_calendars::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    sla_calendars::Entity::find()
        .order_by_asc(sla_calendars::Column::Id)
        .one(db)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| Error::Internal("no calendar".into()))
}

/// What the calendar form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CalendarInput {
    /// Name.
    pub name: String,
    /// Local time = UTC + this (minutes, −840…840).
    pub utc_offset_minutes: i32,
    /// Working weekdays, Monday first.
    pub working_days: [bool; 7],
    /// Start, minutes after midnight.
    pub day_start_minute: i32,
    /// End, minutes after midnight.
    pub day_end_minute: i32,
    /// (day, name) of the holidays.
    pub holidays: Vec<(NaiveDate, String)>,
}

/// Rewrites the calendar. Needs `tickets.configure`. Deadlines of open
/// tickets move at their next change or the next SLA check.
pub async fn save_calendar(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &CalendarInput,
) -> Result<()> {
    let actor = policy::require(actor, Permission::TicketsConfigure)?;
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), messages::MAX_100.into());
    }
    if !(-840..=840).contains(&input.utc_offset_minutes) {
        errors.insert("utc_offset_minutes".into(), messages::OFFSET_INVALID.into());
    }
    if !input.working_days.iter().any(|d| *d) {
        errors.insert(
            "working_days".into(),
            messages::WORKING_DAYS_REQUIRED.into(),
        );
    }
    if !(0..=1440).contains(&input.day_start_minute)
        || !(0..=1440).contains(&input.day_end_minute)
        || input.day_start_minute >= input.day_end_minute
    {
        errors.insert("day_end_minute".into(), messages::HOURS_INVALID.into());
    }
    for (i, (_, holiday)) in input.holidays.iter().enumerate() {
        if holiday.chars().count() > 100 {
            errors.insert(format!("holidays.{i}"), messages::MAX_100.into());
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let id = default_calendar(&txn).await?;
    let before = load_calendar(&txn, id).await?;
    sla_calendars::Entity::update_many()
        .col_expr(sla_calendars::Column::Name, Expr::value(name.clone()))
        .col_expr(
            sla_calendars::Column::UtcOffsetMinutes,
            Expr::value(input.utc_offset_minutes),
        )
        .col_expr(
            sla_calendars::Column::WorkingDays,
            Expr::value(Calendar::format_days(&input.working_days)),
        )
        .col_expr(
            sla_calendars::Column::DayStartMinute,
            Expr::value(input.day_start_minute),
        )
        .col_expr(
            sla_calendars::Column::DayEndMinute,
            Expr::value(input.day_end_minute),
        )
        .filter(sla_calendars::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    sla_holidays::Entity::delete_many()
        .filter(sla_holidays::Column::CalendarId.eq(id))
        .exec(&txn)
        .await?;
    let days: BTreeMap<NaiveDate, String> = input
        .holidays
        .iter()
        .map(|(d, n)| (*d, n.trim().to_owned()))
        .collect();
    if !days.is_empty() {
        sla_holidays::Entity::insert_many(days.iter().map(|(day, name)| {
            sla_holidays::ActiveModel {
                calendar_id: Set(id),
                day: Set(*day),
                name: Set(name.clone()),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("sla_calendar.updated", "sla_calendar", Some(id.to_string()))
            .before(json!({"name": before.name, "offset": before.calendar.utc_offset_minutes,
                "days": Calendar::format_days(&before.calendar.working_days),
                "start": before.calendar.day_start_minute, "end": before.calendar.day_end_minute,
                "holidays": before.holidays.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>()}))
            .after(json!({"name": name, "offset": input.utc_offset_minutes,
                "days": Calendar::format_days(&input.working_days),
                "start": input.day_start_minute, "end": input.day_end_minute,
                "holidays": days.keys().map(ToString::to_string).collect::<Vec<_>>()})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every SLA policy, by priority then segment.
pub async fn policies(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Vec<sla_policies::Model>> {
    readers(actor)?;
    let mut all = sla_policies::Entity::find().all(db).await?;
    all.sort_by_key(|p| {
        (
            PRIORITIES.iter().position(|x| *x == p.priority),
            p.segment.clone(),
        )
    });
    Ok(all)
}

/// What a policy form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyInput {
    /// Name.
    pub name: String,
    /// Priority.
    pub priority: String,
    /// Segment (empty: any).
    pub segment: String,
    /// First response target, working minutes.
    pub first_response_minutes: i32,
    /// Resolution target, working minutes.
    pub resolution_minutes: i32,
}

/// Creates or rewrites the policy for a priority and segment. Needs
/// `tickets.configure`.
pub async fn save_policy(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &PolicyInput,
) -> Result<i64> {
    let actor = policy::require(actor, Permission::TicketsConfigure)?;
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), messages::MAX_100.into());
    }
    if !PRIORITIES.contains(&input.priority.as_str()) {
        errors.insert("priority".into(), messages::CHOICE_INVALID.into());
    }
    let segment = input.segment.trim().to_owned();
    if segment.chars().count() > 100 {
        errors.insert("segment".into(), messages::MAX_100.into());
    }
    let limit = 60 * 24 * 365;
    if !(1..=limit).contains(&input.first_response_minutes) {
        errors.insert(
            "first_response_minutes".into(),
            messages::TARGET_INVALID.into(),
        );
    }
    if !(1..=limit).contains(&input.resolution_minutes) {
        errors.insert("resolution_minutes".into(), messages::TARGET_INVALID.into());
    } else if input.resolution_minutes < input.first_response_minutes {
        errors.insert(
            "resolution_minutes".into(),
            messages::RESOLUTION_BEFORE_RESPONSE.into(),
        );
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let calendar_id = default_calendar(&txn).await?;
    let now = Utc::now();
    let existing = sla_policies::Entity::find()
        .filter(sla_policies::Column::Priority.eq(input.priority.clone()))
        .filter(sla_policies::Column::Segment.eq(segment.clone()))
        .lock(LockType::Update)
        .one(&txn)
        .await?;
    let saved = match &existing {
        Some(p) => {
            let mut row: sla_policies::ActiveModel = p.clone().into();
            row.name = Set(name);
            row.first_response_minutes = Set(input.first_response_minutes);
            row.resolution_minutes = Set(input.resolution_minutes);
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            sla_policies::ActiveModel {
                name: Set(name),
                priority: Set(input.priority.clone()),
                segment: Set(segment),
                first_response_minutes: Set(input.first_response_minutes),
                resolution_minutes: Set(input.resolution_minutes),
                calendar_id: Set(calendar_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let mut entry = Entry::new("sla_policy.saved", "sla_policy", Some(saved.id.to_string())).after(
        json!({"name": saved.name, "priority": saved.priority, "segment": saved.segment,
        "first_response_minutes": saved.first_response_minutes, "resolution_minutes": saved.resolution_minutes}),
    );
    if let Some(p) = existing {
        entry = entry.before(
            json!({"name": p.name, "first_response_minutes": p.first_response_minutes,
            "resolution_minutes": p.resolution_minutes}),
        );
    }
    audit::record(&txn, Who::Actor(actor), entry).await?;
    txn.commit().await?;
    Ok(saved.id)
}

/// The policy for a priority and a customer segment: the segment's own,
/// else the one for any segment.
pub(crate) async fn policy_for(
    db: &impl ConnectionTrait,
    priority: &str,
    segment: &str,
) -> Result<Option<sla_policies::Model>> {
    let found = sla_policies::Entity::find()
        .filter(sla_policies::Column::Priority.eq(priority))
        .filter(sla_policies::Column::Segment.is_in([segment.to_owned(), String::new()]))
        .all(db)
        .await?;
    Ok(found
        .iter()
        .find(|p| !p.segment.is_empty() && p.segment == segment)
        .or_else(|| found.iter().find(|p| p.segment.is_empty()))
        .cloned())
}

/// Active users who may work tickets (hold `tickets.write`), by name —
/// the people queues are made of. Needs `tickets.configure` or `tickets.assign`.
pub async fn agents(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<(i64, String)>> {
    policy::require_any(
        actor,
        &[Permission::TicketsConfigure, Permission::TicketsAssign],
    )?;
    let ids = crate::access::notifications::holders(db, Permission::TicketsWrite).await?;
    let mut found: Vec<(i64, String)> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}
