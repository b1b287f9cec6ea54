//! Server functions of the CRM beyond the customer form: leads, the
//! pipeline, opportunities, activities, campaigns, and the customer page's
//! timeline, figures, merge and bulk actions. Each calls one domain
//! service, which checks permission and record scope.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::types::*;
use crate::{admin::types::PageView, error::AppError};

#[cfg(feature = "ssr")]
mod convert {
    use std::collections::HashMap;

    use tandem_domain::{
        entities::{activities, campaigns, leads, opportunities, pipeline_stages},
        money::format_minor,
        Error, FieldErrors,
    };

    use super::*;
    use crate::ssr::local_time;

    /// Parse errors of the wire form merged with the domain's own checks,
    /// so the user sees every problem at once.
    pub fn checked<T>(
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

    pub fn amount(text: &str, field: &str, errors: &mut FieldErrors) -> i64 {
        match tandem_domain::money::parse_minor(text, field) {
            Ok(v) => v,
            Err(Error::Validation(f)) => {
                errors.extend(f);
                0
            }
            Err(_) => 0,
        }
    }

    pub fn date(text: &str, field: &str, errors: &mut FieldErrors) -> Option<chrono::NaiveDate> {
        match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.insert(field.into(), tandem_domain::messages::DATE_INVALID.into());
                None
            }
        }
    }

    pub fn plain(minor: i64) -> String {
        format_minor(minor).replace(',', "")
    }

    pub fn lead_row(l: leads::Model, names: &HashMap<i64, String>) -> LeadRow {
        LeadRow {
            id: l.id,
            owner: l.owner_id.and_then(|o| names.get(&o).cloned()),
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

    pub fn stage(s: &pipeline_stages::Model) -> StageView {
        StageView {
            id: s.id,
            name: s.name.clone(),
            probability: s.probability,
            is_won: s.is_won,
            is_lost: s.is_lost,
        }
    }

    pub fn opportunity_row(
        o: opportunities::Model,
        customers: &HashMap<i64, String>,
        stages: &HashMap<i64, String>,
        names: &HashMap<i64, String>,
    ) -> OpportunityRow {
        OpportunityRow {
            id: o.id,
            customer: customers.get(&o.customer_id).cloned().unwrap_or_default(),
            stage: stages.get(&o.stage_id).cloned().unwrap_or_default(),
            owner: o.owner_id.and_then(|id| names.get(&id).cloned()),
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

    pub async fn customer_names(
        db: &tandem_domain::Db,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, String>, AppError> {
        Ok(tandem_domain::crm::customers::names(db, ids).await?)
    }

    pub async fn stage_names(db: &tandem_domain::Db) -> Result<HashMap<i64, String>, AppError> {
        Ok(tandem_domain::crm::pipeline::all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect())
    }

    pub async fn opportunity_rows(
        db: &tandem_domain::Db,
        rows: Vec<opportunities::Model>,
    ) -> Result<Vec<OpportunityRow>, AppError> {
        let customers = customer_names(db, rows.iter().map(|o| o.customer_id)).await?;
        let stages = stage_names(db).await?;
        let names =
            tandem_domain::access::users::names(db, rows.iter().filter_map(|o| o.owner_id)).await?;
        Ok(rows
            .into_iter()
            .map(|o| opportunity_row(o, &customers, &stages, &names))
            .collect())
    }

    pub async fn activity_rows(
        db: &tandem_domain::Db,
        rows: Vec<activities::Model>,
    ) -> Result<Vec<ActivityRow>, AppError> {
        let customers = customer_names(db, rows.iter().map(|a| a.customer_id)).await?;
        let names =
            tandem_domain::access::users::names(db, rows.iter().filter_map(|a| a.owner_id)).await?;
        Ok(rows
            .into_iter()
            .map(|a| ActivityRow {
                id: a.id,
                customer: customers.get(&a.customer_id).cloned().unwrap_or_default(),
                owner: a.owner_id.and_then(|o| names.get(&o).cloned()),
                kind: a.kind,
                subject: a.subject,
                body: a.body,
                due: a.due_at.map(local_time),
                done: a.done_at.map(local_time),
                customer_id: a.customer_id,
            })
            .collect())
    }

    pub fn campaign_row(s: tandem_domain::crm::campaigns::CampaignStats) -> CampaignRow {
        let c: campaigns::Model = s.campaign;
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
}

#[cfg(feature = "ssr")]
fn id_or_none(id: Option<i64>) -> Option<i64> {
    id.filter(|i| *i > 0)
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
    Ok(
        tandem_domain::access::users::assignable(&state.db, crate::ssr::actor().as_ref())
            .await?
            .into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect(),
    )
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
    use tandem_domain::crm::customers;
    let state = crate::ssr::state()?;
    let found = customers::list(
        &state.db,
        crate::ssr::actor().as_ref(),
        &customers::CustomerFilter {
            search: Some(search),
            per_page: 20,
            ..Default::default()
        },
    )
    .await?;
    Ok(found
        .items
        .into_iter()
        .map(|c| Choice {
            id: c.id,
            name: format!("{} ({})", c.name, c.code),
        })
        .collect())
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
    let found = tandem_domain::crm::timeline::of_customer(
        &state.db,
        crate::ssr::actor().as_ref(),
        customer_id,
        before,
        30,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|e| TimelineItem {
            id: e.event.id,
            kind: e.event.kind,
            summary: e.event.summary,
            link: e.event.link,
            at: crate::ssr::local_time(e.event.occurred_at),
            actor: e.actor_name,
        })
        .collect())
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
    use tandem_domain::{crm::customers, money::format_minor};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    let o = customers::overview(&state.db, actor.as_ref(), customer_id).await?;
    Ok(OverviewView {
        contacts: o.contacts,
        open_opportunities: o.open_opportunities,
        pipeline: o.pipeline_minor.map(format_minor),
        won: o.won_minor.map(format_minor),
        open_activities: o.open_activities,
        can_merge: customers::abilities(actor.as_ref()).merge,
    })
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
    tandem_domain::crm::customers::merge(
        &state.db,
        crate::ssr::actor().as_ref(),
        survivor,
        duplicate,
        &tandem_domain::sales::stats::OrderSummaries,
    )
    .await?;
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
    use tandem_domain::crm::customers::{bulk, Bulk};
    let state = crate::ssr::state()?;
    let action = match action.as_str() {
        "reassign" => Bulk::Reassign(owner_id.unwrap_or(0)),
        "tag" => Bulk::AddTag(tag),
        "archive" => Bulk::Archive,
        _ => {
            return Err(tandem_domain::Error::field(
                "action",
                tandem_domain::messages::STATUS_INVALID,
            )
            .into())
        }
    };
    Ok(bulk(&state.db, crate::ssr::actor().as_ref(), &ids, &action).await?)
}

// ---- leads -----------------------------------------------------------------

#[cfg(feature = "ssr")]
fn lead_input(form: LeadForm) -> tandem_domain::crm::leads::LeadInput {
    tandem_domain::crm::leads::LeadInput {
        name: form.name,
        company: form.company,
        email: form.email,
        phone: form.phone,
        source: form.source,
        campaign_id: id_or_none(form.campaign_id),
        owner_id: id_or_none(form.owner_id),
    }
}

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
    leads_page(
        search,
        status,
        source,
        campaign_id,
        owner_id,
        sort,
        page,
        25,
    )
    .await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn leads_page(
    search: Option<String>,
    status: Option<String>,
    source: Option<String>,
    campaign_id: Option<i64>,
    owner_id: Option<i64>,
    sort: String,
    page: u64,
    per_page: u64,
) -> Result<PageView<LeadRow>, AppError> {
    use tandem_domain::{access::users::names as user_names, crm::leads};
    let state = crate::ssr::state()?;
    let found = leads::list(
        &state.db,
        crate::ssr::actor().as_ref(),
        &leads::LeadFilter {
            search,
            status,
            source,
            campaign_id,
            owner_id,
            sort,
            page,
            per_page,
            after: None,
        },
    )
    .await?;
    let names = user_names(&state.db, found.items.iter().filter_map(|l| l.owner_id)).await?;
    Ok(PageView::from_page(found, |l| convert::lead_row(l, &names)))
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
    crate::exports::export(headers, |page| {
        leads_page(
            search.clone(),
            status.clone(),
            source.clone(),
            campaign_id,
            owner_id,
            sort.clone(),
            page,
            crate::exports::PAGE,
        )
    })
    .await
}

crate::authz!("/api/leads/get", Needs(LeadsRead), JSON, r#"{"id":999999}"#);
/// One lead.
#[server(endpoint = "leads/get", input = Json)]
pub async fn get_lead(id: i64) -> Result<LeadView, AppError> {
    use tandem_domain::{
        access::Permission,
        {access::users::names as user_names, crm::campaigns, crm::leads},
    };
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    let l = leads::get(&state.db, actor.as_ref(), id).await?;
    let campaign = match l.campaign_id {
        Some(c) => campaigns::get(&state.db, actor.as_ref(), c)
            .await
            .ok()
            .map(|c| c.name),
        None => None,
    };
    let names = user_names(&state.db, l.owner_id).await?;
    Ok(LeadView {
        campaign,
        disqualify_reason: l.disqualify_reason.clone(),
        customer_id: l.customer_id,
        opportunity_id: l.opportunity_id,
        can_write: tandem_domain::access::policy::require(actor.as_ref(), Permission::LeadsWrite)
            .is_ok(),
        row: convert::lead_row(l, &names),
    })
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
    Ok(tandem_domain::crm::leads::create(
        &state.db,
        crate::ssr::actor().as_ref(),
        &lead_input(form),
    )
    .await?
    .id)
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
    tandem_domain::crm::leads::update(
        &state.db,
        crate::ssr::actor().as_ref(),
        id,
        &lead_input(form),
    )
    .await?;
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
    let found = tandem_domain::crm::leads::find_duplicates(
        &state.db,
        crate::ssr::actor().as_ref(),
        &lead_input(form),
        except,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|d| LeadDuplicateView {
            kind: d.kind.into(),
            id: d.id,
            name: d.name,
            reasons: d.reasons.iter().map(|r| (*r).to_owned()).collect(),
        })
        .collect())
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
    tandem_domain::crm::leads::qualify(&state.db, crate::ssr::actor().as_ref(), id).await?;
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
    Ok(
        tandem_domain::crm::leads::disqualify(&state.db, crate::ssr::actor().as_ref(), id, &reason)
            .await?,
    )
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
    use tandem_domain::crm::leads::{self, ConvertInput};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::LeadsWrite,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let amount = convert::amount(&form.amount, "amount", &mut errors);
    let expected_close = convert::date(&form.expected_close, "expected_close", &mut errors);
    let input = convert::checked(
        errors,
        ConvertInput {
            customer_id: id_or_none(form.customer_id),
            title: form.title,
            amount_minor: amount,
            currency: form.currency,
            expected_close,
        },
        |i| {
            tandem_domain::crm::opportunities::check(
                &tandem_domain::crm::opportunities::OpportunityInput {
                    title: i.title.clone(),
                    amount_minor: i.amount_minor,
                    currency: i.currency.clone(),
                    expected_close: i
                        .expected_close
                        .or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1)),
                    ..Default::default()
                },
            )
        },
    )?;
    let done = leads::convert(&state.db, actor.as_ref(), id, &input).await?;
    Ok(ConvertedView {
        customer_id: done.customer_id,
        opportunity_id: done.opportunity_id,
    })
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
    Ok(
        tandem_domain::crm::leads::reassign(
            &state.db,
            crate::ssr::actor().as_ref(),
            &ids,
            owner_id,
        )
        .await?,
    )
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
    let found = tandem_domain::crm::pipeline::list(&state.db, crate::ssr::actor().as_ref()).await?;
    Ok(found.iter().map(convert::stage).collect())
}

#[cfg(feature = "ssr")]
fn stage_input(form: StageForm) -> tandem_domain::crm::pipeline::StageInput {
    tandem_domain::crm::pipeline::StageInput {
        name: form.name,
        probability: form.probability,
        is_won: form.is_won,
        is_lost: form.is_lost,
    }
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
    tandem_domain::crm::pipeline::create(
        &state.db,
        crate::ssr::actor().as_ref(),
        &stage_input(form),
    )
    .await?;
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
    tandem_domain::crm::pipeline::update(
        &state.db,
        crate::ssr::actor().as_ref(),
        id,
        &stage_input(form),
    )
    .await?;
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
    Ok(
        tandem_domain::crm::pipeline::reorder(&state.db, crate::ssr::actor().as_ref(), id, up)
            .await?,
    )
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
    Ok(tandem_domain::crm::pipeline::delete(&state.db, crate::ssr::actor().as_ref(), id).await?)
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
    use tandem_domain::{crm::opportunities, money::format_minor};
    let state = crate::ssr::state()?;
    let columns = opportunities::board(&state.db, crate::ssr::actor().as_ref(), owner_id).await?;
    let mut out = Vec::new();
    for column in columns {
        out.push(BoardColumn {
            stage: convert::stage(&column.stage),
            total: column.total,
            amount: format_minor(column.amount_minor),
            cards: convert::opportunity_rows(&state.db, column.cards).await?,
        });
    }
    Ok(out)
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
    opportunities_page(
        search,
        stage_id,
        owner_id,
        customer_id,
        status,
        sort,
        page,
        25,
    )
    .await
}

/// A page of the list (the list and its export).
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn opportunities_page(
    search: Option<String>,
    stage_id: Option<i64>,
    owner_id: Option<i64>,
    customer_id: Option<i64>,
    status: String,
    sort: String,
    page: u64,
    per_page: u64,
) -> Result<PageView<OpportunityRow>, AppError> {
    use tandem_domain::crm::opportunities::{self, OpportunityFilter, Status};
    let state = crate::ssr::state()?;
    let found = opportunities::list(
        &state.db,
        crate::ssr::actor().as_ref(),
        &OpportunityFilter {
            search,
            stage_id,
            owner_id,
            customer_id,
            status: match status.as_str() {
                "open" => Status::Open,
                "won" => Status::Won,
                "lost" => Status::Lost,
                _ => Status::Any,
            },
            sort,
            page,
            per_page,
            after: None,
        },
    )
    .await?;
    let (total, page, per_page) = (found.total, found.page, found.per_page);
    Ok(PageView {
        items: convert::opportunity_rows(&state.db, found.items).await?,
        total,
        page,
        per_page,
    })
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
    crate::exports::export(headers, |page| {
        opportunities_page(
            search.clone(),
            stage_id,
            owner_id,
            customer_id,
            status.clone(),
            sort.clone(),
            page,
            crate::exports::PAGE,
        )
    })
    .await
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
    use tandem_domain::{access::Permission, crm::opportunities};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    let o = opportunities::get(&state.db, actor.as_ref(), id).await?;
    let contact_id = o.contact_id;
    let amount_plain = convert::plain(o.amount_minor);
    let mut rows = convert::opportunity_rows(&state.db, vec![o]).await?;
    Ok(OpportunityView {
        row: rows.pop().ok_or(tandem_domain::Error::NotFound)?,
        contact_id,
        amount_plain,
        can_write: tandem_domain::access::policy::require(
            actor.as_ref(),
            Permission::OpportunitiesWrite,
        )
        .is_ok(),
    })
}

#[cfg(feature = "ssr")]
fn opportunity_input(
    form: OpportunityForm,
) -> Result<tandem_domain::crm::opportunities::OpportunityInput, AppError> {
    use tandem_domain::crm::opportunities::{check, OpportunityInput};
    let mut errors = tandem_domain::FieldErrors::new();
    let amount = convert::amount(&form.amount, "amount", &mut errors);
    let expected_close = convert::date(&form.expected_close, "expected_close", &mut errors);
    let probability = match form.probability.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(p) => Some(p),
            Err(_) => {
                errors.insert(
                    "probability".into(),
                    tandem_domain::messages::PROBABILITY_RANGE.into(),
                );
                None
            }
        },
    };
    convert::checked(
        errors,
        OpportunityInput {
            customer_id: form.customer_id,
            contact_id: id_or_none(form.contact_id),
            title: form.title,
            amount_minor: amount,
            currency: form.currency,
            expected_close,
            stage_id: id_or_none(form.stage_id),
            probability,
            owner_id: id_or_none(form.owner_id),
        },
        |i| {
            check(&OpportunityInput {
                expected_close: i
                    .expected_close
                    .or(chrono::NaiveDate::from_ymd_opt(2000, 1, 1)),
                ..i.clone()
            })
        },
    )
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
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::OpportunitiesWrite,
    )?;
    let input = opportunity_input(form)?;
    Ok(
        tandem_domain::crm::opportunities::create(&state.db, actor.as_ref(), &input)
            .await?
            .id,
    )
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
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::OpportunitiesWrite,
    )?;
    let input = opportunity_input(form)?;
    tandem_domain::crm::opportunities::update(&state.db, actor.as_ref(), id, &input).await?;
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
    tandem_domain::crm::opportunities::move_stage(
        &state.db,
        crate::ssr::actor().as_ref(),
        id,
        from,
        to,
        &lost_reason,
    )
    .await?;
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
    use tandem_domain::{
        crm::opportunities::{self, ForecastScope},
        money::format_minor,
    };
    let state = crate::ssr::state()?;
    let whose = match whose.as_str() {
        "team" => ForecastScope::Team,
        "all" => ForecastScope::All,
        _ => ForecastScope::Mine,
    };
    let today = chrono::Utc::now().date_naive();
    let rows =
        opportunities::forecast(&state.db, crate::ssr::actor().as_ref(), whose, today, 6).await?;
    Ok(rows
        .into_iter()
        .map(|r| ForecastRowView {
            month: r.month,
            currency: r.currency,
            open_count: r.open_count,
            open: format_minor(r.open_minor),
            weighted: format_minor(r.weighted_minor),
            won: format_minor(r.won_minor),
        })
        .collect())
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
    Ok(tandem_domain::crm::opportunities::reassign(
        &state.db,
        crate::ssr::actor().as_ref(),
        &ids,
        owner_id,
    )
    .await?)
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
    let found = tandem_domain::crm::customers::contacts_of(
        &state.db,
        crate::ssr::actor().as_ref(),
        customer_id,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|c| Choice {
            id: c.id,
            name: c.name,
        })
        .collect())
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
    use tandem_domain::crm::activities::{self, ActivityFilter, Status};
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
    let state = crate::ssr::state()?;
    let found = activities::list(
        &state.db,
        crate::ssr::actor().as_ref(),
        &ActivityFilter {
            search,
            kind,
            owner_id,
            customer_id,
            opportunity_id,
            status: match status.as_str() {
                "open" => Status::Open,
                "done" => Status::Done,
                _ => Status::Any,
            },
            sort,
            page,
            per_page,
            after: None,
        },
    )
    .await?;
    let (total, page, per_page) = (found.total, found.page, found.per_page);
    Ok(PageView {
        items: convert::activity_rows(&state.db, found.items).await?,
        total,
        page,
        per_page,
    })
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
    crate::exports::export(headers, |page| {
        activities_page(query.clone(), page, crate::exports::PAGE)
    })
    .await
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
    let day = tandem_domain::crm::activities::my_day(
        &state.db,
        crate::ssr::actor().as_ref(),
        chrono::Utc::now(),
        crate::ssr::tz_offset(),
    )
    .await?;
    Ok(MyDayView {
        overdue: convert::activity_rows(&state.db, day.overdue).await?,
        today: convert::activity_rows(&state.db, day.today).await?,
        upcoming: convert::activity_rows(&state.db, day.upcoming).await?,
    })
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
    use tandem_domain::crm::activities::{self, ActivityInput};
    let state = crate::ssr::state()?;
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::ActivitiesWrite,
    )?;
    let mut errors = tandem_domain::FieldErrors::new();
    let due_at = match form.due.trim() {
        "" => None,
        text => {
            let parsed = crate::ssr::parse_local(text);
            if parsed.is_none() {
                errors.insert("due".into(), tandem_domain::messages::DATE_INVALID.into());
            }
            parsed
        }
    };
    let input = convert::checked(
        errors,
        ActivityInput {
            kind: form.kind,
            subject: form.subject,
            body: form.body,
            due_at,
            done: form.done,
            customer_id: form.customer_id,
            contact_id: id_or_none(form.contact_id),
            opportunity_id: id_or_none(form.opportunity_id),
            owner_id: None,
        },
        activities::check,
    )?;
    activities::create(&state.db, actor.as_ref(), &input).await?;
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
    tandem_domain::crm::activities::complete(&state.db, crate::ssr::actor().as_ref(), id).await?;
    Ok(())
}

