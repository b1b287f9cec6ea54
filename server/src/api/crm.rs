//! The CRM's pipeline: `/leads`, `/opportunities`, `/activities`.

use axum::{extract::State, http::StatusCode, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::{
    entities::{activities as activity_entity, leads as lead_entity, opportunities as opp_entity},
    {
        crm::activities::{self, ActivityFilter, ActivityInput},
        crm::leads::{self, LeadFilter, LeadInput},
        crm::opportunities::{self, OpportunityFilter, OpportunityInput},
    },
};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    problem::ApiResult,
    window, List, Written,
};

/// A lead: someone who may become a customer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Lead {
    /// Key.
    pub id: i64,
    /// The person's name.
    pub name: String,
    /// Their company.
    pub company: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// `web`, `referral`, `campaign`, `event` or `other`.
    pub source: String,
    /// The campaign it came from.
    pub campaign_id: Option<i64>,
    /// `new`, `qualified`, `disqualified` or `converted`.
    pub status: String,
    /// Why it was disqualified.
    pub disqualify_reason: String,
    /// The owning sales user.
    pub owner_id: Option<i64>,
    /// The customer it became.
    pub customer_id: Option<i64>,
    /// The opportunity it became.
    pub opportunity_id: Option<i64>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<lead_entity::Model> for Lead {
    fn from(m: lead_entity::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            company: m.company,
            email: m.email,
            phone: m.phone,
            source: m.source,
            campaign_id: m.campaign_id,
            status: m.status,
            disqualify_reason: m.disqualify_reason,
            owner_id: m.owner_id,
            customer_id: m.customer_id,
            opportunity_id: m.opportunity_id,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

fn web() -> String {
    "web".into()
}

/// A new lead.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadIn {
    /// The person's name (required).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Their company.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub company: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// `web` (default), `referral`, `campaign`, `event` or `other`.
    #[serde(default = "web")]
    #[schema(pattern = "^(web|referral|campaign|event|other)$")]
    pub source: String,
    /// The campaign it came from.
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// The owning sales user (the token's owner when absent).
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// Filters of the lead list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Start of the name, email or phone; part of the company.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only this source.
    pub source: Option<String>,
    /// Only this campaign.
    pub campaign_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Leads in the token's scope, in id order (`leads.read`).
#[utoipa::path(get, path = "/leads", tag = "leads", params(LeadQuery),
    responses((status = 200, description = "A page of leads", body = List<Lead>)))]
pub async fn list_leads(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<LeadQuery>,
) -> ApiResult<Json<List<Lead>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let filter = LeadFilter {
        search: query.search,
        status: query.status,
        source: query.source,
        campaign_id: query.campaign_id,
        owner_id: query.owner_id,
        sort: String::new(),
        page: 1,
        per_page: limit,
        after,
    };
    let page = leads::list(&state.reader, caller.actor(), &filter).await?;
    Ok(Json(List::new(page, Lead::from)))
}

/// Records a lead (`leads.write`), e.g. from a web form.
#[utoipa::path(post, path = "/leads", tag = "leads", request_body = LeadIn,
    responses((status = 201, description = "Created", body = Lead)))]
pub async fn create_lead(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<LeadIn>,
) -> ApiResult<Written<Lead>> {
    let input = LeadInput {
        name: input.name,
        company: input.company,
        email: input.email,
        phone: input.phone,
        source: input.source,
        campaign_id: input.campaign_id,
        owner_id: input.owner_id,
    };
    let created = leads::create(&*txn, caller.actor(), &input).await?;
    Ok(Written::created(created.into()))
}

