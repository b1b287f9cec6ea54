//! Registering and changing endpoints: the endpoint form and its
//! validation, create, update, secret rotation and delete.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde_json::json;

use super::{
    list::{find, one_view, Endpoint},
    payload::random_secret,
    target::{Refusal, Targets},
    EVENT_TYPES, EVERY_EVENT,
};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, Actor, Permission,
    },
    entities::{webhook_deliveries, webhook_endpoints},
    messages, Error, FieldErrors, Result,
};

/// What the endpoint form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointInput {
    /// A name to tell endpoints apart.
    pub name: String,
    /// Where to POST (http or https).
    pub url: String,
    /// Event types; `*` is every type.
    pub event_types: Vec<String>,
    /// Whether deliveries are made.
    pub active: bool,
}

/// A new endpoint and its signing secret, shown once.
#[derive(Clone, Debug)]
pub struct Created {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The secret to verify signatures with.
    pub secret: String,
}

fn validate(input: &EndpointInput, targets: &Targets) -> Result<(String, String, String)> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), messages::MAX_100.into());
    }
    let url = input.url.trim().to_owned();
    let refusal = if url.len() > 2000 {
        Some(Refusal::Invalid)
    } else {
        targets.check(&url).err()
    };
    if let Some(refusal) = refusal {
        let message = match refusal {
            Refusal::Invalid => messages::WEBHOOK_URL_INVALID,
            Refusal::Credentials => messages::WEBHOOK_URL_CREDENTIALS,
            Refusal::Internal => messages::WEBHOOK_URL_INTERNAL,
        };
        errors.insert("url".into(), message.into());
    }
    let types: BTreeSet<String> = input
        .event_types
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        errors.insert(
            "event_types".into(),
            messages::WEBHOOK_EVENTS_REQUIRED.into(),
        );
    } else if types
        .iter()
        .any(|t| t != EVERY_EVENT && !EVENT_TYPES.contains(&t.as_str()))
    {
        errors.insert("event_types".into(), messages::WEBHOOK_EVENT_UNKNOWN.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    // `*` alone when it is chosen: every type includes the others.
    let types = if types.contains(EVERY_EVENT) {
        EVERY_EVENT.to_owned()
    } else {
        types.into_iter().collect::<Vec<_>>().join(",")
    };
    Ok((name, url, types))
}

/// Registers an endpoint (`admin.integrations`). It hears events written
/// from now on; its secret is returned once. Its address must be one
/// `targets` allows.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &EndpointInput,
    targets: &Targets,
    now: DateTime<Utc>,
) -> Result<Created> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let (name, url, types) = validate(input, targets)?;
    let secret = random_secret();
    let txn = db.begin().await?;
    let model = webhook_endpoints::ActiveModel {
        name: Set(name.clone()),
        url: Set(url.clone()),
        event_types: Set(types.clone()),
        secret: Set(secret.clone()),
        active: Set(input.active),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "webhook.created",
            "webhook_endpoint",
            Some(model.id.to_string()),
        )
        .after(json!({ "name": name, "url": url, "event_types": types, "active": input.active })),
    )
    .await?;
    txn.commit().await?;
    Ok(Created {
        endpoint: one_view(db, model).await?,
        secret,
    })
}

/// Changes an endpoint's name, address, event types or activity; the
/// address must be one `targets` allows.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &EndpointInput,
    targets: &Targets,
    now: DateTime<Utc>,
) -> Result<Endpoint> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let (name, url, types) = validate(input, targets)?;
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    let mut model: webhook_endpoints::ActiveModel = before.clone().into();
    model.name = Set(name.clone());
    model.url = Set(url.clone());
    model.event_types = Set(types.clone());
    model.active = Set(input.active);
    model.updated_at = Set(now);
    let model = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("webhook.updated", "webhook_endpoint", Some(id.to_string()))
            .before(json!({ "name": before.name, "url": before.url,
                "event_types": before.event_types, "active": before.active }))
            .after(
                json!({ "name": name, "url": url, "event_types": types, "active": input.active }),
            ),
    )
    .await?;
    txn.commit().await?;
    one_view(db, model).await
}

/// Gives an endpoint a new signing secret (returned once); deliveries from
/// now on are signed with it.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let txn = db.begin().await?;
    let mut model: webhook_endpoints::ActiveModel = find(&txn, id).await?.into();
    let secret = random_secret();
    model.secret = Set(secret.clone());
    model.updated_at = Set(now);
    model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "webhook.secret_rotated",
            "webhook_endpoint",
            Some(id.to_string()),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// Removes an endpoint and its delivery log.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminIntegrations)?;
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    webhook_deliveries::Entity::delete_many()
        .filter(webhook_deliveries::Column::EndpointId.eq(id))
        .exec(&txn)
        .await?;
    webhook_endpoints::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("webhook.deleted", "webhook_endpoint", Some(id.to_string()))
            .before(json!({ "name": before.name, "url": before.url })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_validated_field_by_field() {
        let bad = EndpointInput {
            name: " ".into(),
            url: "ftp://example.com/x".into(),
            event_types: vec!["order.nope".into()],
            active: true,
        };
        let Err(Error::Validation(errors)) = validate(&bad, &Targets::public_only()) else {
            panic!("expected validation errors");
        };
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["event_types", "name", "url"]
        );
        let good = EndpointInput {
            name: "Shop".into(),
            url: "https://shop.example.com/hooks".into(),
            event_types: vec!["order.shipped".into(), "*".into()],
            active: true,
        };
        assert_eq!(
            validate(&good, &Targets::public_only()).ok().map(|v| v.2),
            Some("*".to_owned())
        );
    }
}
