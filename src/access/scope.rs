//! Record scope as query conditions: the one place that turns the policy's
//! [`Scope`] into a filter, so lists, search, detail pages and counts of
//! every area apply it the same way. [`records`] gathers the scopes of all
//! areas for the views derived from many of them.

pub mod records;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait};

use crate::{
    access::{Actor, Permission, Scope},
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

/// Longest text a list's search box takes, in characters.
pub const MAX_SEARCH: usize = 200;

/// Text typed into a search box, made safe for `LIKE` and range matching;
/// `None` when there is nothing to search for. Longer than [`MAX_SEARCH`]
/// characters is refused (field `search`) before anything else reads it:
/// every list's search goes through here, so none of them matches a
/// megabyte-long pattern against every row.
pub fn search_text(text: Option<&str>) -> Result<Option<String>> {
    let Some(text) = text.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if text.chars().nth(MAX_SEARCH).is_some() {
        return Err(Error::field("search", crate::messages::MAX_200));
    }
    let cleaned = text.to_lowercase().replace(['\\', '%', '_'], "");
    Ok((!cleaned.is_empty()).then_some(cleaned))
}
