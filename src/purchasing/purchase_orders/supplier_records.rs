//! Supplier records: checking, creating, changing and listing suppliers.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use serde_json::json;

use crate::{
    access::{policy, Actor, Permission},
    entities::suppliers,
    messages, Error, FieldErrors, Result,
    {
        access::audit::{self, Entry, Who},
        access::scope::search_text,
        platform::outbox,
        platform::page::{paginate, Page},
    },
};

/// What the supplier form sends.
#[derive(Clone, Debug, Default)]
pub struct SupplierInput {
    /// Name (unique, ignoring case).
    pub name: String,
    /// Contact person.
    pub contact_name: String,
    /// E-mail (optional).
    pub email: String,
    /// Phone (optional).
    pub phone: String,
    /// Days from order to arrival, 0–365.
    pub lead_time_days: i32,
    /// ISO currency of its prices.
    pub currency: String,
    /// Notes.
    pub notes: String,
    /// Offered for new purchase orders.
    pub active: bool,
}

fn check_supplier(input: &SupplierInput) -> Result<SupplierInput> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), messages::MAX_200.into());
    }
    let contact_name = input.contact_name.trim().to_owned();
    if contact_name.chars().count() > 200 {
        errors.insert("contact_name".into(), messages::MAX_200.into());
    }
    let email = input.email.trim().to_owned();
    if !email.is_empty() && crate::access::users::validate_email(&email).is_err() {
        errors.insert("email".into(), messages::EMAIL_INVALID.into());
    }
    let phone = input.phone.trim().to_owned();
    if phone.chars().count() > 50 {
        errors.insert("phone".into(), messages::MAX_60.into());
    }
    if !(0..=365).contains(&input.lead_time_days) {
        errors.insert("lead_time_days".into(), messages::LEAD_TIME_RANGE.into());
    }
    let currency =
        crate::platform::normalize::currency_code(&input.currency).unwrap_or_else(|| {
            errors.insert("currency".into(), messages::CURRENCY_INVALID.into());
            String::new()
        });
    if input.notes.chars().count() > 2000 {
        errors.insert("notes".into(), messages::MAX_2000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(SupplierInput {
        name,
        contact_name,
        email,
        phone,
        currency,
        notes: input.notes.trim().to_owned(),
        ..input.clone()
    })
}

/// The key a supplier's name is unique and found by (the import looks
/// suppliers up by it): the name as entered, trimmed, in lower case.
pub fn supplier_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn name_taken(e: sea_orm::DbErr) -> Error {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            Error::field("name", messages::SUPPLIER_NAME_TAKEN)
        }
        _ => e.into(),
    }
}

/// Creates a supplier.
pub async fn create_supplier(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &SupplierInput,
) -> Result<suppliers::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let input = check_supplier(input)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let supplier = suppliers::ActiveModel {
        name: Set(input.name.clone()),
        name_key: Set(supplier_key(&input.name)),
        contact_name: Set(input.contact_name.clone()),
        email: Set(input.email.clone()),
        phone: Set(input.phone.clone()),
        lead_time_days: Set(input.lead_time_days),
        currency: Set(input.currency.clone()),
        notes: Set(input.notes.clone()),
        active: Set(input.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(name_taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "supplier.created",
            "supplier",
            Some(supplier.id.to_string()),
        )
        .after(json!({"name": supplier.name, "lead_time_days": supplier.lead_time_days})),
    )
    .await?;
    outbox::publish(
        &txn,
        "supplier.created",
        "supplier",
        supplier.id,
        json!({"name": supplier.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(supplier)
}

/// Changes a supplier.
pub async fn update_supplier(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    input: &SupplierInput,
) -> Result<suppliers::Model> {
    let actor = policy::require(actor, Permission::PurchasingWrite)?;
    let input = check_supplier(input)?;
    let txn = db.begin().await?;
    let before = suppliers::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut model: suppliers::ActiveModel = before.clone().into();
    model.name = Set(input.name.clone());
    model.name_key = Set(supplier_key(&input.name));
    model.contact_name = Set(input.contact_name.clone());
    model.email = Set(input.email.clone());
    model.phone = Set(input.phone.clone());
    model.lead_time_days = Set(input.lead_time_days);
    model.currency = Set(input.currency.clone());
    model.notes = Set(input.notes.clone());
    model.active = Set(input.active);
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await.map_err(name_taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("supplier.updated", "supplier", Some(id.to_string()))
            .before(json!({"name": before.name, "lead_time_days": before.lead_time_days, "active": before.active}))
            .after(json!({"name": after.name, "lead_time_days": after.lead_time_days, "active": after.active})),
    )
    .await?;
    outbox::publish(
        &txn,
        "supplier.updated",
        "supplier",
        id,
        json!({"name": after.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Creates a supplier (`id` none) or changes one.
pub async fn save_supplier(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: Option<i64>,
    input: &SupplierInput,
) -> Result<suppliers::Model> {
    match id {
        None => create_supplier(db, actor, input).await,
        Some(id) => update_supplier(db, actor, id, input).await,
    }
}

/// Suppliers by name (active ones only unless `all`), optionally matching `q`.
pub async fn suppliers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    q: Option<&str>,
    all: bool,
    page: u64,
    per_page: u64,
) -> Result<Page<suppliers::Model>> {
    policy::require(actor, Permission::PurchasingRead)?;
    let mut query = suppliers::Entity::find().order_by_asc(suppliers::Column::NameKey);
    if !all {
        query = query.filter(suppliers::Column::Active.eq(true));
    }
    if let Some(text) = search_text(q)? {
        query = query.filter(suppliers::Column::NameKey.contains(text.to_lowercase()));
    }
    paginate(db, query, page, per_page, 500).await
}
