//! The one check of a change to who may do what ([`authorize_change`]):
//! what the actor holds now, and the grant a change makes.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{guard::lock_access, resolve::resolve_actor};
use crate::{
    access::{
        policy::{self, Grant, GrantSubject},
        Actor, Permission, RequestMeta,
    },
    entities::{role_permissions, user_roles},
    Error, Result,
};

/// A change to who may do what, as [`authorize_change`] checks it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AccessChange<'a> {
    /// A new role with these permissions.
    NewRole(&'a BTreeSet<Permission>),
    /// An existing role, renamed (`None`) or given these permissions.
    Role(i64, Option<&'a BTreeSet<Permission>>),
    /// An existing role, deleted (its holders lose it).
    DeletedRole(i64),
    /// A new user holding these roles.
    NewUser(&'a BTreeSet<i64>),
    /// An existing user, edited, deactivated or given a password (`None`),
    /// or given these roles instead of their current ones.
    User(i64, Option<&'a BTreeSet<i64>>),
    /// A token acting as `owner` with `permissions`.
    Token {
        /// The user the token acts as.
        owner: i64,
        /// The token's permissions.
        permissions: &'a BTreeSet<Permission>,
    },
}

/// The one check every write to roles, role permissions, user roles, users
/// and API tokens makes, inside its transaction: takes the access lock,
/// reads what the actor holds now (their roles may have changed since the
/// request began; a token actor holds no more than the token allows) and
/// applies [`policy::may_grant`].
pub(crate) async fn authorize_change(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    change: AccessChange<'_>,
) -> Result<()> {
    lock_access(txn).await?;
    let (current, held) = held_now(txn, actor).await?;
    let by_role = permissions_by_role(txn).await?;
    let theirs = match change {
        AccessChange::User(user_id, _) => roles_of_user(txn, user_id).await?,
        AccessChange::Token { owner, .. } => roles_of_user(txn, owner).await?,
        AccessChange::NewRole(_)
        | AccessChange::Role(..)
        | AccessChange::DeletedRole(_)
        | AccessChange::NewUser(_) => BTreeSet::new(),
    };
    policy::may_grant(&held, &grant_of(&current, change, &by_role, &theirs))
}

/// The actor as the database knows them now, and what they may grant: what
/// their roles give now, limited to what the request's actor holds.
pub(super) async fn held_now(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<(Actor, BTreeSet<Permission>)> {
    let Some(current) = resolve_actor(db, actor.user_id, RequestMeta::default()).await? else {
        return Err(Error::Forbidden);
    };
    let held = current
        .permissions
        .intersection(&actor.permissions)
        .copied()
        .collect();
    Ok((current, held))
}

/// Every role's permissions, by role id (codes no longer in the catalogue
/// grant nothing; a role without permissions is absent).
type RolePermissions = BTreeMap<i64, BTreeSet<Permission>>;

pub(super) async fn permissions_by_role(db: &impl ConnectionTrait) -> Result<RolePermissions> {
    let mut by_role = RolePermissions::new();
    for rp in role_permissions::Entity::find().all(db).await? {
        if let Some(permission) = Permission::from_code(&rp.permission) {
            by_role.entry(rp.role_id).or_default().insert(permission);
        }
    }
    Ok(by_role)
}

/// The permissions these roles grant together.
fn permissions_of(by_role: &RolePermissions, role_ids: &BTreeSet<i64>) -> BTreeSet<Permission> {
    role_ids
        .iter()
        .filter_map(|id| by_role.get(id))
        .flatten()
        .copied()
        .collect()
}

/// The grant `change` makes, as [`policy::may_grant`] judges it, for the
/// actor as they are now (`current`), given every role's permissions and
/// the roles the changed user or the token's owner holds now (`theirs`;
/// unused for role changes).
pub(super) fn grant_of(
    current: &Actor,
    change: AccessChange<'_>,
    by_role: &RolePermissions,
    theirs: &BTreeSet<i64>,
) -> Grant {
    let holds_role = |role_id: i64| current.role_ids.contains(&role_id);
    let of = |role_ids: &BTreeSet<i64>| permissions_of(by_role, role_ids);
    match change {
        AccessChange::NewRole(after) => Grant {
            subject: GrantSubject::Role,
            before: BTreeSet::new(),
            after: after.clone(),
            own: false,
        },
        AccessChange::Role(role_id, after) => {
            let before = of(&BTreeSet::from([role_id]));
            let after = after.cloned().unwrap_or_else(|| before.clone());
            Grant {
                subject: GrantSubject::Role,
                own: holds_role(role_id) && before != after,
                before,
                after,
            }
        }
        AccessChange::DeletedRole(role_id) => Grant {
            subject: GrantSubject::Role,
            before: of(&BTreeSet::from([role_id])),
            after: BTreeSet::new(),
            own: holds_role(role_id),
        },
        AccessChange::NewUser(roles) => Grant {
            subject: GrantSubject::User,
            before: BTreeSet::new(),
            after: of(roles),
            own: false,
        },
        AccessChange::User(user_id, roles) => {
            let next = roles.unwrap_or(theirs);
            Grant {
                subject: GrantSubject::User,
                own: user_id == current.user_id && next != theirs,
                before: of(theirs),
                after: of(next),
            }
        }
        AccessChange::Token { permissions, .. } => Grant {
            subject: GrantSubject::Token,
            before: of(theirs),
            after: permissions.clone(),
            own: false,
        },
    }
}

/// The ids of the roles a user holds.
pub(super) async fn roles_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<BTreeSet<i64>> {
    Ok(user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|ur| ur.role_id)
        .collect())
}
