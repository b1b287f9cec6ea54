//! Campaigns: where leads come from, and what they brought (leads,
//! conversions, won amount).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::{campaigns, leads, opportunities, pipeline_stages},
    Error, FieldErrors, Result,
};

/// The channels a campaign runs on.
pub const CHANNELS: &[&str] = &["email", "web", "event", "social", "print", "other"];

/// What a campaign form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignInput {
    /// Name.
    pub name: String,
    /// One of [`CHANNELS`].
    pub channel: String,
    /// Budget in minor units.
    pub budget_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
}

fn validate(input: &CampaignInput) -> Result<(String, &'static str, String, NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), crate::messages::MAX_200.into());
    }
    let channel = CHANNELS
        .iter()
        .copied()
        .find(|c| *c == input.channel.trim());
    if channel.is_none() {
        errors.insert("channel".into(), crate::messages::CHANNEL_INVALID.into());
    }
    if input.budget_minor < 0 {
        errors.insert("budget".into(), crate::messages::NOT_NEGATIVE.into());
    }
    let currency =
        crate::platform::normalize::currency_code(&input.currency).unwrap_or_else(|| {
            errors.insert("currency".into(), crate::messages::CURRENCY_INVALID.into());
            String::new()
        });
    if input.starts_on.is_none() {
        errors.insert("starts_on".into(), crate::messages::DATE_INVALID.into());
    }
    if input.ends_on.is_none() {
        errors.insert("ends_on".into(), crate::messages::DATE_INVALID.into());
    }
    if let (Some(s), Some(e)) = (input.starts_on, input.ends_on) {
        if e < s {
            errors.insert("ends_on".into(), crate::messages::DATES_ORDER.into());
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok((
        name,
        channel.unwrap_or("other"),
        currency,
        input.starts_on.unwrap_or_default(),
        input.ends_on.unwrap_or_default(),
    ))
}

/// Checks a campaign's fields without saving.
pub fn check(input: &CampaignInput) -> Result<()> {
    validate(input).map(|_| ())
}

fn snapshot(c: &campaigns::Model) -> serde_json::Value {
    json!({ "name": c.name, "channel": c.channel, "budget_minor": c.budget_minor, "currency": c.currency,
        "starts_on": c.starts_on.to_string(), "ends_on": c.ends_on.to_string() })
}

/// Creates a campaign.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &CampaignInput,
) -> Result<campaigns::Model> {
    let actor = policy::require(actor, Permission::CampaignsWrite)?;
    let (name, channel, currency, starts_on, ends_on) = validate(input)?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let created = campaigns::ActiveModel {
        name: Set(name),
        channel: Set(channel.to_owned()),
        budget_minor: Set(input.budget_minor),
        currency: Set(currency),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("campaign.created", "campaign", Some(created.id.to_string()))
            .after(snapshot(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Edits a campaign.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &CampaignInput,
) -> Result<campaigns::Model> {
    let actor = policy::require(actor, Permission::CampaignsWrite)?;
    let (name, channel, currency, starts_on, ends_on) = validate(input)?;
    let txn = db.begin().await?;
    let before = campaigns::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut model: campaigns::ActiveModel = before.clone().into();
    model.name = Set(name);
    model.channel = Set(channel.to_owned());
    model.budget_minor = Set(input.budget_minor);
    model.currency = Set(currency);
    model.starts_on = Set(starts_on);
    model.ends_on = Set(ends_on);
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("campaign.updated", "campaign", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// A campaign with what it brought.
#[derive(Clone, Debug)]
pub struct CampaignStats {
    /// The campaign.
    pub campaign: campaigns::Model,
    /// Leads attributed to it.
    pub leads: u64,
    /// Of those, converted.
    pub converted: u64,
    /// Σ amount of won opportunities from its leads, in minor units.
    pub won_minor: i64,
}

/// Every campaign, newest first, with its results. Needs `campaigns.read`.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<CampaignStats>> {
    policy::require(actor, Permission::CampaignsRead)?;
    let found = campaigns::Entity::find()
        .order_by_desc(campaigns::Column::StartsOn)
        .order_by_desc(campaigns::Column::Id)
        .all(db)
        .await?;
    let lead_rows: Vec<(Option<i64>, String)> = leads::Entity::find()
        .select_only()
        .column(leads::Column::CampaignId)
        .column(leads::Column::Status)
        .filter(leads::Column::CampaignId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i64, (u64, u64)> = HashMap::new();
    for (campaign, status) in lead_rows {
        if let Some(c) = campaign {
            let entry = counts.entry(c).or_default();
            entry.0 += 1;
            if status == "converted" {
                entry.1 += 1;
            }
        }
    }
    let won: Vec<i64> = pipeline_stages::Entity::find()
        .filter(pipeline_stages::Column::IsWon.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let won_rows: Vec<(Option<i64>, i64)> = opportunities::Entity::find()
        .select_only()
        .column(opportunities::Column::CampaignId)
        .column(opportunities::Column::AmountMinor)
        .filter(opportunities::Column::CampaignId.is_not_null())
        .filter(opportunities::Column::StageId.is_in(won))
        .into_tuple()
        .all(db)
        .await?;
    let mut won_by: HashMap<i64, i64> = HashMap::new();
    for (campaign, amount) in won_rows {
        if let Some(c) = campaign {
            *won_by.entry(c).or_default() += amount;
        }
    }
    Ok(found
        .into_iter()
        .map(|campaign| {
            let (leads, converted) = counts.get(&campaign.id).copied().unwrap_or_default();
            CampaignStats {
                won_minor: won_by.get(&campaign.id).copied().unwrap_or_default(),
                leads,
                converted,
                campaign,
            }
        })
        .collect())
}

/// One campaign. Needs `campaigns.read`.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<campaigns::Model> {
    policy::require(actor, Permission::CampaignsRead)?;
    campaigns::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}
