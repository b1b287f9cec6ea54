//! The safeguards of every change to access: the access lock, and the
//! check that an administrator remains.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter};

use super::GUARD_KEY;
use crate::{
    access::Permission,
    entities::{role_permissions, user_roles, users},
    messages, Error, Result,
};

/// Takes the access lock for the rest of the transaction (PostgreSQL; on
/// SQLite the single writer already serialises transactions).
pub(crate) async fn lock_access(txn: &impl ConnectionTrait) -> Result<()> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!(
            "SELECT value FROM app_meta WHERE key = '{GUARD_KEY}' FOR UPDATE"
        ))
        .await?;
    }
    Ok(())
}

/// Refuses the transaction's change if it leaves no active user who holds
/// both `admin.users` and `admin.roles`.
pub(crate) async fn ensure_an_administrator_remains(txn: &impl ConnectionTrait) -> Result<()> {
    let needed = [Permission::AdminUsers, Permission::AdminRoles];
    let grants = role_permissions::Entity::find()
        .filter(role_permissions::Column::Permission.is_in(needed.map(|p| p.code())))
        .all(txn)
        .await?;
    let mut by_role: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for grant in grants {
        by_role
            .entry(grant.role_id)
            .or_default()
            .insert(grant.permission);
    }
    let holders = user_roles::Entity::find()
        .filter(user_roles::Column::RoleId.is_in(by_role.keys().copied()))
        .all(txn)
        .await?;
    let mut by_user: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for holder in holders {
        if let Some(perms) = by_role.get(&holder.role_id) {
            by_user
                .entry(holder.user_id)
                .or_default()
                .extend(perms.iter().cloned());
        }
    }
    let admins: Vec<i64> = by_user
        .into_iter()
        .filter(|(_, perms)| perms.len() == needed.len())
        .map(|(user, _)| user)
        .collect();
    let active = users::Entity::find()
        .filter(users::Column::Id.is_in(admins))
        .filter(users::Column::Active.eq(true))
        .one(txn)
        .await?;
    if active.is_none() {
        return Err(Error::Conflict(messages::LAST_ADMIN.into()));
    }
    Ok(())
}
