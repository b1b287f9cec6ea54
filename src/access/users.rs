//! User administration: list, create, edit, deactivate, reset passwords.
//! Every change is audited, checked against locking administrators out, and
//! passes [`access::authorize_change`]: an administrator gives only roles
//! whose permissions they hold, administers only users holding no more than
//! they do, and never changes their own roles.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::{password, policy, Actor, Permission},
    entities::{roles, sessions, user_roles, users},
    messages, Error, Result,
    {
        access::audit::{self, Entry, Who},
        access::roles::{
            self as access, ensure_an_administrator_remains, lock_access, AccessChange,
        },
        platform::page::{paginate, Page},
    },
};

/// A user as lists and forms show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    /// Key.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Whether the user may sign in.
    pub active: bool,
    /// Locked after failed sign-ins until this time.
    pub locked_until: Option<DateTime<Utc>>,
    /// Last successful sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Held roles: (id, name), by name.
    pub roles: Vec<(i64, String)>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Filters for the users list.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Part of the name or email.
    pub search: Option<String>,
    /// Only holders of this role.
    pub role_id: Option<i64>,
    /// Only active (true) or inactive (false) users.
    pub active: Option<bool>,
    /// Page, from 1.
    pub page: u64,
    /// Rows per page (capped at 100).
    pub per_page: u64,
}

/// Input for creating a user.
#[derive(Clone, Debug, Default)]
pub struct NewUser {
    /// Email (unique, case-insensitively).
    pub email: String,
    /// Display name.
    pub name: String,
    /// The password; `None` generates one, returned once.
    pub password: Option<String>,
    /// Roles to hold.
    pub role_ids: Vec<i64>,
}

/// Input for editing a user.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    /// Email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Roles to hold (replacing the current ones).
    pub role_ids: Vec<i64>,
}

/// The normalised sign-in key of an email address.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks an email address's shape; returns it trimmed.
pub fn validate_email(email: &str) -> Result<String> {
    let email = email.trim();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && (domain.contains('.') || domain == "localhost")
        });
    if valid {
        Ok(email.to_owned())
    } else {
        Err(Error::field("email", messages::EMAIL_INVALID))
    }
}

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::field("name", messages::NAME_REQUIRED));
    }
    if name.chars().count() > 200 {
        return Err(Error::field("name", messages::MAX_200));
    }
    Ok(name.to_owned())
}

