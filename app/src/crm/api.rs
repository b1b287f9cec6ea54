//! Server functions of the CRM beyond the customer form: leads, the
//! pipeline, opportunities, activities, campaigns, and the customer page's
//! timeline, figures, merge and bulk actions. Each calls one domain
//! service, which checks permission and record scope.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
use tandem_domain::{
    access::users,
    crm::{activities, campaigns, customers, leads, opportunities, pipeline, timeline},
    sales::stats::OrderSummaries,
};

#[cfg(feature = "ssr")]
use crate::{
    exports::{export, PAGE},
    ssr::{signed_in, tz_offset},
};

/// Domain records to wire types, and wire forms to domain inputs.
#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use chrono::NaiveDate;
    use tandem_domain::{
        crm::{
            activities::{self, ActivityFilter, ActivityInput},
            campaigns::{self, CampaignInput, CampaignStats},
            customers::{self, Bulk},
            leads::{self, ConvertInput, LeadFilter, LeadInput},
            opportunities::{self, ForecastScope, OpportunityFilter, OpportunityInput},
            pipeline::StageInput,
            timeline,
        },
        entities::{contacts, pipeline_stages},
        messages,
        money::{format_minor, parse_minor},
        Error, FieldErrors,
    };

    use super::*;
    use crate::ssr::{local_time, parse_local};

    /// Parse errors of the wire form merged with the domain's own checks,
    /// so the user sees every problem at once.
    fn checked<T>(
        parse: FieldErrors,
        input: T,
        check: impl Fn(&T) -> tandem_domain::Result<()>,
    ) -> Result<T, AppError> {
        if parse.is_empty() {
            return Ok(input);
        }
        let mut fields = match check(&input) {
            Err(Error::Validation(fields)) => fields,
            _ => FieldErrors::new(),
        };
        fields.extend(parse);
        Err(Error::Validation(fields).into())
    }

    /// An amount as typed, in minor units; an unreadable one is a field error.
    fn amount(text: &str, field: &str, errors: &mut FieldErrors) -> i64 {
        match parse_minor(text, field) {
            Ok(v) => v,
            Err(Error::Validation(f)) => {
                errors.extend(f);
                0
            }
            Err(_) => 0,
        }
    }

    /// A date as typed (`2026-12-31`). An unreadable one is none, which the
    /// domain's checks report as an invalid date of that field.
    fn date(text: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
    }

    /// An amount as an editable number (`1234.50`).
    fn plain(minor: i64) -> String {
        format_minor(minor).replace(',', "")
    }

    /// A picked record; nothing picked arrives as none or 0.
    fn id_or_none(id: Option<i64>) -> Option<i64> {
        id.filter(|i| *i > 0)
    }

    pub fn choices(found: Vec<(i64, String)>) -> Vec<Choice> {
        found
            .into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect()
    }

    pub fn customer_choice(c: tandem_domain::entities::customers::Model) -> Choice {
        Choice {
            id: c.id,
            name: format!("{} ({})", c.name, c.code),
        }
    }

    pub fn contact_choice(c: contacts::Model) -> Choice {
        Choice {
            id: c.id,
            name: c.name,
        }
    }

    pub fn timeline_item(e: timeline::Entry) -> TimelineItem {
        TimelineItem {
            id: e.event.id,
            kind: e.event.kind,
            summary: e.event.summary,
            link: e.event.link,
            at: local_time(e.event.occurred_at),
            actor: e.actor_name,
        }
    }

    pub fn overview(o: customers::Overview, abilities: customers::Abilities) -> OverviewView {
        OverviewView {
            contacts: o.contacts,
            open_opportunities: o.open_opportunities,
            pipeline: o.pipeline_minor.map(format_minor),
            won: o.won_minor.map(format_minor),
            open_activities: o.open_activities,
            can_merge: abilities.merge,
        }
    }

    /// The bulk bar's action: `reassign` (to `owner_id`), `tag` or `archive`.
    pub fn bulk(action: &str, owner_id: Option<i64>, tag: String) -> Result<Bulk, AppError> {
        match action {
            "reassign" => Ok(Bulk::Reassign(owner_id.unwrap_or(0))),
            "tag" => Ok(Bulk::AddTag(tag)),
            "archive" => Ok(Bulk::Archive),
            _ => Err(Error::field("action", messages::STATUS_INVALID).into()),
        }
    }

    pub fn lead_input(form: LeadForm) -> LeadInput {
        LeadInput {
            name: form.name,
            company: form.company,
            email: form.email,
            phone: form.phone,
            source: form.source,
            campaign_id: id_or_none(form.campaign_id),
            owner_id: id_or_none(form.owner_id),
        }
    }

    /// The leads list's filter; the caller sets the page.
    pub fn lead_filter(
        search: Option<String>,
        status: Option<String>,
        source: Option<String>,
        campaign_id: Option<i64>,
        owner_id: Option<i64>,
        sort: String,
    ) -> LeadFilter {
        LeadFilter {
            search,
            status,
            source,
            campaign_id,
            owner_id,
            sort,
            ..Default::default()
        }
    }

    pub fn lead_row(r: leads::LeadRow) -> LeadRow {
        let l = r.lead;
        LeadRow {
            id: l.id,
            owner: r.owner,
            name: l.name,
            company: l.company,
            email: l.email,
            phone: l.phone,
            source: l.source,
            campaign_id: l.campaign_id,
            status: l.status,
            owner_id: l.owner_id,
            created: local_time(l.created_at),
        }
    }

    pub fn lead_view(d: leads::LeadDetail) -> LeadView {
        LeadView {
            campaign: d.campaign,
            disqualify_reason: d.row.lead.disqualify_reason.clone(),
            customer_id: d.row.lead.customer_id,
            opportunity_id: d.row.lead.opportunity_id,
            can_write: d.can_write,
            row: lead_row(d.row),
        }
    }

    pub fn lead_duplicate(d: leads::LeadDuplicate) -> LeadDuplicateView {
        LeadDuplicateView {
            kind: d.kind.into(),
            id: d.id,
            name: d.name,
            reasons: d.reasons.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// The conversion form; an unreadable amount is reported together with
    /// the opportunity's other field errors.
    pub fn convert_input(form: ConvertForm) -> Result<ConvertInput, AppError> {
        let mut errors = FieldErrors::new();
        let amount_minor = amount(&form.amount, "amount", &mut errors);
        let input = ConvertInput {
            customer_id: id_or_none(form.customer_id),
            title: form.title,
            amount_minor,
            currency: form.currency,
            expected_close: date(&form.expected_close),
        };
        checked(errors, input, leads::check_conversion)
    }

    pub fn converted(done: leads::Converted) -> ConvertedView {
        ConvertedView {
            customer_id: done.customer_id,
            opportunity_id: done.opportunity_id,
        }
    }

    pub fn stage(s: &pipeline_stages::Model) -> StageView {
        StageView {
            id: s.id,
            name: s.name.clone(),
            probability: s.probability,
            is_won: s.is_won,
            is_lost: s.is_lost,
        }
    }

    pub fn stage_input(form: StageForm) -> StageInput {
        StageInput {
            name: form.name,
            probability: form.probability,
            is_won: form.is_won,
            is_lost: form.is_lost,
        }
    }

    /// The opportunities list's filter (`status`: `open`, `won`, `lost`,
    /// anything else for all); the caller sets the page.
    pub fn opportunity_filter(
        search: Option<String>,
        stage_id: Option<i64>,
        owner_id: Option<i64>,
        customer_id: Option<i64>,
        status: String,
        sort: String,
    ) -> OpportunityFilter {
        use opportunities::Status;
        let status = match status.as_str() {
            "open" => Status::Open,
            "won" => Status::Won,
            "lost" => Status::Lost,
            _ => Status::Any,
        };
        OpportunityFilter {
            search,
            stage_id,
            owner_id,
            customer_id,
            status,
            sort,
            ..Default::default()
        }
    }

    pub fn opportunity_row(r: opportunities::OpportunityRow) -> OpportunityRow {
        let o = r.opportunity;
        OpportunityRow {
            id: o.id,
            customer: r.customer,
            stage: r.stage,
            owner: r.owner,
            title: o.title,
            customer_id: o.customer_id,
            amount: format_minor(o.amount_minor),
            currency: o.currency,
            expected_close: o.expected_close.to_string(),
            stage_id: o.stage_id,
            probability: o.probability,
            owner_id: o.owner_id,
            lost_reason: o.lost_reason,
        }
    }

    pub fn opportunity_view(d: opportunities::OpportunityDetail) -> OpportunityView {
        OpportunityView {
            contact_id: d.row.opportunity.contact_id,
            amount_plain: plain(d.row.opportunity.amount_minor),
            can_write: d.can_write,
            row: opportunity_row(d.row),
        }
    }

    pub fn board_column(c: opportunities::BoardColumn) -> BoardColumn {
        BoardColumn {
            stage: stage(&c.stage),
            total: c.total,
            amount: format_minor(c.amount_minor),
            cards: c.cards.into_iter().map(opportunity_row).collect(),
        }
    }

    /// The opportunity form; an unreadable amount or probability is reported
    /// together with the domain's field errors.
    pub fn opportunity_input(form: OpportunityForm) -> Result<OpportunityInput, AppError> {
        let mut errors = FieldErrors::new();
        let amount_minor = amount(&form.amount, "amount", &mut errors);
        let probability = match form.probability.trim() {
            "" => None,
            text => match text.parse::<i32>() {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.insert("probability".into(), messages::PROBABILITY_RANGE.into());
                    None
                }
            },
        };
        let input = OpportunityInput {
            customer_id: form.customer_id,
            contact_id: id_or_none(form.contact_id),
            title: form.title,
            amount_minor,
            currency: form.currency,
            expected_close: date(&form.expected_close),
            stage_id: id_or_none(form.stage_id),
            probability,
            owner_id: id_or_none(form.owner_id),
        };
        checked(errors, input, opportunities::check)
    }

    /// Whose forecast: `team`, `all`, anything else the caller's own.
    pub fn forecast_scope(whose: &str) -> ForecastScope {
        match whose {
            "team" => ForecastScope::Team,
            "all" => ForecastScope::All,
            _ => ForecastScope::Mine,
        }
    }

    pub fn forecast_row(r: opportunities::ForecastRow) -> ForecastRowView {
        ForecastRowView {
            month: r.month,
            currency: r.currency,
            open_count: r.open_count,
            open: format_minor(r.open_minor),
            weighted: format_minor(r.weighted_minor),
            won: format_minor(r.won_minor),
        }
    }

    /// The activities list's filter for one page.
    pub fn activity_filter(query: ActivityQuery, page: u64, per_page: u64) -> ActivityFilter {
        use activities::Status;
        let ActivityQuery {
            search,
            kind,
            owner_id,
            customer_id,
            opportunity_id,
            status,
            sort,
            page: _,
        } = query;
        let status = match status.as_str() {
            "open" => Status::Open,
            "done" => Status::Done,
            _ => Status::Any,
        };
        ActivityFilter {
            search,
            kind,
            owner_id,
            customer_id,
            opportunity_id,
            status,
            sort,
            page,
            per_page,
            after: None,
        }
    }

    pub fn activity_row(r: activities::ActivityRow) -> ActivityRow {
        let a = r.activity;
        ActivityRow {
            id: a.id,
            customer: r.customer,
            owner: r.owner,
            kind: a.kind,
            subject: a.subject,
            body: a.body,
            due: a.due_at.map(local_time),
            done: a.done_at.map(local_time),
            customer_id: a.customer_id,
        }
    }

    fn activity_rows(rows: Vec<activities::ActivityRow>) -> Vec<ActivityRow> {
        rows.into_iter().map(activity_row).collect()
    }

    pub fn my_day(day: activities::MyDayRows) -> MyDayView {
        MyDayView {
            overdue: activity_rows(day.overdue),
            today: activity_rows(day.today),
            upcoming: activity_rows(day.upcoming),
        }
    }

    /// The activity form; an unreadable due time is reported together with
    /// the domain's field errors.
    pub fn activity_input(form: ActivityForm) -> Result<ActivityInput, AppError> {
        let mut errors = FieldErrors::new();
        let due_at = match form.due.trim() {
            "" => None,
            text => {
                let parsed = parse_local(text);
                if parsed.is_none() {
                    errors.insert("due".into(), messages::DATE_INVALID.into());
                }
                parsed
            }
        };
        let input = ActivityInput {
            kind: form.kind,
            subject: form.subject,
            body: form.body,
            due_at,
            done: form.done,
            customer_id: form.customer_id,
            contact_id: id_or_none(form.contact_id),
            opportunity_id: id_or_none(form.opportunity_id),
            owner_id: None,
        };
        checked(errors, input, activities::check)
    }

    pub fn campaign_row(s: CampaignStats) -> CampaignRow {
        let c = s.campaign;
        CampaignRow {
            id: c.id,
            name: c.name,
            channel: c.channel,
            budget: format_minor(c.budget_minor),
            budget_plain: plain(c.budget_minor),
            currency: c.currency,
            starts_on: c.starts_on.to_string(),
            ends_on: c.ends_on.to_string(),
            leads: s.leads,
            converted: s.converted,
            won: format_minor(s.won_minor),
        }
    }

    /// The campaign form; an unreadable budget is reported together with
    /// the domain's field errors.
    pub fn campaign_input(form: CampaignForm) -> Result<CampaignInput, AppError> {
        let mut errors = FieldErrors::new();
        let budget_minor = amount(&form.budget, "budget", &mut errors);
        let input = CampaignInput {
            name: form.name,
            channel: form.channel,
            budget_minor,
            currency: form.currency,
            starts_on: date(&form.starts_on),
            ends_on: date(&form.ends_on),
        };
        checked(errors, input, campaigns::check)
    }
}

