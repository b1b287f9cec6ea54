//! Reading roles: the roles list, and one role with its holders.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    access::{policy, Actor, Permission},
    entities::{role_permissions, roles, user_roles, users},
    Error, Result,
};

/// A role in the roles list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSummary {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The built-in role it was created as.
    pub builtin: Option<String>,
    /// Granted permissions, in catalogue order.
    pub permissions: Vec<Permission>,
    /// Users holding it.
    pub user_count: u64,
}

/// A user holding a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleHolder {
    /// The user's id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Whether the user is active.
    pub active: bool,
}

/// Every role, by name. Needs `admin.roles` or `admin.users` (to assign roles).
pub async fn list_roles(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<RoleSummary>> {
    if !actor.has(Permission::AdminRoles) && !actor.has(Permission::AdminUsers) {
        return Err(Error::Forbidden);
    }
    let all = roles::Entity::find()
        .order_by_asc(roles::Column::NameKey)
        .all(db)
        .await?;
    let mut grants: BTreeMap<i64, Vec<Permission>> = BTreeMap::new();
    for rp in role_permissions::Entity::find().all(db).await? {
        if let Some(p) = Permission::from_code(&rp.permission) {
            grants.entry(rp.role_id).or_default().push(p);
        }
    }
    let mut counts: HashMap<i64, u64> = HashMap::new();
    for ur in user_roles::Entity::find().all(db).await? {
        *counts.entry(ur.role_id).or_default() += 1;
    }
    Ok(all
        .into_iter()
        .map(|role| {
            let mut permissions = grants.remove(&role.id).unwrap_or_default();
            permissions.sort();
            RoleSummary {
                user_count: counts.get(&role.id).copied().unwrap_or(0),
                id: role.id,
                name: role.name,
                description: role.description,
                builtin: role.builtin,
                permissions,
            }
        })
        .collect())
}

/// One role with its holders. Needs `admin.roles`.
pub async fn get_role(
    db: &impl ConnectionTrait,
    actor: &Actor,
    role_id: i64,
) -> Result<(RoleSummary, Vec<RoleHolder>)> {
    policy::require(actor, Permission::AdminRoles)?;
    let role = list_roles(db, actor)
        .await?
        .into_iter()
        .find(|r| r.id == role_id)
        .ok_or(Error::NotFound)?;
    let holder_ids: Vec<i64> = user_roles::Entity::find()
        .filter(user_roles::Column::RoleId.eq(role_id))
        .all(db)
        .await?
        .into_iter()
        .map(|ur| ur.user_id)
        .collect();
    let holders = users::Entity::find()
        .filter(users::Column::Id.is_in(holder_ids))
        .order_by_asc(users::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|u| RoleHolder {
            id: u.id,
            name: u.name,
            email: u.email,
            active: u.active,
        })
        .collect();
    Ok((role, holders))
}