/// One lead.
#[utoipa::path(get, path = "/leads/{id}", tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 200, description = "The lead", body = Lead)))]
pub async fn get_lead(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Lead>> {
    Ok(Json(
        leads::get(&state.reader, caller.actor(), id).await?.into(),
    ))
}

/// Qualifies a new lead (`leads.write`); anything else is a 409.
#[utoipa::path(post, path = "/leads/{id}/qualify", tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses((status = 200, description = "The qualified lead", body = Lead)))]
pub async fn qualify_lead(Txn(txn): Txn, caller: Caller, Id(id): Id) -> ApiResult<Written<Lead>> {
    let qualified = leads::qualify(&*txn, caller.actor(), id).await?;
    Ok(Written::changed(qualified.into()))
}

/// A sales opportunity.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Opportunity {
    /// Key.
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// A contact of the customer.
    pub contact_id: Option<i64>,
    /// The campaign it came from.
    pub campaign_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Amount, minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Expected close date.
    pub expected_close: NaiveDate,
    /// The pipeline stage.
    pub stage_id: i64,
    /// Probability, percent.
    pub probability: i32,
    /// The owning sales user.
    pub owner_id: Option<i64>,
    /// Why it was lost.
    pub lost_reason: String,
    /// Won or lost (UTC).
    pub closed_at: Option<DateTime<Utc>>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<opp_entity::Model> for Opportunity {
    fn from(m: opp_entity::Model) -> Self {
        Self {
            id: m.id,
            customer_id: m.customer_id,
            contact_id: m.contact_id,
            campaign_id: m.campaign_id,
            title: m.title,
            amount_minor: m.amount_minor,
            currency: m.currency,
            expected_close: m.expected_close,
            stage_id: m.stage_id,
            probability: m.probability,
            owner_id: m.owner_id,
            lost_reason: m.lost_reason,
            closed_at: m.closed_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new opportunity.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityIn {
    /// The customer.
    pub customer_id: i64,
    /// A contact of the customer.
    #[serde(default)]
    pub contact_id: Option<i64>,
    /// Title (required).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// Amount, minor units.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub amount_minor: i64,
    /// ISO 4217 currency.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub currency: String,
    /// Expected close date.
    pub expected_close: NaiveDate,
    /// The stage (the first open stage when absent).
    #[serde(default)]
    pub stage_id: Option<i64>,
    /// Probability, percent (the stage's when absent).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub probability: Option<i32>,
    /// The owning sales user (the token's owner when absent).
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// Filters of the opportunity list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityQuery {
    /// Part of the title.
    pub search: Option<String>,
    /// Only this stage.
    pub stage_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// `open`, `won` or `lost` (all when absent).
    pub status: Option<String>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Opportunities in the token's scope, in id order (`opportunities.read`).
#[utoipa::path(get, path = "/opportunities", tag = "opportunities", params(OpportunityQuery),
    responses((status = 200, description = "A page of opportunities", body = List<Opportunity>)))]
pub async fn list_opportunities(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<OpportunityQuery>,
) -> ApiResult<Json<List<Opportunity>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let status = match query.status.as_deref() {
        None | Some("") => opportunities::Status::Any,
        Some("open") => opportunities::Status::Open,
        Some("won") => opportunities::Status::Won,
        Some("lost") => opportunities::Status::Lost,
        Some(_) => {
            return Err(super::problem::Problem::new(
                StatusCode::BAD_REQUEST,
                "`status` must be open, won or lost.",
            ))
        }
    };
    let filter = OpportunityFilter {
        search: query.search,
        stage_id: query.stage_id,
        owner_id: query.owner_id,
        customer_id: query.customer_id,
        status,
        sort: String::new(),
        page: 1,
        per_page: limit,
        after,
    };
    let page = opportunities::list(&state.reader, caller.actor(), &filter).await?;
    Ok(Json(List::new(page, Opportunity::from)))
}

/// Opens an opportunity (`opportunities.write`).
#[utoipa::path(post, path = "/opportunities", tag = "opportunities", request_body = OpportunityIn,
    responses((status = 201, description = "Created", body = Opportunity)))]
pub async fn create_opportunity(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<OpportunityIn>,
) -> ApiResult<Written<Opportunity>> {
    let input = OpportunityInput {
        customer_id: input.customer_id,
        contact_id: input.contact_id,
        title: input.title,
        amount_minor: input.amount_minor,
        currency: input.currency,
        expected_close: Some(input.expected_close),
        stage_id: input.stage_id,
        probability: input.probability,
        owner_id: input.owner_id,
    };
    let created = opportunities::create(&*txn, caller.actor(), &input).await?;
    Ok(Written::created(created.into()))
}

/// One opportunity.
#[utoipa::path(get, path = "/opportunities/{id}", tag = "opportunities",
    params(("id" = i64, Path, description = "Opportunity id")),
    responses((status = 200, description = "The opportunity", body = Opportunity)))]
pub async fn get_opportunity(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Opportunity>> {
    Ok(Json(
        opportunities::get(&state.reader, caller.actor(), id)
            .await?
            .into(),
    ))
}

/// A move to another pipeline stage.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageIn {
    /// The stage it is in now, as the caller saw it (a move by someone
    /// else meanwhile is a 409).
    pub from_stage_id: i64,
    /// The stage to move to.
    pub to_stage_id: i64,
    /// Why it was lost (required for a lost stage).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub lost_reason: String,
}

