//! Record scope as query conditions: the one place that turns the policy's
//! [`Scope`] into a filter, so lists, search, detail pages and counts of
//! every area apply it the same way.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait};

use crate::{
    auth::{Actor, Permission, Scope},
    entities::users,
    Error, Result,
};

/// Rows whose owner column is in scope.
pub fn owned<C: ColumnTrait>(scope: Scope, owner: C) -> Condition {
    match scope {
        Scope::All => Condition::all(),
        Scope::Own(user) => Condition::all().add(owner.eq(user)),
    }
}

/// Rows whose (normalised, lower-case) column starts with `prefix`, as a
/// range so that an ordinary index serves it on both engines.
pub fn prefix<C: ColumnTrait>(column: C, prefix: &str) -> Condition {
    let mut upper: Vec<char> = prefix.chars().collect();
    match upper.pop() {
        None => Condition::all(),
        Some(last) => {
            let next = char::from_u32(last as u32 + 1).unwrap_or(char::MAX);
            upper.push(next);
            let upper: String = upper.into_iter().collect();
            Condition::all()
                .add(column.gte(prefix.to_owned()))
                .add(column.lt(upper))
        }
    }
}

/// The owner a record gets: `requested`, or the actor when none. Giving a
/// record to someone else needs `read_all` of the area (a user who sees
/// only their own records cannot hand them on), and the owner must be an
/// active user.
pub async fn assignee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    requested: Option<i64>,
    read_all: Permission,
) -> Result<i64> {
    let owner = requested.unwrap_or(actor.user_id);
    if owner != actor.user_id && !actor.has(read_all) {
        return Err(Error::Forbidden);
    }
    let active = users::Entity::find_by_id(owner)
        .one(db)
        .await?
        .is_some_and(|u| u.active);
    if !active {
        return Err(Error::field("owner_id", crate::messages::OWNER_INVALID));
    }
    Ok(owner)
}

/// Text typed into a search box, made safe for `LIKE` and range matching.
pub fn search_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.to_lowercase().replace(['\\', '%', '_'], ""))
        .filter(|s| !s.is_empty())
}