// ---- shared ----------------------------------------------------------------

crate::authz!(
    "/api/crm/assignees",
    AnyOf(&[
        CustomersReadAll,
        LeadsReadAll,
        OpportunitiesReadAll,
        ActivitiesReadAll
    ]),
    JSON,
    r#"{}"#,
);
/// Active users records can be assigned to. Needs one of the `read_all`
/// permissions (only those users may hand records to others).
#[server(endpoint = "crm/assignees", input = Json)]
pub async fn assignees() -> Result<Vec<Choice>, AppError> {
    let state = crate::ssr::state()?;
    let found = users::assignable(&state.db, &signed_in()?).await?;
    Ok(convert::choices(found))
}

crate::authz!(
    "/api/crm/customers/pick",
    Needs(CustomersRead),
    JSON,
    r#"{"search":"zz"}"#
);
/// Customers in scope whose name, code, email or phone starts with `search` (at most 20), for
/// pickers.
#[server(endpoint = "crm/customers/pick", input = Json)]
pub async fn pick_customers(search: String) -> Result<Vec<Choice>, AppError> {
    let state = crate::ssr::state()?;
    let found = customers::pick(&state.db, &signed_in()?, search).await?;
    Ok(found.into_iter().map(convert::customer_choice).collect())
}

crate::authz!(
    "/api/customers/timeline",
    Needs(CustomersRead),
    JSON,
    r#"{"customer_id":999999,"before":null}"#,
);
/// A customer's timeline, newest first, 30 at a time before `before`.
#[server(endpoint = "customers/timeline", input = Json)]
pub async fn customer_timeline(
    customer_id: i64,
    before: Option<i64>,
) -> Result<Vec<TimelineItem>, AppError> {
    let state = crate::ssr::state()?;
    let found = timeline::of_customer(&state.db, &signed_in()?, customer_id, before, 30).await?;
    Ok(found.into_iter().map(convert::timeline_item).collect())
}

