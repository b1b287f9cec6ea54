//! API tokens: how other systems sign in to the REST API.
//!
//! A token is `tdm_<prefix>_<secret>`. The prefix is stored as it is, to
//! find the token; the secret only as its SHA-256 (a token is long and
//! random, so a slow password hash would add nothing but time to every
//! request). A token acts as its owner with the permissions it was given,
//! and never beyond what the owner holds at the time of each request: a
//! role taken from the owner is taken from their tokens too, and a
//! deactivated owner's tokens stop working.

use std::collections::BTreeSet;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{
    access::{policy, Actor, Permission, RequestMeta},
    entities::{api_tokens, users},
    messages, Error, Result,
    {
        access::audit::{self, Entry, Who},
        access::roles as access,
    },
};

/// What every token starts with, so it is recognisable in a leaked log.
pub const TOKEN_START: &str = "tdm_";
/// Characters of the public prefix.
const PREFIX_LEN: usize = 12;
/// Characters of the secret (62^40, about 238 bits).
const SECRET_LEN: usize = 40;
/// `last_used_at` is written at most this often per token.
const LAST_USED_GRAIN: Duration = Duration::seconds(60);

/// What the token form (or the command line) sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenInput {
    /// The owner; none means the acting user.
    pub user_id: Option<i64>,
    /// A name to tell tokens apart.
    pub name: String,
    /// Permission codes; none means all the owner holds now.
    pub permissions: Option<Vec<String>>,
    /// When the token stops working; none means never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token as lists show it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Key.
    pub id: i64,
    /// The owner.
    pub user_id: i64,
    /// The owner's email.
    pub user_email: String,
    /// Its name.
    pub name: String,
    /// Its public prefix (`tdm_<prefix>_…`).
    pub prefix: String,
    /// Granted permission codes, sorted.
    pub permissions: Vec<String>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Expiry (UTC).
    pub expires_at: Option<DateTime<Utc>>,
    /// Last request (UTC, to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked (UTC).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new token and its secret, shown once.
#[derive(Clone, Debug)]
pub struct Created {
    /// The token.
    pub token: Token,
    /// The whole token to give the other system; it is not stored.
    pub secret: String,
}

/// Who an authenticated API request acts as.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// The owner, with the token's permissions that the owner still holds.
    pub actor: Actor,
    /// The token's id (idempotency keys are kept per token).
    pub token_id: i64,
}

fn random(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bytes = [0_u8; 64];
        OsRng.fill_bytes(&mut bytes);
        // Rejection sampling: no bias towards the alphabet's first letters.
        for b in bytes {
            let b = usize::from(b);
            if b < ALPHABET.len() * 4 && out.len() < len {
                out.push(char::from(ALPHABET[b % ALPHABET.len()]));
            }
        }
    }
    out
}

fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal strings, compared in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn codes(permissions: &BTreeSet<Permission>) -> String {
    permissions
        .iter()
        .map(|p| p.code())
        .collect::<Vec<_>>()
        .join(",")
}

fn granted(stored: &str) -> BTreeSet<Permission> {
    stored
        .split(',')
        .filter_map(|code| Permission::from_code(code.trim()))
        .collect()
}

fn view(model: api_tokens::Model, user_email: String) -> Token {
    let mut permissions: Vec<String> = granted(&model.permissions)
        .into_iter()
        .map(|p| p.code().to_owned())
        .collect();
    permissions.sort();
    Token {
        id: model.id,
        user_id: model.user_id,
        user_email,
        name: model.name,
        prefix: model.prefix,
        permissions,
        created_at: model.created_at,
        expires_at: model.expires_at,
        last_used_at: model.last_used_at,
        revoked_at: model.revoked_at,
    }
}

/// Creates a token. An admin (`admin.integrations`) may create one for any
/// active user; a user with `admin.own_tokens` for themselves. The token's
/// permissions must be held by the owner.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &TokenInput,
    now: DateTime<Utc>,
) -> Result<Created> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminIntegrations, Permission::AdminOwnTokens],
    )?;
    let owner = input.user_id.unwrap_or(actor.user_id);
    if owner != actor.user_id && !actor.has(Permission::AdminIntegrations) {
        return Err(Error::Forbidden);
    }
    issue(db, Who::Actor(actor), actor.user_id, owner, input, now).await
}

