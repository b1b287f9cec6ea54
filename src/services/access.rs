//! Roles, their permissions, and resolving the actor of a request. Every
//! change that could lock administrators out is checked in its transaction,
//! and every change to who may do what passes [`authorize_change`]: nobody
//! grants what they do not hold, administers a role or user holding more
//! than they do, or changes their own roles or a role they hold. The access
//! forms offer exactly what that check accepts ([`role_offers`],
//! [`permission_offers`]), judged by the same rule.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use crate::{
    auth::{
        builtin::BuiltinRole,
        policy::{self, Grant, GrantSubject},
        Actor, Permission, RequestMeta,
    },
    entities::{role_permissions, roles, user_roles, users},
    messages,
    services::{
        audit::{self, Entry, Who},
        meta,
    },
    Error, Result,
};

/// The `app_meta` row whose lock serialises changes to access on PostgreSQL.
const GUARD_KEY: &str = "access.guard";
/// Set once the built-in roles have been created, so deleting one sticks.
const BUILTINS_KEY: &str = "access.builtin_roles_created";

/// Creates the built-in roles on first start (once; later edits are kept).
pub async fn ensure_builtin_roles(db: &DatabaseConnection) -> Result<()> {
    let txn = db.begin().await?;
    meta::insert_if_absent(&txn, GUARD_KEY, "1").await?;
    if meta::insert_if_absent(&txn, BUILTINS_KEY, &Utc::now().to_rfc3339()).await? {
        for role in BuiltinRole::ALL {
            let permissions = role.permissions();
            let id = insert_role(&txn, role.name(), role.description(), Some(role.key())).await?;
            replace_permissions(&txn, id, &permissions).await?;
            audit::record(
                &txn,
                Who::System,
                Entry::new("role.created", "role", Some(id.to_string())).after(json!({
                    "name": role.name(),
                    "permissions": codes(&permissions),
                })),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The role id of a built-in role, if it still exists.
pub async fn builtin_role_id(db: &impl ConnectionTrait, role: BuiltinRole) -> Result<Option<i64>> {
    Ok(roles::Entity::find()
        .filter(roles::Column::Builtin.eq(role.key()))
        .one(db)
        .await?
        .map(|r| r.id))
}

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
async fn held_now(
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

async fn permissions_by_role(db: &impl ConnectionTrait) -> Result<RolePermissions> {
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
fn grant_of(
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
async fn roles_of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<BTreeSet<i64>> {
    Ok(user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|ur| ur.role_id)
        .collect())
}

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
pub async fn role_offers(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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

/// The actor for a signed-in user id, or `None` when the user no longer
/// exists or is deactivated. Permissions are read afresh every time, so a
/// role change applies on the user's next request.
pub async fn resolve_actor(
    db: &impl ConnectionTrait,
    user_id: i64,
    meta: RequestMeta,
) -> Result<Option<Actor>> {
    let Some(user) = users::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    let role_ids: Vec<i64> = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|ur| ur.role_id)
        .collect();
    let permissions = role_permissions::Entity::find()
        .filter(role_permissions::Column::RoleId.is_in(role_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|rp| Permission::from_code(&rp.permission))
        .collect();
    Ok(Some(Actor {
        user_id,
        email: user.email,
        name: user.name,
        role_ids,
        permissions,
        meta,
    }))
}

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
pub async fn list_roles(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
) -> Result<Vec<RoleSummary>> {
    let actor = policy::require_signed_in(actor)?;
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
    actor: Option<&Actor>,
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

async fn insert_role(
    db: &impl ConnectionTrait,
    name: &str,
    description: &str,
    builtin: Option<&str>,
) -> Result<i64> {
    let now = Utc::now();
    let role = roles::ActiveModel {
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        description: Set(description.to_owned()),
        builtin: Set(builtin.map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(roles::Entity::insert(role).exec(db).await?.last_insert_id)
}

async fn replace_permissions(
    db: &impl ConnectionTrait,
    role_id: i64,
    permissions: &[Permission],
) -> Result<()> {
    role_permissions::Entity::delete_many()
        .filter(role_permissions::Column::RoleId.eq(role_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    let unique: BTreeSet<Permission> = permissions.iter().copied().collect();
    if unique.is_empty() {
        return Ok(());
    }
    role_permissions::Entity::insert_many(unique.into_iter().map(|p| {
        role_permissions::ActiveModel {
            role_id: Set(role_id),
            permission: Set(p.code().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn codes(permissions: &[Permission]) -> Vec<&'static str> {
    let mut codes: Vec<_> = permissions.iter().map(|p| p.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The permission catalogue, for the permission matrix. Needs `admin.roles`.
pub fn permission_catalogue(actor: Option<&Actor>) -> Result<&'static [Permission]> {
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
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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
    actor: Option<&Actor>,
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
pub async fn delete_role(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    role_id: i64,
) -> Result<()> {
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