crate::authz!(
    "/api/customers/overview",
    Needs(CustomersRead),
    JSON,
    r#"{"customer_id":999999}"#
);
/// The customer page's figures.
#[server(endpoint = "customers/overview", input = Json)]
pub async fn customer_overview(customer_id: i64) -> Result<OverviewView, AppError> {
    let state = crate::ssr::state()?;
    let actor = signed_in()?;
    let found = customers::overview(&state.db, &actor, customer_id).await?;
    let abilities = customers::abilities(&actor);
    Ok(convert::overview(found, abilities))
}

crate::authz!(
    "/api/customers/merge",
    Needs(CustomersMerge),
    JSON,
    r#"{"survivor":999998,"duplicate":999999}"#,
);
/// Merges `duplicate` into `survivor`.
#[server(endpoint = "customers/merge", input = Json)]
pub async fn merge_customers(survivor: i64, duplicate: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let (db, actor) = (&state.db, signed_in()?);
    customers::merge(db, &actor, survivor, duplicate, &OrderSummaries).await?;
    Ok(())
}

crate::authz!(
    "/api/customers/bulk",
    Needs(CustomersWrite),
    JSON,
    r#"{"ids":[999999],"action":"tag","owner_id":null,"tag":"x"}"#,
);
/// A bulk action on customers: `reassign` (with `owner_id`), `tag` (with `tag`) or `archive`.
#[server(endpoint = "customers/bulk", input = Json)]
pub async fn bulk_customers(
    ids: Vec<i64>,
    action: String,
    owner_id: Option<i64>,
    tag: String,
) -> Result<u64, AppError> {
    let state = crate::ssr::state()?;
    let action = convert::bulk(&action, owner_id, tag)?;
    Ok(customers::bulk(&state.db, &signed_in()?, &ids, &action).await?)
}

