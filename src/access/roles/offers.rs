//! What the access forms offer: each role on a user's form and each
//! permission in a role's matrix, with whether the actor may change it.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use super::change::{grant_of, held_now, permissions_by_role, roles_of_user, AccessChange};
use crate::{
    access::{policy, Actor, Permission},
    entities::{roles, users},
    Error, Result,
};

/// One choice of an access form (a role on a user's form, a permission in
/// a role's matrix) and whether the actor may change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer<T> {
    /// The role or permission.
    pub choice: T,
    /// Why the actor may not tick or untick it: the refusal a save changing
    /// it would get. `None` when they may.
    pub withheld: Option<String>,
}

impl<T> Offer<T> {
    /// Whether the actor may tick or untick this choice.
    pub fn grantable(&self) -> bool {
        self.withheld.is_none()
    }
}

/// `set` with `item` added, or removed when present: what ticking or
/// unticking one check box saves.
fn toggled<T: Ord + Copy>(set: &BTreeSet<T>, item: T) -> BTreeSet<T> {
    let mut next = set.clone();
    if !next.remove(&item) {
        next.insert(item);
    }
    next
}

/// The refusal message of a [`policy::may_grant`] outcome; `None` for a grant.
fn refusal(outcome: Result<()>) -> Result<Option<String>> {
    match outcome {
        Ok(()) => Ok(None),
        Err(Error::Validation(fields)) => Ok(Some(fields.into_values().next().unwrap_or_default())),
        Err(other) => Err(other),
    }
}

/// Every role, by name, as a user's form offers it (`user_id` `None` for a
/// new user). Each role is judged by [`policy::may_grant`] on the save that
/// ticks or unticks it alone, built as [`authorize_change`] builds it. A
/// refusal either holds for every choice (their own roles, a user holding
/// more than the actor) or for adding a permission the actor lacks, so any
/// mix of the offered choices saves too, and each withheld one is refused.
/// Needs `admin.users`.
///
/// [`authorize_change`]: super::authorize_change
pub async fn role_offers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: Option<i64>,
) -> Result<Vec<Offer<(i64, String)>>> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let (current, held) = held_now(db, actor).await?;
    let by_role = permissions_by_role(db).await?;
    let theirs = match user_id {
        Some(id) => {
            users::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            roles_of_user(db, id).await?
        }
        None => BTreeSet::new(),
    };
    let all = roles::Entity::find()
        .order_by_asc(roles::Column::NameKey)
        .all(db)
        .await?;
    all.into_iter()
        .map(|role| -> Result<Offer<(i64, String)>> {
            let next = toggled(&theirs, role.id);
            let change = match user_id {
                Some(id) => AccessChange::User(id, Some(&next)),
                None => AccessChange::NewUser(&next),
            };
            let grant = grant_of(&current, change, &by_role, &theirs);
            Ok(Offer {
                withheld: refusal(policy::may_grant(&held, &grant))?,
                choice: (role.id, role.name),
            })
        })
        .collect()
}

/// The permission catalogue as a role's matrix offers it (`role_id` `None`
/// for a new role), each permission judged as in [`role_offers`]. Needs
/// `admin.roles`.
pub async fn permission_offers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    role_id: Option<i64>,
) -> Result<Vec<Offer<Permission>>> {
    let actor = policy::require(actor, Permission::AdminRoles)?;
    let (current, held) = held_now(db, actor).await?;
    let by_role = permissions_by_role(db).await?;
    let before = match role_id {
        Some(id) => {
            roles::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(Error::NotFound)?;
            by_role.get(&id).cloned().unwrap_or_default()
        }
        None => BTreeSet::new(),
    };
    Permission::ALL
        .iter()
        .map(|&permission| -> Result<Offer<Permission>> {
            let after = toggled(&before, permission);
            let change = match role_id {
                Some(id) => AccessChange::Role(id, Some(&after)),
                None => AccessChange::NewRole(&after),
            };
            let grant = grant_of(&current, change, &by_role, &BTreeSet::new());
            Ok(Offer {
                withheld: refusal(policy::may_grant(&held, &grant))?,
                choice: permission,
            })
        })
        .collect()
}
