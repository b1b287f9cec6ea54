//! The contacts of a company customer: their form and validation, and
//! listing, adding, changing and removing them, each change audited.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use super::{input::optional, overview::get};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy,
        users::validate_email,
        Actor, Permission,
    },
    entities::contacts,
    platform::normalize::normalize_phone,
    Error, FieldErrors, Result,
};

/// What a contact form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactInput {
    /// Name.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}

pub(super) fn validate_contact(
    input: &ContactInput,
) -> Result<(String, String, Option<String>, Option<String>)> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), crate::messages::MAX_200.into());
    }
    if input.title.trim().chars().count() > 100 {
        errors.insert("title".into(), crate::messages::MAX_100.into());
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
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok((name, input.title.trim().to_owned(), email, phone))
}

/// The contacts of a customer in scope, by name.
pub async fn contacts_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
) -> Result<Vec<contacts::Model>> {
    get(db, actor, customer_id).await?;
    Ok(contacts::Entity::find()
        .filter(contacts::Column::CustomerId.eq(customer_id))
        .order_by_asc(contacts::Column::Name)
        .all(db)
        .await?)
}

/// Adds a contact to a company customer. Needs `customers.write`.
pub async fn add_contact(
    db: &impl crate::db::Tx,
    actor: &Actor,
    customer_id: i64,
    input: &ContactInput,
) -> Result<contacts::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    validate_contact(input)?;
    let txn = db.begin().await?;
    let created = insert_contact(&txn, actor, customer_id, input).await?;
    txn.commit().await?;
    Ok(created)
}

/// Inserts a contact of a company in the actor's scope, inside the
/// caller's transaction, audited.
pub(crate) async fn insert_contact(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    customer_id: i64,
    input: &ContactInput,
) -> Result<contacts::Model> {
    let (name, title, email, phone) = validate_contact(input)?;
    let customer = get(txn, actor, customer_id).await?;
    if customer.kind != "company" {
        return Err(Error::field(
            "customer",
            crate::messages::CONTACTS_COMPANY_ONLY,
        ));
    }
    let now = Utc::now();
    let row = contacts::ActiveModel {
        customer_id: Set(customer_id),
        name: Set(name),
        title: Set(title),
        email: Set(email),
        phone: Set(phone),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = contacts::Entity::insert(row)
        .exec(txn)
        .await?
        .last_insert_id;
    let created = contacts::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(
        txn,
        Who::Actor(actor),
        Entry::new("contact.created", "customer", Some(customer_id.to_string()))
            .after(json!({ "contact_id": id, "name": created.name, "email": created.email, "phone": created.phone })),
    )
    .await?;
    Ok(created)
}

/// Changes a contact of a customer in scope. Needs `customers.write`.
pub async fn update_contact(
    db: &impl crate::db::Tx,
    actor: &Actor,
    contact_id: i64,
    input: &ContactInput,
) -> Result<contacts::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let (name, title, email, phone) = validate_contact(input)?;
    let txn = db.begin().await?;
    let contact = contacts::Entity::find_by_id(contact_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    get(&txn, actor, contact.customer_id).await?;
    let before = json!({ "name": contact.name, "title": contact.title, "email": contact.email, "phone": contact.phone });
    let customer_id = contact.customer_id;
    let mut row: contacts::ActiveModel = contact.into();
    row.name = Set(name);
    row.title = Set(title);
    row.email = Set(email);
    row.phone = Set(phone);
    row.updated_at = Set(Utc::now());
    let updated = row.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("contact.updated", "customer", Some(customer_id.to_string()))
            .before(before)
            .after(json!({ "contact_id": contact_id, "name": updated.name, "title": updated.title, "email": updated.email, "phone": updated.phone })),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Removes a contact. Needs `customers.write`.
pub async fn remove_contact(db: &DatabaseConnection, actor: &Actor, contact_id: i64) -> Result<()> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let txn = db.begin().await?;
    let contact = contacts::Entity::find_by_id(contact_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    get(&txn, actor, contact.customer_id).await?;
    contacts::Entity::delete_by_id(contact_id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "contact.removed",
            "customer",
            Some(contact.customer_id.to_string()),
        )
        .before(json!({ "contact_id": contact_id, "name": contact.name, "email": contact.email })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