// ---- leads -----------------------------------------------------------------

crate::authz!(
    "/api/leads/list",
    Needs(LeadsRead),
    JSON,
    r#"{"search":null,"status":null,"source":null,"campaign_id":null,"owner_id":null,"sort":"","page":1}"#,
);
/// Leads in scope.
#[server(endpoint = "leads/list", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn list_leads(
    search: Option<String>,
    status: Option<String>,
    source: Option<String>,
    campaign_id: Option<i64>,
    owner_id: Option<i64>,
    sort: String,
    page: u64,
) -> Result<PageView<LeadRow>, AppError> {
    let filter = convert::lead_filter(search, status, source, campaign_id, owner_id, sort);
    leads_page(filter, page, 25).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn leads_page(
    filter: leads::LeadFilter,
    page: u64,
    per_page: u64,
) -> Result<PageView<LeadRow>, AppError> {
    let state = crate::ssr::state()?;
    let filter = leads::LeadFilter {
        page,
        per_page,
        ..filter
    };
    let found = leads::rows(&state.db, &signed_in()?, &filter).await?;
    Ok(PageView::from_page(found, convert::lead_row))
}

crate::authz!(
    "/api/leads/export",
    Export(&[LeadsRead]),
    JSON,
    r#"{"search":null,"status":null,"source":null,"campaign_id":null,"owner_id":null,"sort":"","headers":[]}"#,
);
/// The lead list as CSV.
#[server(endpoint = "leads/export", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn export_leads(
    search: Option<String>,
    status: Option<String>,
    source: Option<String>,
    campaign_id: Option<i64>,
    owner_id: Option<i64>,
    sort: String,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    let filter = convert::lead_filter(search, status, source, campaign_id, owner_id, sort);
    export(headers, |page| leads_page(filter.clone(), page, PAGE)).await
}

