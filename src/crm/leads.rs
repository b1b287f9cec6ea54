//! Leads: prospects with a source and maybe a campaign. A new lead is
//! qualified or disqualified (with a reason); a qualified lead converts in
//! one transaction into a customer (new or existing), a contact and an
//! opportunity. Converting twice at once converts once.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission, Scope},
    entities::{campaigns, leads},
    Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::scope,
        access::users::validate_email,
        crm::customers::{self, optional, CustomerInput},
        crm::duplicates,
        crm::opportunities::{self, OpportunityInput},
        crm::timeline::{self, Event},
        platform::normalize::{self, name_key, normalize_phone, phone_key},
        platform::page::{paginate_after, Page},
    },
};

mod views;

pub use self::views::{detail, rows, LeadDetail, LeadRow};

/// Where leads come from.
pub const SOURCES: &[&str] = &["web", "referral", "campaign", "event", "other"];
/// The states of a lead.
pub const STATUSES: &[&str] = &["new", "qualified", "disqualified", "converted"];

/// What a lead form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeadInput {
    /// Person's name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// One of [`SOURCES`].
    pub source: String,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Owner (the actor when none).
    pub owner_id: Option<i64>,
}

struct Valid {
    name: String,
    company: String,
    email: Option<String>,
    phone: Option<String>,
    source: &'static str,
}

fn validate(input: &LeadInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), crate::messages::MAX_200.into());
    }
    let company = input.company.trim().to_owned();
    if company.chars().count() > 200 {
        errors.insert("company".into(), crate::messages::MAX_200.into());
    }
    let email = optional(&input.email).and_then(|e| match validate_email(&e) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.insert("email".into(), crate::messages::EMAIL_INVALID.into());
            None
        }
    });
    let phone = optional(&input.phone).and_then(|p| match normalize_phone(&p) {
        Some(p) => Some(p),
        None => {
            errors.insert("phone".into(), crate::messages::PHONE_INVALID.into());
            None
        }
    });
    let source = SOURCES.iter().copied().find(|s| *s == input.source.trim());
    if source.is_none() {
        errors.insert("source".into(), crate::messages::SOURCE_INVALID.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Valid {
        name,
        company,
        email,
        phone,
        source: source.unwrap_or("other"),
    })
}

/// Checks a lead's fields without saving.
pub fn check(input: &LeadInput) -> Result<()> {
    validate(input).map(|_| ())
}

/// The record scope for leads (also asked by the views derived from them).
pub(crate) fn scope_of(actor: &Actor) -> Result<Scope> {
    crate::access::scope::records::scope(actor, crate::access::scope::records::Kind::Lead)
}

async fn check_campaign(db: &impl ConnectionTrait, campaign: Option<i64>) -> Result<()> {
    if let Some(id) = campaign {
        if campaigns::Entity::find_by_id(id).one(db).await?.is_none() {
            return Err(Error::field(
                "campaign_id",
                crate::messages::CAMPAIGN_MISSING,
            ));
        }
    }
    Ok(())
}

fn snapshot(l: &leads::Model) -> serde_json::Value {
    json!({
        "name": l.name, "company": l.company, "email": l.email, "phone": l.phone,
        "source": l.source, "campaign_id": l.campaign_id, "status": l.status,
        "disqualify_reason": l.disqualify_reason, "owner_id": l.owner_id,
        "customer_id": l.customer_id, "opportunity_id": l.opportunity_id,
    })
}

fn apply(mut model: leads::ActiveModel, valid: &Valid, input: &LeadInput) -> leads::ActiveModel {
    model.name = Set(valid.name.clone());
    model.name_key = Set(name_key(&valid.name));
    model.company = Set(valid.company.clone());
    model.email = Set(valid.email.clone());
    model.email_key = Set(valid.email.as_ref().map(|e| e.to_lowercase()));
    model.phone = Set(valid.phone.clone());
    model.phone_key = Set(valid.phone.as_deref().map(phone_key));
    model.source = Set(valid.source.to_owned());
    model.campaign_id = Set(input.campaign_id);
    model.updated_at = Set(Utc::now());
    model
}

