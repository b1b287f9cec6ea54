//! Signing in and out, changing one's own password, the first
//! administrator. Failures give one message whatever the cause, cost the
//! same time for unknown accounts, and are throttled per account and per
//! client address.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::{
        builtin::BuiltinRole,
        password::{self, Verified},
        Actor, RequestMeta,
    },
    entities::{login_throttles, sessions, users},
    messages, Error, Result,
    {
        access::audit::{self, Entry, Who},
        access::roles as access,
        access::users::{email_key, insert, validate_email},
    },
};

/// The one message for every failed sign-in, so it reveals nothing.
pub const LOGIN_FAILED: &str = messages::LOGIN_FAILED;

/// How sign-in failures are limited.
#[derive(Clone, Copy, Debug)]
pub struct LoginPolicy {
    /// Consecutive failures that lock an account.
    pub lock_after: i32,
    /// How long a locked account stays locked.
    pub lock_for: Duration,
    /// Failures from one client address within `address_window` that block it.
    pub address_limit: i32,
    /// The window for counting a client address's failures.
    pub address_window: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            lock_after: 5,
            lock_for: Duration::minutes(15),
            address_limit: 30,
            address_window: Duration::minutes(15),
        }
    }
}

/// Checks email and password and returns the user's id.
///
/// Wrong credentials, unknown or inactive accounts and locked accounts all
/// fail with the same field error; a client address with too many recent
/// failures gets [`Error::RateLimited`] before any password is checked.
pub async fn login(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    meta: &RequestMeta,
    policy: &LoginPolicy,
) -> Result<i64> {
    check_sizes(email, password)?;
    let now = Utc::now();
    let address_key = meta
        .client_addr
        .as_deref()
        .map(|addr| format!("addr:{addr}"));
    if let Some(key) = &address_key {
        if let Some(until) = address_blocked_until(db, key, now).await? {
            let seconds = (until - now).num_seconds().max(1);
            return Err(Error::RateLimited {
                retry_after_secs: u64::try_from(seconds).unwrap_or(1),
            });
        }
    }
    let typed = email.trim();
    let user = users::Entity::find()
        .filter(users::Column::EmailKey.eq(email_key(typed)))
        .one(db)
        .await?;
    // Verify even when there is no account, so both cases take as long.
    let verified = password::verify(
        password.to_owned(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let Some(user) = user else {
        fail(db, None, typed, meta, address_key.as_deref(), policy).await?;
        return Err(Error::field("form", LOGIN_FAILED));
    };
    let locked = user.locked_until.is_some_and(|until| until > now);
    if verified == Verified::No || locked || !user.active {
        fail(db, Some(&user), typed, meta, address_key.as_deref(), policy).await?;
        return Err(Error::field("form", LOGIN_FAILED));
    }
    succeed(db, user, verified, password, meta).await
}

/// Longest email an account can have, in bytes (as `validate_email`).
const MAX_EMAIL: usize = 254;
/// Longest password an account can have, in characters (the password policy's).
const MAX_PASSWORD: usize = 1024;

/// Refuses an email or password longer than any account's, before the
/// database or the (deliberately slow) password hash is touched. Says which
/// field, which reveals nothing about accounts.
fn check_sizes(email: &str, password: &str) -> Result<()> {
    if email.trim().len() > MAX_EMAIL {
        return Err(Error::field("email", messages::EMAIL_INVALID));
    }
    if password.chars().nth(MAX_PASSWORD).is_some() {
        return Err(Error::field("password", messages::MAX_1024));
    }
    Ok(())
}

async fn address_blocked_until(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    Ok(login_throttles::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .and_then(|row| row.blocked_until)
        .filter(|until| *until > now))
}

/// Records a failure: the account's counter (locking it at the limit) and
/// the client address's counter, with audit events, in one transaction.
async fn fail(
    db: &DatabaseConnection,
    user: Option<&users::Model>,
    typed: &str,
    meta: &RequestMeta,
    address_key: Option<&str>,
    policy: &LoginPolicy,
) -> Result<()> {
    let now = Utc::now();
    let txn = db.begin().await?;
    if let Some(user) = user {
        // Atomic increment: concurrent failures are all counted.
        users::Entity::update_many()
            .col_expr(
                users::Column::FailedLogins,
                Expr::col(users::Column::FailedLogins).add(1),
            )
            .filter(users::Column::Id.eq(user.id))
            .exec(&txn)
            .await?;
        let current = users::Entity::find_by_id(user.id)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        let already_locked = current.locked_until.is_some_and(|until| until > now);
        if current.failed_logins >= policy.lock_after && !already_locked {
            let until = now + policy.lock_for;
            let mut model: users::ActiveModel = current.into();
            model.locked_until = Set(Some(until));
            model.updated_at = Set(now);
            model.update(&txn).await?;
            audit::record(
                &txn,
                Who::Anonymous(meta, typed),
                Entry::new("user.locked", "user", Some(user.id.to_string())).after(
                    json!({ "locked_until": until.to_rfc3339(), "failures": policy.lock_after }),
                ),
            )
            .await?;
        }
    }
    if let Some(key) = address_key {
        count_address_failure(&txn, key, now, policy).await?;
    }
    audit::record(
        &txn,
        Who::Anonymous(meta, typed),
        Entry::new("login.failed", "user", user.map(|u| u.id.to_string())),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn count_address_failure(
    txn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    policy: &LoginPolicy,
) -> Result<()> {
    let row = login_throttles::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_started_at: Set(now),
        blocked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    login_throttles::Entity::insert(row)
        .on_conflict(
            OnConflict::column(login_throttles::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    let current = login_throttles::Entity::find_by_id(key.to_owned())
        .one(txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut model: login_throttles::ActiveModel = current.clone().into();
    if current.window_started_at + policy.address_window <= now {
        model.window_started_at = Set(now);
        model.failures = Set(1);
        model.blocked_until = Set(None);
    } else {
        let failures = current.failures + 1;
        model.failures = Set(failures);
        if failures >= policy.address_limit {
            model.blocked_until = Set(Some(current.window_started_at + policy.address_window));
        }
    }
    model.updated_at = Set(now);
    model.update(txn).await?;
    Ok(())
}

async fn succeed(
    db: &DatabaseConnection,
    user: users::Model,
    verified: Verified,
    password: &str,
    meta: &RequestMeta,
) -> Result<i64> {
    let now = Utc::now();
    let new_hash = if verified == Verified::YesRehash {
        Some(password::hash(password.to_owned()).await?)
    } else {
        None
    };
    let txn = db.begin().await?;
    let user_id = user.id;
    let email = user.email.clone();
    let was_locked = user.locked_until.is_some();
    let mut model: users::ActiveModel = user.into();
    model.failed_logins = Set(0);
    model.locked_until = Set(None);
    model.last_login_at = Set(Some(now));
    model.updated_at = Set(now);
    if let Some(hash) = new_hash {
        model.password_hash = Set(hash);
    }
    model.update(&txn).await?;
    if was_locked {
        // The lock had expired; record that it is over.
        audit::record(
            &txn,
            Who::SigningIn(meta, user_id, &email),
            Entry::new("user.unlocked", "user", Some(user_id.to_string())),
        )
        .await?;
    }
    audit::record(
        &txn,
        Who::SigningIn(meta, user_id, &email),
        Entry::new("login.succeeded", "user", Some(user_id.to_string())),
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Records a sign-out.
pub async fn record_logout(db: &impl ConnectionTrait, actor: &Actor) -> Result<()> {
    audit::record(
        db,
        Who::Actor(actor),
        Entry::new("logout", "user", Some(actor.user_id.to_string())),
    )
    .await
}

/// Changes the actor's own password after checking the current one, and
/// ends their other sessions (`keep_session` stays signed in).
pub async fn change_password(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    if current.chars().nth(MAX_PASSWORD).is_some() {
        return Err(Error::field("current_password", messages::MAX_1024));
    }
    if new.chars().nth(MAX_PASSWORD).is_some() {
        return Err(Error::field("new_password", messages::MAX_1024));
    }
    let user = users::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    if password::verify(current.to_owned(), Some(user.password_hash.clone())).await? == Verified::No
    {
        return Err(Error::field(
            "current_password",
            messages::CURRENT_PASSWORD_WRONG,
        ));
    }
    password::check_policy(new, &user.email, "new_password")?;
    if new == current {
        return Err(Error::field("new_password", messages::PASSWORD_UNCHANGED));
    }
    let hash = password::hash(new.to_owned()).await?;
    let txn = db.begin().await?;
    let mut model: users::ActiveModel = user.into();
    model.password_hash = Set(hash);
    model.password_changed_at = Set(Utc::now());
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    let mut others =
        sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(actor.user_id));
    if let Some(keep) = keep_session {
        // The table keeps only the hash of a session id.
        others = others.filter(sessions::Column::Id.ne(crate::access::sessions::storage_key(keep)));
    }
    others.exec(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            "user.password_changed",
            "user",
            Some(actor.user_id.to_string()),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates an administrator (the command line's `create-admin`, first run).
/// Without a password one is generated and returned.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: Option<String>,
) -> Result<Option<String>> {
    let email = validate_email(email)?;
    let (password, generated) = match password.filter(|p| !p.is_empty()) {
        Some(password) => {
            password::check_policy(&password, &email, "password")?;
            (password, None)
        }
        None => {
            let generated = password::generate();
            (generated.clone(), Some(generated))
        }
    };
    access::ensure_builtin_roles(db).await?;
    let hash = password::hash(password).await?;
    let txn = db.begin().await?;
    access::lock_access(&txn).await?;
    if users::Entity::find()
        .filter(users::Column::EmailKey.eq(email_key(&email)))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(Error::field("email", messages::EMAIL_TAKEN));
    }
    let admin_role = access::builtin_role_id(&txn, BuiltinRole::Admin)
        .await?
        .ok_or_else(|| Error::Conflict(messages::ADMIN_ROLE_MISSING.into()))?;
    let id = insert(&txn, &email, name, hash, &[admin_role]).await?;
    audit::record(
        &txn,
        Who::System,
        Entry::new("user.created", "user", Some(id.to_string()))
            .after(json!({ "email": email, "name": name, "roles": ["Admin"] })),
    )
    .await?;
    txn.commit().await?;
    Ok(generated)
}

/// On first run (no users at all) creates `admin@localhost`; returns the
/// generated password, if one was generated, to print once.
pub async fn ensure_first_admin(
    db: &DatabaseConnection,
    password: Option<String>,
) -> Result<Option<FirstAdmin>> {
    access::ensure_builtin_roles(db).await?;
    if users::Entity::find().one(db).await?.is_some() {
        return Ok(None);
    }
    let generated = create_admin(db, FIRST_ADMIN_EMAIL, "Administrator", password).await?;
    Ok(Some(FirstAdmin {
        email: FIRST_ADMIN_EMAIL,
        generated_password: generated,
    }))
}

/// The first administrator's email.
pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// The administrator created on first run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstAdmin {
    /// Its email.
    pub email: &'static str,
    /// The generated password (`None` when `TANDEM_ADMIN_PASSWORD` was used).
    pub generated_password: Option<String>,
}