crate::authz!("/api/leads/get", Needs(LeadsRead), JSON, r#"{"id":999999}"#);
/// One lead.
#[server(endpoint = "leads/get", input = Json)]
pub async fn get_lead(id: i64) -> Result<LeadView, AppError> {
    let state = crate::ssr::state()?;
    let found = leads::detail(&state.db, &signed_in()?, id).await?;
    Ok(convert::lead_view(found))
}

crate::authz!(
    "/api/leads/create",
    Needs(LeadsWrite),
    JSON,
    r#"{"form":{"name":"","company":"","email":"","phone":"","source":"","campaign_id":null,"owner_id":null}}"#,
);
/// Creates a lead.
#[server(endpoint = "leads/create", input = Json)]
pub async fn create_lead(form: LeadForm) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let input = convert::lead_input(form);
    Ok(leads::create(&state.db, &signed_in()?, &input).await?.id)
}

crate::authz!(
    "/api/leads/update",
    Needs(LeadsWrite),
    JSON,
    r#"{"id":999999,"form":{"name":"X","company":"","email":"","phone":"","source":"web","campaign_id":null,"owner_id":null}}"#,
);
/// Edits a lead.
#[server(endpoint = "leads/update", input = Json)]
pub async fn update_lead(id: i64, form: LeadForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::lead_input(form);
    leads::update(&state.db, &signed_in()?, id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/leads/duplicates",
    Needs(LeadsRead),
    JSON,
    r#"{"form":{"name":"X","company":"","email":"","phone":"","source":"web","campaign_id":null,"owner_id":null},"except":null}"#,
);
/// Leads and customers that look like the lead being entered.
#[server(endpoint = "leads/duplicates", input = Json)]
pub async fn lead_duplicates(
    form: LeadForm,
    except: Option<i64>,
) -> Result<Vec<LeadDuplicateView>, AppError> {
    let state = crate::ssr::state()?;
    let input = convert::lead_input(form);
    let found = leads::find_duplicates(&state.db, &signed_in()?, &input, except).await?;
    Ok(found.into_iter().map(convert::lead_duplicate).collect())
}

crate::authz!(
    "/api/leads/qualify",
    Needs(LeadsWrite),
    JSON,
    r#"{"id":999999}"#
);
/// Qualifies a new lead.
#[server(endpoint = "leads/qualify", input = Json)]
pub async fn qualify_lead(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    leads::qualify(&state.db, &signed_in()?, id).await?;
    Ok(())
}

crate::authz!(
    "/api/leads/disqualify",
    Needs(LeadsWrite),
    JSON,
    r#"{"id":999999,"reason":"x"}"#
);
/// Disqualifies a lead with a reason.
#[server(endpoint = "leads/disqualify", input = Json)]
pub async fn disqualify_lead(id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(leads::disqualify(&state.db, &signed_in()?, id, &reason).await?)
}

crate::authz!(
    "/api/leads/convert",
    Needs(LeadsWrite),
    JSON,
    r#"{"id":999999,"form":{"customer_id":null,"title":"X","amount":"1","currency":"EUR","expected_close":"2027-01-01"}}"#,
);
/// Converts a qualified lead.
#[server(endpoint = "leads/convert", input = Json)]
pub async fn convert_lead(id: i64, form: ConvertForm) -> Result<ConvertedView, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/leads/convert")?;
    let input = convert::convert_input(form)?;
    let done = leads::convert(&state.db, &actor, id, &input).await?;
    Ok(convert::converted(done))
}