// ---- campaigns -------------------------------------------------------------

crate::authz!("/api/campaigns/list", Needs(CampaignsRead), JSON, r#"{}"#);
/// Campaigns with their results.
#[server(endpoint = "campaigns/list", input = Json)]
pub async fn list_campaigns() -> Result<Vec<CampaignRow>, AppError> {
    let state = crate::ssr::state()?;
    let found =
        tandem_domain::crm::campaigns::list(&state.db, crate::ssr::actor().as_ref()).await?;
    Ok(found.into_iter().map(convert::campaign_row).collect())
}

#[cfg(feature = "ssr")]
fn campaign_input(
    form: CampaignForm,
) -> Result<tandem_domain::crm::campaigns::CampaignInput, AppError> {
    use tandem_domain::crm::campaigns::{check, CampaignInput};
    let mut errors = tandem_domain::FieldErrors::new();
    let budget = convert::amount(&form.budget, "budget", &mut errors);
    let starts_on = convert::date(&form.starts_on, "starts_on", &mut errors);
    let ends_on = convert::date(&form.ends_on, "ends_on", &mut errors);
    convert::checked(
        errors,
        CampaignInput {
            name: form.name,
            channel: form.channel,
            budget_minor: budget,
            currency: form.currency,
            starts_on,
            ends_on,
        },
        check,
    )
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
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::CampaignsWrite,
    )?;
    let input = campaign_input(form)?;
    tandem_domain::crm::campaigns::create(&state.db, actor.as_ref(), &input).await?;
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
    let actor = crate::ssr::actor();
    tandem_domain::access::policy::require(
        actor.as_ref(),
        tandem_domain::access::Permission::CampaignsWrite,
    )?;
    let input = campaign_input(form)?;
    tandem_domain::crm::campaigns::update(&state.db, actor.as_ref(), id, &input).await?;
    Ok(())
}
