//! Opportunities: possible sales to a customer moving through the pipeline's
//! stages. Moving to a won or lost stage closes the deal (lost needs a
//! reason); probability defaults from the stage. The weighted forecast sums
//! amount × probability by month of expected close.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission, Scope},
    entities::{contacts, opportunities, pipeline_stages, team_members},
    Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::scope,
        crm::customers,
        crm::pipeline,
        crm::timeline::{self, Event},
        platform::page::{paginate_after, Page},
    },
};

mod views;

pub use self::views::{board_rows, detail, rows, BoardColumn, OpportunityDetail, OpportunityRow};

/// What an opportunity form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpportunityInput {
    /// The customer.
    pub customer_id: i64,
    /// A contact of the customer.
    pub contact_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Expected close date.
    pub expected_close: Option<NaiveDate>,
    /// Stage (the first open stage when none).
    pub stage_id: Option<i64>,
    /// Probability (the stage's default when none).
    pub probability: Option<i32>,
    /// Owner (the actor when none).
    pub owner_id: Option<i64>,
}

pub(crate) fn scope_of(actor: &Actor) -> Result<Scope> {
    crate::access::scope::records::scope(actor, crate::access::scope::records::Kind::Opportunity)
}

struct Valid {
    title: String,
    currency: String,
    expected_close: NaiveDate,
}

fn validate(input: &OpportunityInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        errors.insert("title".into(), crate::messages::TITLE_REQUIRED.into());
    } else if title.chars().count() > 200 {
        errors.insert("title".into(), crate::messages::MAX_200.into());
    }
    if input.amount_minor < 0 {
        errors.insert("amount".into(), crate::messages::NOT_NEGATIVE.into());
    }
    let currency =
        crate::platform::normalize::currency_code(&input.currency).unwrap_or_else(|| {
            errors.insert("currency".into(), crate::messages::CURRENCY_INVALID.into());
            String::new()
        });
    if input.probability.is_some_and(|p| !(0..=100).contains(&p)) {
        errors.insert(
            "probability".into(),
            crate::messages::PROBABILITY_RANGE.into(),
        );
    }
    if input.expected_close.is_none() {
        errors.insert(
            "expected_close".into(),
            crate::messages::DATE_INVALID.into(),
        );
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Valid {
        title,
        currency,
        expected_close: input.expected_close.unwrap_or_default(),
    })
}

/// Checks an opportunity's fields without saving.
pub fn check(input: &OpportunityInput) -> Result<()> {
    validate(input).map(|_| ())
}

async fn check_contact(
    db: &impl ConnectionTrait,
    customer_id: i64,
    contact_id: Option<i64>,
) -> Result<()> {
    if let Some(contact) = contact_id {
        let ok = contacts::Entity::find_by_id(contact)
            .one(db)
            .await?
            .is_some_and(|c| c.customer_id == customer_id);
        if !ok {
            return Err(Error::field(
                "contact_id",
                crate::messages::CONTACT_MISMATCH,
            ));
        }
    }
    Ok(())
}

async fn stage(db: &impl ConnectionTrait, id: i64) -> Result<pipeline_stages::Model> {
    pipeline_stages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::field("stage_id", crate::messages::STAGE_MISSING))
}

fn snapshot(o: &opportunities::Model) -> serde_json::Value {
    json!({
        "customer_id": o.customer_id, "contact_id": o.contact_id, "title": o.title,
        "amount_minor": o.amount_minor, "currency": o.currency,
        "expected_close": o.expected_close.to_string(), "stage_id": o.stage_id,
        "probability": o.probability, "owner_id": o.owner_id, "lost_reason": o.lost_reason,
    })
}

fn link(id: i64) -> String {
    format!("/opportunities/{id}")
}