/// Creates a token for the user with `email`, as Tandem itself (the
/// command line, run by whoever runs the server).
pub async fn create_for_email(
    db: &DatabaseConnection,
    email: &str,
    input: &TokenInput,
    now: DateTime<Utc>,
) -> Result<Created> {
    let owner = crate::access::users::id_by_email(db, email)
        .await?
        .ok_or_else(|| Error::field("email", messages::TOKEN_OWNER_UNKNOWN))?;
    issue(db, Who::System, owner, owner, input, now).await
}

async fn issue(
    db: &DatabaseConnection,
    who: Who<'_>,
    created_by: i64,
    owner: i64,
    input: &TokenInput,
    now: DateTime<Utc>,
) -> Result<Created> {
    let mut errors = crate::FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), messages::MAX_100.into());
    }
    if input.expires_at.is_some_and(|at| at <= now) {
        errors.insert("expires_at".into(), messages::TOKEN_EXPIRY_PAST.into());
    }
    let txn = db.begin().await?;
    let owner_actor = access::resolve_actor(&txn, owner, RequestMeta::default()).await?;
    let Some(owner_actor) = owner_actor else {
        errors.insert("user_id".into(), messages::TOKEN_OWNER_UNKNOWN.into());
        return Err(Error::Validation(errors));
    };
    let permissions: BTreeSet<Permission> = match &input.permissions {
        None => owner_actor.permissions.clone(),
        Some(list) => match access::parse_permissions(list) {
            Ok(list) => list.into_iter().collect(),
            Err(Error::Validation(field)) => {
                errors.extend(field);
                BTreeSet::new()
            }
            Err(other) => return Err(other),
        },
    };
    if !errors.contains_key("permissions") {
        if permissions.is_empty() {
            errors.insert("permissions".into(), messages::TOKEN_NO_PERMISSIONS.into());
        } else if !permissions.is_subset(&owner_actor.permissions) {
            errors.insert("permissions".into(), messages::TOKEN_BEYOND_OWNER.into());
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if let Who::Actor(issuer) = who {
        // The issuer receives the secret, so a token is a grant to them:
        // only for owners holding no more than the issuer.
        let change = access::AccessChange::Token {
            owner,
            permissions: &permissions,
        };
        access::authorize_change(&txn, issuer, change).await?;
    }
    let prefix = random(PREFIX_LEN);
    let secret = random(SECRET_LEN);
    let model = api_tokens::ActiveModel {
        user_id: Set(owner),
        name: Set(name.clone()),
        prefix: Set(prefix.clone()),
        secret_hash: Set(digest(&secret)),
        permissions: Set(codes(&permissions)),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(input.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        who,
        Entry::new("api_token.created", "api_token", Some(model.id.to_string())).after(json!({
            "name": name,
            "user_id": owner,
            "prefix": prefix,
            "permissions": codes(&permissions),
            "expires_at": input.expires_at,
        })),
    )
    .await?;
    txn.commit().await?;
    let secret = format!("{TOKEN_START}{prefix}_{secret}");
    Ok(Created {
        token: view(model, owner_actor.email),
        secret,
    })
}

/// Tokens, newest first: every user's with `admin.integrations`, otherwise
/// the actor's own (with `admin.own_tokens`).
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Token>> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminIntegrations, Permission::AdminOwnTokens],
    )?;
    let mut query = api_tokens::Entity::find().order_by_desc(api_tokens::Column::Id);
    if !actor.has(Permission::AdminIntegrations) {
        query = query.filter(api_tokens::Column::UserId.eq(actor.user_id));
    }
    let tokens = query.all(db).await?;
    let owners: Vec<i64> = tokens.iter().map(|t| t.user_id).collect();
    let emails: std::collections::HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(owners))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    Ok(tokens
        .into_iter()
        .map(|t| {
            let email = emails.get(&t.user_id).cloned().unwrap_or_default();
            view(t, email)
        })
        .collect())
}