crate::authz!(
    "/api/leads/reassign",
    Needs(LeadsWrite),
    JSON,
    r#"{"ids":[],"owner_id":1}"#
);
/// Gives leads to another owner.
#[server(endpoint = "leads/reassign", input = Json)]
pub async fn reassign_leads(ids: Vec<i64>, owner_id: i64) -> Result<u64, AppError> {
    let state = crate::ssr::state()?;
    Ok(leads::reassign(&state.db, &signed_in()?, &ids, owner_id).await?)
}

// ---- pipeline and opportunities ---------------------------------------------

crate::authz!(
    "/api/opportunities/stages",
    Needs(OpportunitiesRead),
    JSON,
    r#"{}"#
);
/// The pipeline's stages.
#[server(endpoint = "opportunities/stages", input = Json)]
pub async fn list_stages() -> Result<Vec<StageView>, AppError> {
    let state = crate::ssr::state()?;
    let found = pipeline::list(&state.db, &signed_in()?).await?;
    Ok(found.iter().map(convert::stage).collect())
}

crate::authz!(
    "/api/stages/create",
    Needs(PipelineConfigure),
    JSON,
    r#"{"form":{"name":"","probability":-1,"is_won":false,"is_lost":false}}"#,
);
/// Adds a stage.
#[server(endpoint = "stages/create", input = Json)]
pub async fn create_stage(form: StageForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::stage_input(form);
    pipeline::create(&state.db, &signed_in()?, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/stages/update",
    Needs(PipelineConfigure),
    JSON,
    r#"{"id":999999,"form":{"name":"X","probability":10,"is_won":false,"is_lost":false}}"#,
);
/// Edits a stage.
#[server(endpoint = "stages/update", input = Json)]
pub async fn update_stage(id: i64, form: StageForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let input = convert::stage_input(form);
    pipeline::update(&state.db, &signed_in()?, id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/stages/reorder",
    Needs(PipelineConfigure),
    JSON,
    r#"{"id":999999,"up":true}"#
);
/// Moves a stage up or down.
#[server(endpoint = "stages/reorder", input = Json)]
pub async fn reorder_stage(id: i64, up: bool) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(pipeline::reorder(&state.db, &signed_in()?, id, up).await?)
}

crate::authz!(
    "/api/stages/delete",
    Needs(PipelineConfigure),
    JSON,
    r#"{"id":999999}"#
);
/// Deletes an unused stage.
#[server(endpoint = "stages/delete", input = Json)]
pub async fn delete_stage(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    Ok(pipeline::delete(&state.db, &signed_in()?, id).await?)
}

crate::authz!(
    "/api/opportunities/board",
    Needs(OpportunitiesRead),
    JSON,
    r#"{"owner_id":null}"#
);
/// The board, optionally one owner's.
#[server(endpoint = "opportunities/board", input = Json)]
pub async fn board(owner_id: Option<i64>) -> Result<Vec<BoardColumn>, AppError> {
    let state = crate::ssr::state()?;
    let columns = opportunities::board_rows(&state.db, &signed_in()?, owner_id).await?;
    Ok(columns.into_iter().map(convert::board_column).collect())
}

crate::authz!(
    "/api/opportunities/list",
    Needs(OpportunitiesRead),
    JSON,
    r#"{"search":null,"stage_id":null,"owner_id":null,"customer_id":null,"status":"","sort":"","page":1}"#,
);
/// Opportunities in scope.
#[server(endpoint = "opportunities/list", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn list_opportunities(
    search: Option<String>,
    stage_id: Option<i64>,
    owner_id: Option<i64>,
    customer_id: Option<i64>,
    status: String,
    sort: String,
    page: u64,
) -> Result<PageView<OpportunityRow>, AppError> {
    let filter = convert::opportunity_filter(search, stage_id, owner_id, customer_id, status, sort);
    opportunities_page(filter, page, 25).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn opportunities_page(
    filter: opportunities::OpportunityFilter,
    page: u64,
    per_page: u64,
) -> Result<PageView<OpportunityRow>, AppError> {
    let state = crate::ssr::state()?;
    let filter = opportunities::OpportunityFilter {
        page,
        per_page,
        ..filter
    };
    let found = opportunities::rows(&state.db, &signed_in()?, &filter).await?;
    Ok(PageView::from_page(found, convert::opportunity_row))
}

crate::authz!(
    "/api/opportunities/export",
    Export(&[OpportunitiesRead]),
    JSON,
    r#"{"search":null,"stage_id":null,"owner_id":null,"customer_id":null,"status":"","sort":"","headers":[]}"#,
);
/// The opportunity list as CSV.
#[server(endpoint = "opportunities/export", input = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn export_opportunities(
    search: Option<String>,
    stage_id: Option<i64>,
    owner_id: Option<i64>,
    customer_id: Option<i64>,
    status: String,
    sort: String,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    let filter = convert::opportunity_filter(search, stage_id, owner_id, customer_id, status, sort);
    export(headers, |n| opportunities_page(filter.clone(), n, PAGE)).await
}