/// Creates an opportunity for a customer in the actor's customer scope.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &OpportunityInput,
) -> Result<opportunities::Model> {
    let actor = policy::require(actor, Permission::OpportunitiesWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let created = insert(&txn, actor, input, &valid, None).await?;
    txn.commit().await?;
    Ok(created)
}

/// Inserts a validated opportunity inside the caller's transaction (also
/// used by lead conversion).
pub(crate) async fn insert_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: &OpportunityInput,
    campaign_id: Option<i64>,
) -> Result<opportunities::Model> {
    let valid = validate(input)?;
    insert(txn, actor, input, &valid, campaign_id).await
}

async fn insert(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: &OpportunityInput,
    valid: &Valid,
    campaign_id: Option<i64>,
) -> Result<opportunities::Model> {
    customers::get(txn, actor, input.customer_id)
        .await
        .map_err(|e| match e {
            Error::NotFound => Error::field("customer_id", crate::messages::CUSTOMER_MISSING),
            other => other,
        })?;
    check_contact(txn, input.customer_id, input.contact_id).await?;
    let owner =
        scope::assignee(txn, actor, input.owner_id, Permission::OpportunitiesReadAll).await?;
    let stage = match input.stage_id {
        Some(id) => stage(txn, id).await?,
        None => pipeline::first_open(txn).await?,
    };
    let now = Utc::now();
    let closed = stage.is_won || stage.is_lost;
    let created = opportunities::ActiveModel {
        customer_id: Set(input.customer_id),
        contact_id: Set(input.contact_id),
        campaign_id: Set(campaign_id),
        title: Set(valid.title.clone()),
        amount_minor: Set(input.amount_minor),
        currency: Set(valid.currency.clone()),
        expected_close: Set(valid.expected_close),
        stage_id: Set(stage.id),
        probability: Set(input.probability.unwrap_or(stage.probability)),
        owner_id: Set(Some(owner)),
        lost_reason: Set(String::new()),
        closed_at: Set(closed.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        Who::Actor(actor),
        Entry::new(
            "opportunity.created",
            "opportunity",
            Some(created.id.to_string()),
        )
        .after(snapshot(&created)),
    )
    .await?;
    timeline::append(
        txn,
        Some(actor.user_id),
        Event {
            customer_id: created.customer_id,
            kind: "opportunity.created",
            summary: created.title.clone(),
            link: link(created.id),
        },
    )
    .await?;
    Ok(created)
}

/// One opportunity in the actor's scope.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<opportunities::Model> {
    let scope = scope_of(actor)?;
    opportunities::Entity::find_by_id(id)
        .filter(scope::owned(scope, opportunities::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Edits an opportunity's facts (not its stage: see [`move_stage`]).
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &OpportunityInput,
) -> Result<opportunities::Model> {
    let actor = policy::require(actor, Permission::OpportunitiesWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    check_contact(&txn, before.customer_id, input.contact_id).await?;
    let owner = match input.owner_id {
        Some(owner) if Some(owner) != before.owner_id => {
            Some(scope::assignee(&txn, actor, Some(owner), Permission::OpportunitiesReadAll).await?)
        }
        _ => before.owner_id,
    };
    let mut model: opportunities::ActiveModel = before.clone().into();
    model.contact_id = Set(input.contact_id);
    model.title = Set(valid.title);
    model.amount_minor = Set(input.amount_minor);
    model.currency = Set(valid.currency);
    model.expected_close = Set(valid.expected_close);
    if let Some(p) = input.probability {
        model.probability = Set(p);
    }
    model.owner_id = Set(owner);
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("opportunity.updated", "opportunity", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Moves an opportunity to another stage, as a card on the board. `from`
/// is the stage the mover saw: if someone else moved it meanwhile the move
/// is refused. Reaching a lost stage needs a reason; won and lost close the
/// deal, leaving them reopens it. Probability becomes the stage's default.
pub async fn move_stage(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    from: i64,
    to: i64,
    lost_reason: &str,
) -> Result<opportunities::Model> {
    let actor = policy::require(actor, Permission::OpportunitiesWrite)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    let target = stage(&txn, to).await?;
    let reason = lost_reason.trim();
    if target.is_lost && reason.is_empty() {
        return Err(Error::field(
            "lost_reason",
            crate::messages::REASON_REQUIRED,
        ));
    }
    if reason.chars().count() > 500 {
        return Err(Error::field("lost_reason", crate::messages::MAX_500));
    }
    if before.stage_id == to {
        txn.commit().await?;
        return Ok(before);
    }
    let now = Utc::now();
    let closed = target.is_won || target.is_lost;
    // The stage the mover saw is part of the update, so two people moving
    // the same card at once cannot both succeed.
    let updated = opportunities::Entity::update_many()
        .col_expr(opportunities::Column::StageId, to.into())
        .col_expr(
            opportunities::Column::Probability,
            target.probability.into(),
        )
        .col_expr(
            opportunities::Column::LostReason,
            (if target.is_lost { reason } else { "" }).into(),
        )
        .col_expr(
            opportunities::Column::ClosedAt,
            sea_orm::sea_query::Expr::value(closed.then_some(now)),
        )
        .col_expr(opportunities::Column::UpdatedAt, now.into())
        .filter(opportunities::Column::Id.eq(id))
        .filter(opportunities::Column::StageId.eq(from))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(Error::Conflict(crate::messages::STAGE_CHANGED.into()));
    }
    let after = opportunities::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("opportunity.moved", "opportunity", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    let (kind, summary) = if target.is_won {
        (
            "opportunity.won",
            format!(
                "{} · {}",
                after.title,
                crate::money::format_minor(after.amount_minor)
            ),
        )
    } else if target.is_lost {
        ("opportunity.lost", format!("{} · {}", after.title, reason))
    } else {
        (
            "opportunity.stage",
            format!("{} → {}", after.title, target.name),
        )
    };
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: after.customer_id,
            kind,
            summary,
            link: link(id),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Whether to list open, won or lost opportunities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// Every one.
    #[default]
    Any,
    /// Not yet won or lost.
    Open,
    /// Won.
    Won,
    /// Lost.
    Lost,
}

/// Filters for the opportunities list.
#[derive(Clone, Debug, Default)]
pub struct OpportunityFilter {
    /// Start of the title.
    pub search: Option<String>,
    /// Only this stage.
    pub stage_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Open, won, lost.
    pub status: Status,
    /// `close`, `-close`, `amount`, `-amount`, `title`, `-created`.
    pub sort: String,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// Opportunities in the actor's scope matching the filter.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OpportunityFilter,
) -> Result<Page<opportunities::Model>> {
    let scope = scope_of(actor)?;
    let mut condition = scope::owned(scope, opportunities::Column::OwnerId);
    if let Some(text) = scope::search_text(filter.search.as_deref())? {
        condition = condition.add(opportunities::Column::Title.contains(text));
    }
    if let Some(stage) = filter.stage_id {
        condition = condition.add(opportunities::Column::StageId.eq(stage));
    }
    if let Some(owner) = filter.owner_id {
        condition = condition.add(opportunities::Column::OwnerId.eq(owner));
    }
    if let Some(customer) = filter.customer_id {
        condition = condition.add(opportunities::Column::CustomerId.eq(customer));
    }
    if filter.status != Status::Any {
        let stages = pipeline::all(db).await?;
        let ids: Vec<i64> = stages
            .iter()
            .filter(|s| match filter.status {
                Status::Open => !s.is_won && !s.is_lost,
                Status::Won => s.is_won,
                Status::Lost => s.is_lost,
                Status::Any => true,
            })
            .map(|s| s.id)
            .collect();
        condition = condition.add(opportunities::Column::StageId.is_in(ids));
    }
    use opportunities::Column as C;
    let query = opportunities::Entity::find().filter(condition);
    let query = match filter.sort.as_str() {
        "-close" => query.order_by_desc(C::ExpectedClose),
        "amount" => query.order_by_asc(C::AmountMinor),
        "-amount" => query.order_by_desc(C::AmountMinor),
        "title" => query.order_by_asc(C::Title),
        "-created" => query.order_by_desc(C::CreatedAt),
        _ => query.order_by_asc(C::ExpectedClose),
    }
    .order_by_asc(C::Id);
    paginate_after(
        db,
        query,
        opportunities::Column::Id,
        filter.after,
        filter.page,
        filter.per_page,
        100,
    )
    .await
}

/// A column of the board.
#[derive(Clone, Debug)]
pub struct Column {
    /// The stage.
    pub stage: pipeline_stages::Model,
    /// Its cards: every open one, or the latest closed ones.
    pub cards: Vec<opportunities::Model>,
    /// How many opportunities are in the stage (in scope).
    pub total: u64,
    /// Σ amount of those cards, in minor units.
    pub amount_minor: i64,
}

/// The board: each stage with its opportunities in the actor's scope
/// (optionally only one owner's), at most 100 cards per stage, soonest
/// close first for open stages and latest closed first for won/lost ones.
pub async fn board(
    db: &impl ConnectionTrait,
    actor: &Actor,
    owner: Option<i64>,
) -> Result<Vec<Column>> {
    use sea_orm::PaginatorTrait;
    let scope = scope_of(actor)?;
    let mut columns = Vec::new();
    for stage in pipeline::all(db).await? {
        let mut condition = scope::owned(scope, opportunities::Column::OwnerId)
            .add(opportunities::Column::StageId.eq(stage.id));
        if let Some(owner) = owner {
            condition = condition.add(opportunities::Column::OwnerId.eq(owner));
        }
        let query = opportunities::Entity::find().filter(condition);
        let total = query.clone().count(db).await?;
        let ordered = if stage.is_won || stage.is_lost {
            query.order_by_desc(opportunities::Column::ClosedAt)
        } else {
            query.order_by_asc(opportunities::Column::ExpectedClose)
        };
        let cards = ordered
            .order_by_asc(opportunities::Column::Id)
            .limit(100)
            .all(db)
            .await?;
        let amount_minor = cards.iter().map(|c| c.amount_minor).sum();
        columns.push(Column {
            stage,
            cards,
            total,
            amount_minor,
        });
    }
    Ok(columns)
}

/// Whose opportunities a forecast covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForecastScope {
    /// The actor's own.
    Mine,
    /// The actor's team's (their own when they are in no team), of those
    /// the actor may read.
    Team,
    /// Everyone's (needs `opportunities.read_all`).
    All,
}

/// One month of the forecast, in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastRow {
    /// `2026-12`.
    pub month: String,
    /// Currency.
    pub currency: String,
    /// Open opportunities expected to close in the month.
    pub open_count: u64,
    /// Σ amount of them.
    pub open_minor: i64,
    /// Σ amount × probability / 100 of them, rounded half up once per row.
    pub weighted_minor: i64,
    /// Σ amount of the opportunities won whose close date is in the month.
    pub won_minor: i64,
}

/// Σ (amount × probability) / 100, rounded half up: the one rounding
/// rule of the forecast, applied once to the sum and not per opportunity.
pub fn weighted(pairs: impl IntoIterator<Item = (i64, i32)>) -> i64 {
    let total: i128 = pairs
        .into_iter()
        .map(|(amount, p)| i128::from(amount) * i128::from(p))
        .sum();
    ((total + 50) / 100) as i64
}

/// The weighted forecast by month of expected close, for `months` months
/// from `from`'s month (open deals overdue on their date count in the
/// first month).
pub async fn forecast(
    db: &impl ConnectionTrait,
    actor: &Actor,
    whose: ForecastScope,
    from: NaiveDate,
    months: u32,
) -> Result<Vec<ForecastRow>> {
    let own = scope_of(actor)?;
    let owners: Option<Vec<i64>> = match whose {
        ForecastScope::Mine => Some(vec![actor.user_id]),
        ForecastScope::All => {
            if own != Scope::All {
                return Err(Error::Forbidden);
            }
            None
        }
        ForecastScope::Team => {
            let team = team_members::Entity::find_by_id(actor.user_id)
                .one(db)
                .await?;
            match team {
                None => Some(vec![actor.user_id]),
                Some(team) => Some(
                    team_members::Entity::find()
                        .filter(team_members::Column::TeamId.eq(team.team_id))
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|m| m.user_id)
                        .collect(),
                ),
            }
        }
    };
    let start = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    let end = start
        .checked_add_months(chrono::Months::new(months.clamp(1, 36)))
        .unwrap_or(start);
    let stages: HashMap<i64, pipeline_stages::Model> = pipeline::all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let open_ids: Vec<i64> = stages
        .values()
        .filter(|s| !s.is_won && !s.is_lost)
        .map(|s| s.id)
        .collect();
    let won_ids: Vec<i64> = stages.values().filter(|s| s.is_won).map(|s| s.id).collect();
    let mut condition = Condition::any()
        .add(
            Condition::all()
                .add(opportunities::Column::StageId.is_in(open_ids))
                .add(opportunities::Column::ExpectedClose.lt(end)),
        )
        .add(
            Condition::all()
                .add(opportunities::Column::StageId.is_in(won_ids))
                .add(opportunities::Column::ExpectedClose.gte(start))
                .add(opportunities::Column::ExpectedClose.lt(end)),
        );
    if let Some(owners) = owners {
        condition = Condition::all()
            .add(condition)
            .add(opportunities::Column::OwnerId.is_in(owners));
    }
    // Whoever's deals are asked for, the sums cover only those the actor
    // may read: a team's forecast for someone who reads only their own is
    // their own share of it.
    condition = Condition::all()
        .add(condition)
        .add(scope::owned(own, opportunities::Column::OwnerId));
    let rows: Vec<(i64, i32, String, NaiveDate, i64)> = opportunities::Entity::find()
        .select_only()
        .column(opportunities::Column::AmountMinor)
        .column(opportunities::Column::Probability)
        .column(opportunities::Column::Currency)
        .column(opportunities::Column::ExpectedClose)
        .column(opportunities::Column::StageId)
        .filter(condition)
        .into_tuple()
        .all(db)
        .await?;
    #[derive(Default)]
    struct Acc {
        open: Vec<(i64, i32)>,
        won: i64,
    }
    let mut months_acc: BTreeMap<(NaiveDate, String), Acc> = BTreeMap::new();
    for (amount, probability, currency, close, stage_id) in rows {
        let month_start = NaiveDate::from_ymd_opt(close.year(), close.month(), 1).unwrap_or(close);
        let month = month_start.max(start);
        let acc = months_acc.entry((month, currency)).or_default();
        if stages.get(&stage_id).is_some_and(|s| s.is_won) {
            acc.won += amount;
        } else {
            acc.open.push((amount, probability));
        }
    }
    Ok(months_acc
        .into_iter()
        .map(|((month, currency), acc)| ForecastRow {
            month: month.format("%Y-%m").to_string(),
            currency,
            open_count: acc.open.len() as u64,
            open_minor: acc.open.iter().map(|(a, _)| a).sum(),
            weighted_minor: weighted(acc.open.iter().copied()),
            won_minor: acc.won,
        })
        .collect())
}

/// Gives opportunities to another owner. Needs `opportunities.write` and
/// `opportunities.read_all`; each row must be in scope.
pub async fn reassign(
    db: &DatabaseConnection,
    actor: &Actor,
    ids: &[i64],
    owner: i64,
) -> Result<u64> {
    let actor = policy::require(actor, Permission::OpportunitiesWrite)?;
    crate::crm::customers::check_selection(ids)?;
    let txn = db.begin().await?;
    let owner = scope::assignee(&txn, actor, Some(owner), Permission::OpportunitiesReadAll).await?;
    for id in ids {
        let before = get(&txn, actor, *id).await?;
        let mut model: opportunities::ActiveModel = before.clone().into();
        model.owner_id = Set(Some(owner));
        model.updated_at = Set(Utc::now());
        model.update(&txn).await?;
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new(
                "opportunity.reassigned",
                "opportunity",
                Some(id.to_string()),
            )
            .before(json!({ "owner_id": before.owner_id }))
            .after(json!({ "owner_id": owner })),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(ids.len() as u64)
}