/// Creates a new lead.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &LeadInput,
) -> Result<leads::Model> {
    let actor = policy::require(actor, Permission::LeadsWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    check_campaign(&txn, input.campaign_id).await?;
    let owner = scope::assignee(&txn, actor, input.owner_id, Permission::LeadsReadAll).await?;
    let now = Utc::now();
    let model = leads::ActiveModel {
        status: Set("new".into()),
        disqualify_reason: Set(String::new()),
        owner_id: Set(Some(owner)),
        created_at: Set(now),
        ..apply(Default::default(), &valid, input)
    };
    let created = model.insert(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("lead.created", "lead", Some(created.id.to_string())).after(snapshot(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// One lead in the actor's scope.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<leads::Model> {
    let scope = scope_of(actor)?;
    leads::Entity::find_by_id(id)
        .filter(scope::owned(scope, leads::Column::OwnerId))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// Edits a lead that is not yet converted or disqualified.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    input: &LeadInput,
) -> Result<leads::Model> {
    let actor = policy::require(actor, Permission::LeadsWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    if before.status == "converted" || before.status == "disqualified" {
        return Err(Error::Conflict(crate::messages::LEAD_CLOSED.into()));
    }
    check_campaign(&txn, input.campaign_id).await?;
    let mut model = apply(before.clone().into(), &valid, input);
    if let Some(owner) = input.owner_id.filter(|o| Some(*o) != before.owner_id) {
        model.owner_id = Set(Some(
            scope::assignee(&txn, actor, Some(owner), Permission::LeadsReadAll).await?,
        ));
    }
    let after = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("lead.updated", "lead", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Moves a lead from one of `from` to `to`, only if it is still in one of
/// them (so concurrent changes cannot both happen).
async fn transition(
    txn: &impl ConnectionTrait,
    id: i64,
    from: &[&str],
    to: &str,
    reason: &str,
) -> Result<bool> {
    let done = leads::Entity::update_many()
        .col_expr(leads::Column::Status, to.into())
        .col_expr(leads::Column::DisqualifyReason, reason.into())
        .col_expr(leads::Column::UpdatedAt, Utc::now().into())
        .filter(leads::Column::Id.eq(id))
        .filter(leads::Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Qualifies a new lead; returns it qualified (qualifying it again changes
/// nothing).
pub async fn qualify(db: &impl crate::db::Tx, actor: &Actor, id: i64) -> Result<leads::Model> {
    let actor = policy::require(actor, Permission::LeadsWrite)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    if before.status == "qualified" {
        return Ok(before);
    }
    if !transition(&txn, id, &["new"], "qualified", "").await? {
        return Err(Error::Conflict(crate::messages::LEAD_NOT_NEW.into()));
    }
    let after = leads::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("lead.qualified", "lead", Some(id.to_string()))
            .before(json!({ "status": before.status }))
            .after(json!({ "status": "qualified" })),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Disqualifies a new or qualified lead, with a reason.
pub async fn disqualify(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<()> {
    let actor = policy::require(actor, Permission::LeadsWrite)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::field("reason", crate::messages::REASON_REQUIRED));
    }
    if reason.chars().count() > 500 {
        return Err(Error::field("reason", crate::messages::MAX_500));
    }
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    if !transition(&txn, id, &["new", "qualified"], "disqualified", reason).await? {
        return Err(Error::Conflict(crate::messages::LEAD_CLOSED.into()));
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("lead.disqualified", "lead", Some(id.to_string()))
            .before(json!({ "status": before.status }))
            .after(json!({ "status": "disqualified", "reason": reason })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What converting a lead creates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConvertInput {
    /// Attach to this existing customer instead of creating one.
    pub customer_id: Option<i64>,
    /// The opportunity's title.
    pub title: String,
    /// Its amount in minor units.
    pub amount_minor: i64,
    /// Its currency.
    pub currency: String,
    /// Its expected close date.
    pub expected_close: Option<NaiveDate>,
}

/// The opportunity a conversion creates, before its customer is known.
fn opportunity_of(input: &ConvertInput) -> OpportunityInput {
    OpportunityInput {
        customer_id: 0,
        title: input.title.clone(),
        amount_minor: input.amount_minor,
        currency: input.currency.clone(),
        expected_close: input.expected_close,
        ..Default::default()
    }
}

/// Checks a conversion's fields (those of the opportunity it creates)
/// without saving.
pub fn check_conversion(input: &ConvertInput) -> Result<()> {
    opportunities::check(&opportunity_of(input))
}

/// What a conversion created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Converted {
    /// The customer (new or existing).
    pub customer_id: i64,
    /// The contact, when the customer is a company.
    pub contact_id: Option<i64>,
    /// The opportunity.
    pub opportunity_id: i64,
}

/// Converts a qualified lead, in one transaction, into a customer (a
/// company named after the lead's company, or the person; or an existing
/// customer), a contact at that company, and an opportunity owned by the
/// lead's owner and attributed to its campaign.
pub async fn convert(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &ConvertInput,
) -> Result<Converted> {
    let actor = policy::require(actor, Permission::LeadsWrite)?;
    policy::require(actor, Permission::OpportunitiesWrite)?;
    let opportunity = opportunity_of(input);
    opportunities::check(&opportunity)?;
    let txn = db.begin().await?;
    let lead = get(&txn, actor, id).await?;
    match lead.status.as_str() {
        "qualified" => {}
        "new" => return Err(Error::Conflict(crate::messages::LEAD_NOT_QUALIFIED.into())),
        _ => return Err(Error::Conflict(crate::messages::LEAD_CLOSED.into())),
    }
    if !transition(&txn, id, &["qualified"], "converted", "").await? {
        return Err(Error::Conflict(crate::messages::LEAD_CLOSED.into()));
    }
    let owner = lead.owner_id.unwrap_or(actor.user_id);
    let customer = match input.customer_id {
        Some(existing) => customers::get(&txn, actor, existing)
            .await
            .map_err(|e| match e {
                Error::NotFound => Error::field("customer_id", crate::messages::CUSTOMER_MISSING),
                other => other,
            })?,
        None => {
            policy::require(actor, Permission::CustomersWrite)?;
            let company = !lead.company.is_empty();
            let new = CustomerInput {
                kind: if company { "company" } else { "person" }.into(),
                name: if company {
                    lead.company.clone()
                } else {
                    lead.name.clone()
                },
                email: if company {
                    String::new()
                } else {
                    lead.email.clone().unwrap_or_default()
                },
                phone: if company {
                    String::new()
                } else {
                    lead.phone.clone().unwrap_or_default()
                },
                currency: input.currency.clone(),
                payment_terms_days: 30,
                ..Default::default()
            };
            customers::insert_checked(&txn, actor, &new, owner).await?
        }
    };
    let contact_id = if customer.kind == "company" {
        Some(
            customers::insert_contact(
                &txn,
                actor,
                customer.id,
                &customers::ContactInput {
                    name: lead.name.clone(),
                    title: String::new(),
                    email: lead.email.clone().unwrap_or_default(),
                    phone: lead.phone.clone().unwrap_or_default(),
                },
            )
            .await?
            .id,
        )
    } else {
        None
    };
    let created = opportunities::insert_in(
        &txn,
        actor,
        &OpportunityInput {
            customer_id: customer.id,
            contact_id,
            owner_id: Some(owner),
            ..opportunity
        },
        lead.campaign_id,
    )
    .await?;
    let mut model: leads::ActiveModel = lead.clone().into();
    model.customer_id = Set(Some(customer.id));
    model.opportunity_id = Set(Some(created.id));
    model.status = Set("converted".into());
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("lead.converted", "lead", Some(id.to_string()))
            .before(snapshot(&lead))
            .after(snapshot(&after)),
    )
    .await?;
    timeline::append(
        &txn,
        Some(actor.user_id),
        Event {
            customer_id: customer.id,
            kind: "lead.converted",
            summary: lead.name.clone(),
            link: format!("/leads/{id}"),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Converted {
        customer_id: customer.id,
        contact_id,
        opportunity_id: created.id,
    })
}

/// Filters for the leads list.
#[derive(Clone, Debug, Default)]
pub struct LeadFilter {
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
    /// `-created` (default), `created`, `name`.
    pub sort: String,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// API cursor: only rows with an id above this, in id order (see `page::paginate_after`).
    pub after: Option<i64>,
}

/// Leads in the actor's scope matching the filter.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &LeadFilter,
) -> Result<Page<leads::Model>> {
    let scope = scope_of(actor)?;
    use leads::Column as C;
    let mut condition = scope::owned(scope, C::OwnerId);
    if let Some(text) = scope::search_text(filter.search.as_deref())? {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let mut any = Condition::any()
            .add(scope::prefix(C::NameKey, &name_key(&text)))
            .add(scope::prefix(C::EmailKey, &text))
            .add(C::Company.contains(text.clone()));
        if digits.len() >= 3 {
            any = any.add(scope::prefix(C::PhoneKey, &digits));
        }
        condition = condition.add(any);
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        condition = condition.add(C::Status.eq(status));
    }
    if let Some(source) = filter.source.as_deref().filter(|s| !s.is_empty()) {
        condition = condition.add(C::Source.eq(source));
    }
    if let Some(campaign) = filter.campaign_id {
        condition = condition.add(C::CampaignId.eq(campaign));
    }
    if let Some(owner) = filter.owner_id {
        condition = condition.add(C::OwnerId.eq(owner));
    }
    let query = leads::Entity::find().filter(condition);
    let query = match filter.sort.as_str() {
        "created" => query.order_by_asc(C::CreatedAt).order_by_asc(C::Id),
        "name" => query.order_by_asc(C::NameKey).order_by_asc(C::Id),
        _ => query.order_by_desc(C::CreatedAt).order_by_desc(C::Id),
    };
    paginate_after(
        db,
        query,
        leads::Column::Id,
        filter.after,
        filter.page,
        filter.per_page,
        100,
    )
    .await
}

/// A likely duplicate of a lead being entered: an existing lead or customer.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadDuplicate {
    /// `lead` or `customer`.
    pub kind: &'static str,
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Why: `email`, `phone`, `name`.
    pub reasons: Vec<&'static str>,
}

/// Leads (in the actor's lead scope) and customers (in their customer
/// scope, when they may see customers) that look like the lead being
/// entered, found and ranked as [`customers::find_duplicates`] does (leads
/// before customers on a tie, then by id). An input longer than a lead may
/// be is refused before any work.
pub async fn find_duplicates(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: &LeadInput,
    except: Option<i64>,
) -> Result<Vec<LeadDuplicate>> {
    use crate::messages::{EMAIL_INVALID, MAX_200, PHONE_INVALID};
    use leads::Column as C;
    let scope = scope_of(actor)?;
    duplicates::check_lengths(&[
        ("name", input.name.as_str(), 200, MAX_200),
        ("company", input.company.as_str(), 200, MAX_200),
        ("email", input.email.as_str(), 254, EMAIL_INVALID),
        ("phone", input.phone.as_str(), 40, PHONE_INVALID),
    ])?;
    let email = optional(&input.email).map(|e| e.to_lowercase());
    let phone = optional(&input.phone)
        .and_then(|p| normalize_phone(&p))
        .map(|p| phone_key(&p));
    let key = name_key(&input.name);
    let mut base = leads::Entity::find().filter(scope::owned(scope, C::OwnerId));
    if let Some(id) = except {
        base = base.filter(C::Id.ne(id));
    }
    let found = duplicates::candidates(
        db,
        base,
        C::Id,
        &[
            (C::EmailKey, email.as_deref()),
            (C::PhoneKey, phone.as_deref()),
        ],
        (C::NameKey, key.as_str()),
    )
    .await?;
    // Each lead once, however many ways it was found.
    let found: std::collections::BTreeMap<i64, leads::Model> =
        found.into_iter().map(|l| (l.id, l)).collect();
    let mut ranked: Vec<duplicates::Ranked<LeadDuplicate>> = found
        .into_values()
        .filter_map(|l| {
            let mut reasons = Vec::new();
            if email.is_some() && l.email_key == email {
                reasons.push("email");
            }
            if phone.is_some() && l.phone_key == phone {
                reasons.push("phone");
            }
            let exact_keys = reasons.len();
            let same_name = !key.is_empty() && l.name_key == key;
            let similarity = normalize::similarity(&key, &l.name_key);
            if same_name || similarity >= normalize::SIMILAR {
                reasons.push("name");
            }
            (!reasons.is_empty()).then_some(duplicates::Ranked {
                exact_keys,
                same_name,
                similarity,
                item: LeadDuplicate {
                    kind: "lead",
                    id: l.id,
                    name: l.name,
                    reasons,
                },
            })
        })
        .collect();
    if customers::abilities(actor).read {
        let as_customer = CustomerInput {
            name: if input.company.trim().is_empty() {
                input.name.clone()
            } else {
                input.company.clone()
            },
            email: input.email.clone(),
            phone: input.phone.clone(),
            ..Default::default()
        };
        let customer_key = name_key(&as_customer.name);
        for d in customers::find_duplicates(db, actor, &as_customer, None).await? {
            let reasons: Vec<&'static str> =
                d.reasons.into_iter().filter(|r| *r != "tax_id").collect();
            let other = name_key(&d.name);
            ranked.push(duplicates::Ranked {
                exact_keys: reasons.iter().filter(|r| **r != "name").count(),
                same_name: !customer_key.is_empty() && other == customer_key,
                similarity: normalize::similarity(&customer_key, &other),
                item: LeadDuplicate {
                    kind: "customer",
                    id: d.id,
                    name: d.name,
                    reasons,
                },
            });
        }
    }
    Ok(duplicates::ranked(ranked, |a, b| {
        (a.kind != "lead")
            .cmp(&(b.kind != "lead"))
            .then(a.id.cmp(&b.id))
    }))
}

/// Gives leads to another owner; each must be in scope.
pub async fn reassign(
    db: &DatabaseConnection,
    actor: &Actor,
    ids: &[i64],
    owner: i64,
) -> Result<u64> {
    let actor = policy::require(actor, Permission::LeadsWrite)?;
    customers::check_selection(ids)?;
    let txn = db.begin().await?;
    let owner = scope::assignee(&txn, actor, Some(owner), Permission::LeadsReadAll).await?;
    for id in ids {
        let before = get(&txn, actor, *id).await?;
        let mut model: leads::ActiveModel = before.clone().into();
        model.owner_id = Set(Some(owner));
        model.updated_at = Set(Utc::now());
        model.update(&txn).await?;
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("lead.reassigned", "lead", Some(id.to_string()))
                .before(json!({ "owner_id": before.owner_id }))
                .after(json!({ "owner_id": owner })),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(ids.len() as u64)
}