async fn check_roles_exist(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> Result<Vec<(i64, String)>> {
    let found = roles::Entity::find()
        .filter(roles::Column::Id.is_in(role_ids.iter().copied()))
        .all(db)
        .await?;
    if found.len()
        != role_ids
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    {
        return Err(Error::field("roles", messages::ROLE_MISSING));
    }
    Ok(found.into_iter().map(|r| (r.id, r.name)).collect())
}

async fn email_taken(db: &impl ConnectionTrait, email: &str, except: Option<i64>) -> Result<bool> {
    let mut query = users::Entity::find().filter(users::Column::EmailKey.eq(email_key(email)));
    if let Some(id) = except {
        query = query.filter(users::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

async fn set_roles(db: &impl ConnectionTrait, user_id: i64, role_ids: &[i64]) -> Result<()> {
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let now = Utc::now();
    let unique: std::collections::BTreeSet<i64> = role_ids.iter().copied().collect();
    if unique.is_empty() {
        return Ok(());
    }
    user_roles::Entity::insert_many(unique.into_iter().map(|role_id| user_roles::ActiveModel {
        user_id: Set(user_id),
        role_id: Set(role_id),
        created_at: Set(now),
        updated_at: Set(now),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn roles_of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<HashMap<i64, Vec<(i64, String)>>> {
    let links = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?;
    let names: BTreeMap<i64, String> = roles::Entity::find()
        .filter(roles::Column::Id.is_in(links.iter().map(|l| l.role_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let mut out: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for link in links {
        if let Some(name) = names.get(&link.role_id) {
            out.entry(link.user_id)
                .or_default()
                .push((link.role_id, name.clone()));
        }
    }
    for roles in out.values_mut() {
        roles.sort_by_key(|role| role.1.to_lowercase());
    }
    Ok(out)
}

fn info(user: users::Model, roles: Vec<(i64, String)>) -> UserInfo {
    UserInfo {
        id: user.id,
        email: user.email,
        name: user.name,
        active: user.active,
        locked_until: user.locked_until.filter(|until| *until > Utc::now()),
        last_login_at: user.last_login_at,
        roles,
        created_at: user.created_at,
    }
}

fn snapshot(user: &UserInfo) -> serde_json::Value {
    json!({
        "email": user.email,
        "name": user.name,
        "active": user.active,
        "roles": user.roles.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>(),
    })
}

/// Users matching the filter, by name. Needs `admin.users`.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &UserFilter,
) -> Result<Page<UserInfo>> {
    policy::require(actor, Permission::AdminUsers)?;
    let mut condition = Condition::all();
    // Capped, lower-cased, LIKE wildcards dropped (not interpreted).
    if let Some(search) = crate::access::scope::search_text(filter.search.as_deref())? {
        let pattern = format!("%{search}%");
        condition = condition.add(
            Condition::any()
                .add(users::Column::EmailKey.like(pattern.clone()))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(users::Column::Name),
                    ))
                    .like(pattern),
                ),
        );
    }
    if let Some(active) = filter.active {
        condition = condition.add(users::Column::Active.eq(active));
    }
    if let Some(role_id) = filter.role_id {
        let holders: Vec<i64> = user_roles::Entity::find()
            .filter(user_roles::Column::RoleId.eq(role_id))
            .all(db)
            .await?
            .into_iter()
            .map(|ur| ur.user_id)
            .collect();
        condition = condition.add(users::Column::Id.is_in(holders));
    }
    let query = users::Entity::find()
        .filter(condition)
        .order_by_asc(users::Column::Name)
        .order_by_asc(users::Column::Id);
    let found = paginate(db, query, filter.page, filter.per_page, 100).await?;
    let ids: Vec<i64> = found.items.iter().map(|u| u.id).collect();
    let mut roles = roles_of(db, &ids).await?;
    Ok(found.map(|u| {
        let held = roles.remove(&u.id).unwrap_or_default();
        info(u, held)
    }))
}

/// One user. Needs `admin.users`.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, user_id: i64) -> Result<UserInfo> {
    policy::require(actor, Permission::AdminUsers)?;
    load(db, user_id).await
}

async fn load(db: &impl ConnectionTrait, user_id: i64) -> Result<UserInfo> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let roles = roles_of(db, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default();
    Ok(info(user, roles))
}

/// Whether a user with this email exists (no permission check; for seeding).
pub(crate) async fn exists(db: &impl ConnectionTrait, email: &str) -> Result<bool> {
    email_taken(db, email, None).await
}

/// The id of the user with this email, if any (no permission check; for seeding).
pub(crate) async fn id_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<i64>> {
    Ok(users::Entity::find()
        .filter(users::Column::EmailKey.eq(email_key(email)))
        .one(db)
        .await?
        .map(|u| u.id))
}

/// Inserts a user without permission checks (first admin, demo data, the CLI).
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    email: &str,
    name: &str,
    password_hash: String,
    role_ids: &[i64],
) -> Result<i64> {
    let now = Utc::now();
    let row = users::ActiveModel {
        email: Set(email.to_owned()),
        email_key: Set(email_key(email)),
        name: Set(name.to_owned()),
        password_hash: Set(password_hash),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let id = users::Entity::insert(row).exec(db).await?.last_insert_id;
    set_roles(db, id, role_ids).await?;
    Ok(id)
}

/// Creates a user. Needs `admin.users` and every permission of the roles
/// given. Returns the new id and, when no password was given, the generated
/// one (shown once, never stored).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewUser,
) -> Result<(i64, Option<String>)> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let email = validate_email(&input.email)?;
    let name = validate_name(&input.name)?;
    let (password, generated) = match input.password.as_deref().filter(|p| !p.is_empty()) {
        Some(password) => {
            password::check_policy(password, &email, "password")?;
            (password.to_owned(), None)
        }
        None => {
            let generated = password::generate();
            (generated.clone(), Some(generated))
        }
    };
    let hash = password::hash(password).await?;
    let txn = db.begin().await?;
    lock_access(&txn).await?;
    if email_taken(&txn, &email, None).await? {
        return Err(Error::field("email", messages::EMAIL_TAKEN));
    }
    check_roles_exist(&txn, &input.role_ids).await?;
    let roles: BTreeSet<i64> = input.role_ids.iter().copied().collect();
    access::authorize_change(&txn, actor, AccessChange::NewUser(&roles)).await?;
    let id = insert(&txn, &email, &name, hash, &input.role_ids).await?;
    let created = load(&txn, id).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("user.created", "user", Some(id.to_string())).after(snapshot(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok((id, generated))
}

/// Edits a user's email, name and roles. Needs `admin.users`, every
/// permission the user holds before and after, and another user than the
/// actor when the roles change. A role change applies on the user's next
/// request.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
    patch: &UserPatch,
) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let email = validate_email(&patch.email)?;
    let name = validate_name(&patch.name)?;
    let txn = db.begin().await?;
    lock_access(&txn).await?;
    let before = load(&txn, user_id).await?;
    if email_taken(&txn, &email, Some(user_id)).await? {
        return Err(Error::field("email", messages::EMAIL_TAKEN));
    }
    check_roles_exist(&txn, &patch.role_ids).await?;
    let roles: BTreeSet<i64> = patch.role_ids.iter().copied().collect();
    access::authorize_change(&txn, actor, AccessChange::User(user_id, Some(&roles))).await?;
    let row = users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut active: users::ActiveModel = row.into();
    active.email = Set(email.clone());
    active.email_key = Set(email_key(&email));
    active.name = Set(name);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    set_roles(&txn, user_id, &patch.role_ids).await?;
    ensure_an_administrator_remains(&txn).await?;
    let after = load(&txn, user_id).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("user.updated", "user", Some(user_id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deactivates (ending every session) or reactivates a user. Needs
/// `admin.users` and every permission the user holds.
pub async fn set_active(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
    active: bool,
) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let txn = db.begin().await?;
    lock_access(&txn).await?;
    let row = users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    access::authorize_change(&txn, actor, AccessChange::User(user_id, None)).await?;
    if row.active == active {
        return Ok(());
    }
    let mut model: users::ActiveModel = row.into();
    model.active = Set(active);
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    if !active {
        sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?;
        ensure_an_administrator_remains(&txn).await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            if active {
                "user.reactivated"
            } else {
                "user.deactivated"
            },
            "user",
            Some(user_id.to_string()),
        )
        .before(json!({ "active": !active }))
        .after(json!({ "active": active })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password for a user (generated when `None`, returned once),
/// clears any lock and ends their sessions. Needs `admin.users` and every
/// permission the user holds.
pub async fn reset_password(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
    new_password: Option<String>,
) -> Result<Option<String>> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let row = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let (password, generated) = match new_password.filter(|p| !p.is_empty()) {
        Some(password) => {
            password::check_policy(&password, &row.email, "password")?;
            (password, None)
        }
        None => {
            let generated = password::generate();
            (generated.clone(), Some(generated))
        }
    };
    let hash = password::hash(password).await?;
    let txn = db.begin().await?;
    // Setting someone's password is signing in as them: only for users
    // holding no more than the actor.
    access::authorize_change(&txn, actor, AccessChange::User(user_id, None)).await?;
    let was_locked = row.locked_until.is_some_and(|until| until > Utc::now());
    let mut model: users::ActiveModel = row.into();
    model.password_hash = Set(hash);
    model.password_changed_at = Set(Utc::now());
    model.failed_logins = Set(0);
    model.locked_until = Set(None);
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("user.password_reset", "user", Some(user_id.to_string())),
    )
    .await?;
    if was_locked {
        audit::record(
            &txn,
            Who::Actor(actor),
            Entry::new("user.unlocked", "user", Some(user_id.to_string())),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(generated)
}

/// Marks the user away (or back): round-robin assignment skips agents
/// who are away. (The service desk decides who may; access owns the row.)
pub(crate) async fn mark_away(db: &impl ConnectionTrait, user_id: i64, away: bool) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::Away, sea_orm::sea_query::Expr::value(away))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Names of users by id, for labelling rows the caller may already see.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    crate::platform::lookup::text_by_id::<users::Entity>(
        db,
        ids,
        users::Column::Id,
        users::Column::Name,
    )
    .await
}

/// Every active user's id and name, by name: the owners records can be
/// given to. Only users who may hand records to others (any `read_all` of
/// the CRM) may list them.
pub async fn assignable(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<(i64, String)>> {
    policy::require_any(
        actor,
        &[
            Permission::CustomersReadAll,
            Permission::LeadsReadAll,
            Permission::OpportunitiesReadAll,
            Permission::ActivitiesReadAll,
        ],
    )?;
    active_names(db).await
}

/// Every active user's id and name, by name. Callers decide who may see it.
pub async fn active_names(db: &impl ConnectionTrait) -> Result<Vec<(i64, String)>> {
    use sea_orm::QuerySelect;
    Ok(users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::Name)
        .filter(users::Column::Active.eq(true))
        .order_by_asc(users::Column::Name)
        .into_tuple()
        .all(db)
        .await?)
}
