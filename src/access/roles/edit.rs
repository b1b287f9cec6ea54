//! Editing roles: the role form and its validation, the permission
//! catalogue, and creating, renaming, re-permissioning and deleting a role.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;

use super::{
    change::{authorize_change, AccessChange},
    guard::{ensure_an_administrator_remains, lock_access},
    rows::{codes, insert_role, replace_permissions},
};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, Actor, Permission,
    },
    entities::{role_permissions, roles, user_roles},
    messages, Error, Result,
};

/// Input for creating or renaming a role.
#[derive(Clone, Debug, Default)]
pub struct RoleInput {
    /// Name (unique, case-insensitively).
    pub name: String,
    /// What the role is for.
    pub description: String,
}

fn validate_role(input: &RoleInput) -> Result<(String, String)> {
    let name = input.name.trim().to_owned();
    let description = input.description.trim().to_owned();
    if name.is_empty() {
        return Err(Error::field("name", messages::NAME_REQUIRED));
    }
    if name.chars().count() > 100 {
        return Err(Error::field("name", messages::MAX_100));
    }
    if description.chars().count() > 500 {
        return Err(Error::field("description", messages::MAX_500));
    }
    Ok((name, description))
}

async fn name_taken(db: &impl ConnectionTrait, name: &str, except: Option<i64>) -> Result<bool> {
    let mut query = roles::Entity::find().filter(roles::Column::NameKey.eq(name.to_lowercase()));
    if let Some(id) = except {
        query = query.filter(roles::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// The permission catalogue, for the permission matrix. Needs `admin.roles`.
pub fn permission_catalogue(actor: &Actor) -> Result<&'static [Permission]> {
    policy::require(actor, Permission::AdminRoles)?;
    Ok(Permission::ALL)
}

/// Parses permission codes from a form; an unknown code is a field error.
pub fn parse_permissions(codes: &[String]) -> Result<Vec<Permission>> {
    codes
        .iter()
        .map(|code| {
            Permission::from_code(code)
                .ok_or_else(|| Error::field("permissions", messages::UNKNOWN_PERMISSION))
        })
        .collect()
}

/// Creates a role with permissions. Needs `admin.roles` and every
/// permission granted.
pub async fn create_role(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &RoleInput,
    permissions: &[Permission],
) -> Result<i64> {
    let actor = policy::require(actor, Permission::AdminRoles)?;
    let (name, description) = validate_role(input)?;
    let txn = db.begin().await?;
    lock_access(&txn).await?;
    if name_taken(&txn, &name, None).await? {
        return Err(Error::field("name", messages::ROLE_NAME_TAKEN));
    }
    let granted: BTreeSet<Permission> = permissions.iter().copied().collect();
    authorize_change(&txn, actor, AccessChange::NewRole(&granted)).await?;
    let id = insert_role(&txn, &name, &description, None).await?;
    replace_permissions(&txn, id, permissions).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("role.created", "role", Some(id.to_string())).after(
            json!({ "name": name, "description": description, "permissions": codes(permissions) }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Renames a role or changes its description. Needs `admin.roles` and
/// every permission of the role.
pub async fn update_role(
    db: &DatabaseConnection,
    actor: &Actor,
    role_id: i64,
    input: &RoleInput,
) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminRoles)?;
    let (name, description) = validate_role(input)?;
    let txn = db.begin().await?;
    let role = roles::Entity::find_by_id(role_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    authorize_change(&txn, actor, AccessChange::Role(role_id, None)).await?;
    if name_taken(&txn, &name, Some(role_id)).await? {
        return Err(Error::field("name", messages::ROLE_NAME_TAKEN));
    }
    let before = json!({ "name": role.name, "description": role.description });
    let mut active: roles::ActiveModel = role.into();
    active.name = Set(name.clone());
    active.name_key = Set(name.to_lowercase());
    active.description = Set(description.clone());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("role.updated", "role", Some(role_id.to_string()))
            .before(before)
            .after(json!({ "name": name, "description": description })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces a role's permissions. Needs `admin.roles` and every permission
/// the role holds before and after; refused for a role the actor holds, and
/// if no administrator would remain.
pub async fn set_role_permissions(
    db: &DatabaseConnection,
    actor: &Actor,
    role_id: i64,
    permissions: &[Permission],
) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminRoles)?;
    let txn = db.begin().await?;
    lock_access(&txn).await?;
    roles::Entity::find_by_id(role_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before: Vec<Permission> = role_permissions::Entity::find()
        .filter(role_permissions::Column::RoleId.eq(role_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|rp| Permission::from_code(&rp.permission))
        .collect();
    let after: BTreeSet<Permission> = permissions.iter().copied().collect();
    authorize_change(&txn, actor, AccessChange::Role(role_id, Some(&after))).await?;
    replace_permissions(&txn, role_id, permissions).await?;
    ensure_an_administrator_remains(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "role.permissions_changed",
            "role",
            Some(role_id.to_string()),
        )
        .before(json!({ "permissions": codes(&before) }))
        .after(json!({ "permissions": codes(permissions) })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a role (its holders lose it). Needs `admin.roles` and every
/// permission of the role; refused for a role the actor holds, and if no
/// administrator would remain.
pub async fn delete_role(db: &DatabaseConnection, actor: &Actor, role_id: i64) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminRoles)?;
    let txn = db.begin().await?;
    lock_access(&txn).await?;
    let role = roles::Entity::find_by_id(role_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    authorize_change(&txn, actor, AccessChange::DeletedRole(role_id)).await?;
    let holders = user_roles::Entity::find()
        .filter(user_roles::Column::RoleId.eq(role_id))
        .all(&txn)
        .await?
        .len();
    // Children first: SQLite enforces the foreign keys, but be explicit on both engines.
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::RoleId.eq(role_id))
        .exec(&txn)
        .await?;
    role_permissions::Entity::delete_many()
        .filter(role_permissions::Column::RoleId.eq(role_id))
        .exec(&txn)
        .await?;
    roles::Entity::delete_by_id(role_id).exec(&txn).await?;
    ensure_an_administrator_remains(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("role.deleted", "role", Some(role_id.to_string())).before(
            json!({ "name": role.name, "description": role.description, "holders": holders }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