/// Moves an opportunity to another stage (`opportunities.write`).
#[utoipa::path(post, path = "/opportunities/{id}/stage", tag = "opportunities", request_body = StageIn,
    params(("id" = i64, Path, description = "Opportunity id")),
    responses((status = 200, description = "The opportunity after the move", body = Opportunity)))]
pub async fn move_opportunity(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<StageIn>,
) -> ApiResult<Written<Opportunity>> {
    let moved = opportunities::move_stage(
        &*txn,
        caller.actor(),
        id,
        input.from_stage_id,
        input.to_stage_id,
        &input.lost_reason,
    )
    .await?;
    Ok(Written::changed(moved.into()))
}

/// A call, email, meeting, task or note.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Activity {
    /// Key.
    pub id: i64,
    /// `call`, `email`, `meeting`, `task` or `note`.
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// Due (UTC).
    pub due_at: Option<DateTime<Utc>>,
    /// Done (UTC).
    pub done_at: Option<DateTime<Utc>>,
    /// The owning user.
    pub owner_id: Option<i64>,
    /// The customer.
    pub customer_id: i64,
    /// A contact of the customer.
    pub contact_id: Option<i64>,
    /// An opportunity of the customer.
    pub opportunity_id: Option<i64>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<activity_entity::Model> for Activity {
    fn from(m: activity_entity::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            subject: m.subject,
            body: m.body,
            due_at: m.due_at,
            done_at: m.done_at,
            owner_id: m.owner_id,
            customer_id: m.customer_id,
            contact_id: m.contact_id,
            opportunity_id: m.opportunity_id,
            created_at: m.created_at,
        }
    }
}

/// A new activity.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityIn {
    /// `call`, `email`, `meeting`, `task` or `note`.
    #[schema(pattern = "^(call|email|meeting|task|note)$")]
    pub kind: String,
    /// Subject (required).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub subject: String,
    /// Text.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub body: String,
    /// Due (UTC).
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Already done (a logged call, a note).
    #[serde(default)]
    pub done: bool,
    /// The customer.
    pub customer_id: i64,
    /// A contact of the customer.
    #[serde(default)]
    pub contact_id: Option<i64>,
    /// An opportunity of the customer.
    #[serde(default)]
    pub opportunity_id: Option<i64>,
    /// The owning user (the token's owner when absent).
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// Filters of the activity list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
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
    /// `open` or `done` (all when absent).
    pub status: Option<String>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Activities in the token's scope, in id order (`activities.read`).
#[utoipa::path(get, path = "/activities", tag = "activities", params(ActivityQuery),
    responses((status = 200, description = "A page of activities", body = List<Activity>)))]
pub async fn list_activities(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<ActivityQuery>,
) -> ApiResult<Json<List<Activity>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let status = match query.status.as_deref() {
        None | Some("") => activities::Status::Any,
        Some("open") => activities::Status::Open,
        Some("done") => activities::Status::Done,
        Some(_) => {
            return Err(super::problem::Problem::new(
                StatusCode::BAD_REQUEST,
                "`status` must be open or done.",
            ))
        }
    };
    let filter = ActivityFilter {
        search: query.search,
        kind: query.kind,
        owner_id: query.owner_id,
        customer_id: query.customer_id,
        opportunity_id: query.opportunity_id,
        status,
        sort: String::new(),
        page: 1,
        per_page: limit,
        after,
    };
    let page = activities::list(&state.reader, caller.actor(), &filter).await?;
    Ok(Json(List::new(page, Activity::from)))
}

/// Logs or plans an activity (`activities.write`).
#[utoipa::path(post, path = "/activities", tag = "activities", request_body = ActivityIn,
    responses((status = 201, description = "Created", body = Activity)))]
pub async fn create_activity(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<ActivityIn>,
) -> ApiResult<Written<Activity>> {
    let input = ActivityInput {
        kind: input.kind,
        subject: input.subject,
        body: input.body,
        due_at: input.due_at,
        done: input.done,
        customer_id: input.customer_id,
        contact_id: input.contact_id,
        opportunity_id: input.opportunity_id,
        owner_id: input.owner_id,
    };
    let created = activities::create(&*txn, caller.actor(), &input).await?;
    Ok(Written::created(created.into()))
}

/// Marks an activity done (`activities.write`).
#[utoipa::path(post, path = "/activities/{id}/complete", tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    responses((status = 200, description = "The activity, done", body = Activity)))]
pub async fn complete_activity(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Written<Activity>> {
    let completed = activities::complete(&*txn, caller.actor(), id).await?;
    Ok(Written::changed(completed.into()))
}
