//! Warehouses: where stock is kept. Archived (inactive), never deleted.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::warehouses,
    messages, Error, FieldErrors, Result,
};

/// What the warehouse form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WarehouseInput {
    /// Short code (`MAIN`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Active.
    pub active: bool,
}

/// Who may see warehouses: anyone who works with products, stock or orders.
const READERS: &[Permission] = &[
    Permission::StockRead,
    Permission::ProductsRead,
    Permission::OrdersRead,
];

fn validate(input: &WarehouseInput) -> Result<(String, String)> {
    let mut errors = FieldErrors::new();
    let code = input.code.trim().to_uppercase();
    if code.is_empty()
        || code.len() > 20
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        errors.insert("code".into(), messages::WAREHOUSE_CODE_INVALID.into());
    }
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), messages::MAX_200.into());
    }
    if input.address.chars().count() > 1000 {
        errors.insert("address".into(), messages::MAX_1024.into());
    }
    if errors.is_empty() {
        Ok((code, name))
    } else {
        Err(Error::Validation(errors))
    }
}

fn taken(err: sea_orm::DbErr) -> Error {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::field("code", messages::WAREHOUSE_CODE_TAKEN)
        }
        _ => err.into(),
    }
}

fn snapshot(w: &warehouses::Model) -> serde_json::Value {
    json!({"code": w.code, "name": w.name, "address": w.address, "active": w.active})
}

/// Every warehouse (active first), for pickers and the stock pages.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<warehouses::Model>> {
    policy::require_any(actor, READERS)?;
    Ok(warehouses::Entity::find()
        .order_by_desc(warehouses::Column::Active)
        .order_by_asc(warehouses::Column::Code)
        .all(db)
        .await?)
}

/// An active warehouse, or a field error on `field`.
pub(crate) async fn active(
    db: &impl ConnectionTrait,
    id: i64,
    field: &str,
) -> Result<warehouses::Model> {
    warehouses::Entity::find_by_id(id)
        .filter(warehouses::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| Error::field(field, messages::WAREHOUSE_MISSING))
}

/// Creates a warehouse.
pub async fn create(
    db: &impl crate::db::Tx,
    actor: &Actor,
    input: &WarehouseInput,
) -> Result<warehouses::Model> {
    let actor = policy::require(actor, Permission::WarehousesWrite)?;
    let (code, name) = validate(input)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let created = warehouses::ActiveModel {
        code: Set(code),
        name: Set(name),
        address: Set(input.address.trim().to_owned()),
        active: Set(input.active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "warehouse.created",
            "warehouse",
            Some(created.id.to_string()),
        )
        .after(snapshot(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Edits a warehouse.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    input: &WarehouseInput,
) -> Result<warehouses::Model> {
    let actor = policy::require(actor, Permission::WarehousesWrite)?;
    let (code, name) = validate(input)?;
    let txn = db.begin().await?;
    let before = warehouses::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut row: warehouses::ActiveModel = before.clone().into();
    row.code = Set(code);
    row.name = Set(name);
    row.address = Set(input.address.trim().to_owned());
    row.active = Set(input.active);
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await.map_err(taken)?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("warehouse.updated", "warehouse", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