crate::authz!(
    "/api/opportunities/get",
    Needs(OpportunitiesRead),
    JSON,
    r#"{"id":999999}"#
);
/// One opportunity.
#[server(endpoint = "opportunities/get", input = Json)]
pub async fn get_opportunity(id: i64) -> Result<OpportunityView, AppError> {
    let state = crate::ssr::state()?;
    let found = opportunities::detail(&state.db, &signed_in()?, id).await?;
    Ok(convert::opportunity_view(found))
}

crate::authz!(
    "/api/opportunities/create",
    Needs(OpportunitiesWrite),
    JSON,
    r#"{"form":{"customer_id":999999,"contact_id":null,"title":"X","amount":"1","currency":"EUR","expected_close":"2027-01-01","stage_id":null,"probability":"","owner_id":null}}"#,
);
/// Creates an opportunity.
#[server(endpoint = "opportunities/create", input = Json)]
pub async fn create_opportunity(form: OpportunityForm) -> Result<i64, AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/opportunities/create")?;
    let input = convert::opportunity_input(form)?;
    let created = opportunities::create(&state.db, &actor, &input).await?;
    Ok(created.id)
}

crate::authz!(
    "/api/opportunities/update",
    Needs(OpportunitiesWrite),
    JSON,
    r#"{"id":999999,"form":{"customer_id":999999,"contact_id":null,"title":"X","amount":"1","currency":"EUR","expected_close":"2027-01-01","stage_id":null,"probability":"","owner_id":null}}"#,
);
/// Edits an opportunity.
#[server(endpoint = "opportunities/update", input = Json)]
pub async fn update_opportunity(id: i64, form: OpportunityForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/opportunities/update")?;
    let input = convert::opportunity_input(form)?;
    opportunities::update(&state.db, &actor, id, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/opportunities/move",
    Needs(OpportunitiesWrite),
    JSON,
    r#"{"id":999999,"from":1,"to":1,"lost_reason":""}"#,
);
/// Moves a card from stage `from` to `to` (lost needs a reason).
#[server(endpoint = "opportunities/move", input = Json)]
pub async fn move_opportunity(
    id: i64,
    from: i64,
    to: i64,
    lost_reason: String,
) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    opportunities::move_stage(&state.db, &signed_in()?, id, from, to, &lost_reason).await?;
    Ok(())
}

crate::authz!(
    "/api/opportunities/forecast",
    Needs(OpportunitiesRead),
    JSON,
    r#"{"whose":"mine"}"#
);
/// The weighted forecast for `whose` (`mine`, `team`, `all`), six months from this one.
#[server(endpoint = "opportunities/forecast", input = Json)]
pub async fn forecast(whose: String) -> Result<Vec<ForecastRowView>, AppError> {
    let state = crate::ssr::state()?;
    let whose = convert::forecast_scope(&whose);
    let today = chrono::Utc::now().date_naive();
    let rows = opportunities::forecast(&state.db, &signed_in()?, whose, today, 6).await?;
    Ok(rows.into_iter().map(convert::forecast_row).collect())
}

crate::authz!(
    "/api/opportunities/reassign",
    Needs(OpportunitiesWrite),
    JSON,
    r#"{"ids":[],"owner_id":1}"#,
);
/// Gives opportunities to another owner.
#[server(endpoint = "opportunities/reassign", input = Json)]
pub async fn reassign_opportunities(ids: Vec<i64>, owner_id: i64) -> Result<u64, AppError> {
    let state = crate::ssr::state()?;
    Ok(opportunities::reassign(&state.db, &signed_in()?, &ids, owner_id).await?)
}

crate::authz!(
    "/api/customers/contact-choices",
    Needs(CustomersRead),
    JSON,
    r#"{"customer_id":999999}"#,
);
/// A customer's contacts as choices (for the opportunity and activity forms).
#[server(endpoint = "customers/contact-choices", input = Json)]
pub async fn contact_choices(customer_id: i64) -> Result<Vec<Choice>, AppError> {
    let state = crate::ssr::state()?;
    let found = customers::contacts_of(&state.db, &signed_in()?, customer_id).await?;
    Ok(found.into_iter().map(convert::contact_choice).collect())
}

// ---- activities ------------------------------------------------------------

