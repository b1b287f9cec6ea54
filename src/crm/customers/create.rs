//! Creating a customer: from the form, inside a lead conversion, from the
//! public support form and for the demo; its code and its audit entry.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{
    contacts::{validate_contact, ContactInput},
    input::{check_owner, validate, CustomerInput, Valid},
    snapshot,
};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, Actor, Permission,
    },
    entities::{contacts, customers},
    platform::normalize::{name_key, phone_key, tax_key},
    Error, Result,
};

/// Creates a customer owned by `input.owner_id` (or the actor). Needs
/// `customers.write`; assigning another owner needs `customers.read_all`.
/// The code is `CUS-` and the id, unique under concurrency.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &CustomerInput,
) -> Result<customers::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let valid = validate(input)?;
    let owner = input.owner_id.unwrap_or(actor.user_id);
    if owner != actor.user_id && !actor.has(Permission::CustomersReadAll) {
        return Err(Error::Forbidden);
    }
    let txn = db.begin().await?;
    check_owner(&txn, Some(owner)).await?;
    let created = insert(&txn, &valid, Some(owner), Who::Actor(actor)).await?;
    txn.commit().await?;
    Ok(created)
}

/// Validates and inserts a customer for `owner` inside the caller's
/// transaction (lead conversion); the caller has checked permissions.
pub(crate) async fn insert_checked(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    input: &CustomerInput,
    owner: i64,
) -> Result<customers::Model> {
    let valid = validate(input)?;
    check_owner(txn, Some(owner)).await?;
    insert(txn, &valid, Some(owner), Who::Actor(actor)).await
}

/// Inserts a validated customer, gives it its code and audits it, inside
/// the caller's transaction.
async fn insert(
    txn: &impl ConnectionTrait,
    valid: &Valid,
    owner: Option<i64>,
    who: Who<'_>,
) -> Result<customers::Model> {
    let now = Utc::now();
    // A unique placeholder until the id is known; the code is derived from the id.
    let placeholder = format!("TMP-{}", uuid::Uuid::new_v4().simple());
    let row = customers::ActiveModel {
        code: Set(placeholder),
        owner_id: Set(owner),
        archived: Set(false),
        created_at: Set(now),
        ..apply(<customers::ActiveModel as Default>::default(), valid, now)
    };
    let id = customers::Entity::insert(row)
        .exec(txn)
        .await?
        .last_insert_id;
    let mut model: customers::ActiveModel = customers::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound)?
        .into();
    model.code = Set(format!("CUS-{id:06}"));
    let created = model.update(txn).await?;
    audit::record(
        txn,
        who,
        Entry::new("customer.created", "customer", Some(id.to_string())).after(snapshot(&created)),
    )
    .await?;
    Ok(created)
}

/// Creates a customer nobody owns yet, from the public support form,
/// tagged `to-review` so that sales can review it (no permission check:
/// the form is public; the caller validated the requester).
pub(crate) async fn insert_for_review(
    txn: &impl ConnectionTrait,
    input: &CustomerInput,
) -> Result<customers::Model> {
    let valid = validate(input)?;
    insert(txn, &valid, None, Who::System).await
}

/// Creates demo customers for `owner` (no permission check; `seed-demo` only).
pub(crate) async fn insert_demo(
    txn: &impl ConnectionTrait,
    owner: i64,
    input: &CustomerInput,
    contacts: &[ContactInput],
) -> Result<()> {
    let valid = validate(input)?;
    let created = insert(txn, &valid, Some(owner), Who::System).await?;
    let now = Utc::now();
    for contact in contacts {
        let (name, title, email, phone) = validate_contact(contact)?;
        let row = contacts::ActiveModel {
            customer_id: Set(created.id),
            name: Set(name),
            title: Set(title),
            email: Set(email),
            phone: Set(phone),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        contacts::Entity::insert(row)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

pub(super) fn apply(
    mut model: customers::ActiveModel,
    valid: &Valid,
    now: chrono::DateTime<Utc>,
) -> customers::ActiveModel {
    model.kind = Set(valid.kind.to_owned());
    model.name = Set(valid.name.clone());
    model.name_key = Set(name_key(&valid.name));
    model.email = Set(valid.email.clone());
    model.email_key = Set(valid.email.as_ref().map(|e| e.to_lowercase()));
    model.phone = Set(valid.phone.clone());
    model.phone_key = Set(valid.phone.as_deref().map(phone_key));
    model.address = Set(valid.address.clone());
    model.tax_id = Set(valid.tax_id.clone());
    model.tax_key = Set(valid.tax_id.as_deref().map(tax_key));
    model.segment = Set(valid.segment.clone());
    model.tags = Set(valid.tags.clone());
    model.credit_limit_minor = Set(valid.credit_limit_minor);
    model.currency = Set(valid.currency.clone());
    model.payment_terms_days = Set(valid.payment_terms_days);
    model.notes = Set(valid.notes.clone());
    model.updated_at = Set(now);
    model
}