/// The tokens section of the integrations page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// The tokens the actor may see, newest first ([`list`]).
    pub tokens: Vec<Token>,
    /// The users a token may be made for: every active user's (id, name)
    /// with `admin.integrations`, none otherwise (a token is one's own).
    pub owners: Vec<(i64, String)>,
    /// The permission codes the actor holds (a token gets some of them), sorted.
    pub permissions: Vec<String>,
}

/// The tokens, the owners a new token may have and the permissions it may
/// get. Needs `admin.integrations` or `admin.own_tokens`.
pub async fn overview(db: &impl ConnectionTrait, actor: &Actor) -> Result<Overview> {
    let tokens = list(db, actor).await?;
    let owners = if actor.has(Permission::AdminIntegrations) {
        crate::access::users::active_names(db).await?
    } else {
        Vec::new()
    };
    let mut permissions: Vec<String> = actor
        .permissions
        .iter()
        .map(|p| p.code().to_owned())
        .collect();
    permissions.sort();
    Ok(Overview {
        tokens,
        owners,
        permissions,
    })
}

/// Revokes a token at once (its next request is refused). An admin may
/// revoke any; a user their own. Revoking twice changes nothing.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let actor = policy::require_any(
        actor,
        &[Permission::AdminIntegrations, Permission::AdminOwnTokens],
    )?;
    let txn = db.begin().await?;
    let token = api_tokens::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|t| t.user_id == actor.user_id || actor.has(Permission::AdminIntegrations))
        .ok_or(Error::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    let prefix = token.prefix.clone();
    let mut active: api_tokens::ActiveModel = token.into();
    active.revoked_at = Set(Some(now));
    active.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("api_token.revoked", "api_token", Some(id.to_string()))
            .after(json!({ "prefix": prefix, "revoked_at": now })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The actor behind a presented token, or `None` when the token is
/// malformed, unknown, wrong, revoked or expired, or its owner can no
/// longer sign in. Reads through `db`; notes the time of use through
/// `writer` (at most once a minute).
pub async fn authenticate(
    db: &impl ConnectionTrait,
    writer: &impl ConnectionTrait,
    presented: &str,
    meta: RequestMeta,
    now: DateTime<Utc>,
) -> Result<Option<Authenticated>> {
    let Some((prefix, secret)) = presented
        .strip_prefix(TOKEN_START)
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(None);
    };
    if prefix.len() != PREFIX_LEN || secret.len() != SECRET_LEN {
        return Ok(None);
    }
    let Some(token) = api_tokens::Entity::find()
        .filter(api_tokens::Column::Prefix.eq(prefix))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !same(&digest(secret), &token.secret_hash)
        || token.revoked_at.is_some()
        || token.expires_at.is_some_and(|at| at <= now)
    {
        return Ok(None);
    }
    let Some(mut actor) = access::resolve_actor(db, token.user_id, meta).await? else {
        return Ok(None);
    };
    let allowed = granted(&token.permissions);
    actor.permissions = actor.permissions.intersection(&allowed).copied().collect();
    if token
        .last_used_at
        .is_none_or(|at| now - at >= LAST_USED_GRAIN)
    {
        api_tokens::Entity::update_many()
            .col_expr(
                api_tokens::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_tokens::Column::Id.eq(token.id))
            .exec(writer)
            .await?;
    }
    Ok(Some(Authenticated {
        actor,
        token_id: token.id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_drawn_from_the_whole_alphabet() {
        let a = random(SECRET_LEN);
        let b = random(SECRET_LEN);
        assert_eq!(a.len(), SECRET_LEN);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        let many: String = (0..200).map(|_| random(SECRET_LEN)).collect();
        for c in ['A', 'z', '0', '9'] {
            assert!(many.contains(c), "{c} never drawn");
        }
    }

    #[test]
    fn comparison_needs_every_character() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert_eq!(digest("x").len(), 64);
    }
}