crate::authz!(
    "/api/activities/list",
    Needs(ActivitiesRead),
    JSON,
    r#"{"query":{"search":null,"kind":null,"owner_id":null,"customer_id":null,"opportunity_id":null,"status":"","sort":"","page":1}}"#,
);
/// Activities in scope. `status`: `open`, `done` or anything for both.
#[server(endpoint = "activities/list", input = Json)]
pub async fn list_activities(query: ActivityQuery) -> Result<PageView<ActivityRow>, AppError> {
    let page = query.page;
    activities_page(query, page, 25).await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
async fn activities_page(
    query: ActivityQuery,
    page: u64,
    per_page: u64,
) -> Result<PageView<ActivityRow>, AppError> {
    let state = crate::ssr::state()?;
    let filter = convert::activity_filter(query, page, per_page);
    let found = activities::rows(&state.db, &signed_in()?, &filter).await?;
    Ok(PageView::from_page(found, convert::activity_row))
}

crate::authz!(
    "/api/activities/export",
    Export(&[ActivitiesRead]),
    JSON,
    r#"{"query":{"search":null,"kind":null,"owner_id":null,"customer_id":null,"opportunity_id":null,"status":"","sort":"","page":1},"headers":[]}"#,
);
/// The activity list as CSV.
#[server(endpoint = "activities/export", input = Json)]
pub async fn export_activities(
    query: ActivityQuery,
    headers: Vec<String>,
) -> Result<crate::exports::ExportView, AppError> {
    export(headers, |page| activities_page(query.clone(), page, PAGE)).await
}

crate::authz!(
    "/api/activities/my-day",
    Needs(ActivitiesRead),
    JSON,
    r#"{}"#
);
/// The caller's day.
#[server(endpoint = "activities/my-day", input = Json)]
pub async fn my_day() -> Result<MyDayView, AppError> {
    let state = crate::ssr::state()?;
    let now = chrono::Utc::now();
    let day = activities::my_day_rows(&state.db, &signed_in()?, now, tz_offset()).await?;
    Ok(convert::my_day(day))
}

crate::authz!(
    "/api/activities/create",
    Needs(ActivitiesWrite),
    JSON,
    r#"{"form":{"kind":"","subject":"","body":"","due":"","done":false,"customer_id":999999,"contact_id":null,"opportunity_id":null}}"#,
);
/// Logs or plans an activity.
#[server(endpoint = "activities/create", input = Json)]
pub async fn create_activity(form: ActivityForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/activities/create")?;
    let input = convert::activity_input(form)?;
    activities::create(&state.db, &actor, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/activities/complete",
    Needs(ActivitiesWrite),
    JSON,
    r#"{"id":999999}"#
);
/// Marks an activity done.
#[server(endpoint = "activities/complete", input = Json)]
pub async fn complete_activity(id: i64) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    activities::complete(&state.db, &signed_in()?, id).await?;
    Ok(())
}

// ---- campaigns -------------------------------------------------------------

crate::authz!("/api/campaigns/list", Needs(CampaignsRead), JSON, r#"{}"#);
/// Campaigns with their results.
#[server(endpoint = "campaigns/list", input = Json)]
pub async fn list_campaigns() -> Result<Vec<CampaignRow>, AppError> {
    let state = crate::ssr::state()?;
    let found = campaigns::list(&state.db, &signed_in()?).await?;
    Ok(found.into_iter().map(convert::campaign_row).collect())
}

crate::authz!(
    "/api/campaigns/create",
    Needs(CampaignsWrite),
    JSON,
    r#"{"form":{"name":"","channel":"","budget":"","currency":"","starts_on":"","ends_on":""}}"#,
);
/// Creates a campaign.
#[server(endpoint = "campaigns/create", input = Json)]
pub async fn create_campaign(form: CampaignForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/campaigns/create")?;
    let input = convert::campaign_input(form)?;
    campaigns::create(&state.db, &actor, &input).await?;
    Ok(())
}

crate::authz!(
    "/api/campaigns/update",
    Needs(CampaignsWrite),
    JSON,
    r#"{"id":999999,"form":{"name":"X","channel":"email","budget":"1","currency":"EUR","starts_on":"2027-01-01","ends_on":"2027-01-02"}}"#,
);
/// Edits a campaign.
#[server(endpoint = "campaigns/update", input = Json)]
pub async fn update_campaign(id: i64, form: CampaignForm) -> Result<(), AppError> {
    let state = crate::ssr::state()?;
    let actor = crate::authz::require("/api/campaigns/update")?;
    let input = convert::campaign_input(form)?;
    campaigns::update(&state.db, &actor, id, &input).await?;
    Ok(())
}
