//! Sales teams: a user belongs to at most one, and "my team" in the
//! forecast means its members. Managed by those who manage users.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::{team_members, teams, users},
    Error, Result,
};

/// A team with its members' ids and names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// (user id, name), by name.
    pub members: Vec<(i64, String)>,
}

/// Every team with its members. Needs `admin.users`.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Team>> {
    policy::require(actor, Permission::AdminUsers)?;
    let found = teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(db)
        .await?;
    let members = team_members::Entity::find().all(db).await?;
    let names: BTreeMap<i64, String> = users::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(found
        .into_iter()
        .map(|t| {
            let mut people: Vec<(i64, String)> = members
                .iter()
                .filter(|m| m.team_id == t.id)
                .map(|m| {
                    (
                        m.user_id,
                        names.get(&m.user_id).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            people.sort_by(|a, b| a.1.cmp(&b.1));
            Team {
                id: t.id,
                name: t.name,
                members: people,
            }
        })
        .collect())
}

/// The teams page: every team, and the active users who may be put in one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    /// Every team with its members, by name.
    pub teams: Vec<Team>,
    /// Every active user's (id, name), by name.
    pub users: Vec<(i64, String)>,
}

/// Every team and every active user. Needs `admin.users`.
pub async fn roster(db: &impl ConnectionTrait, actor: &Actor) -> Result<Roster> {
    let found = list(db, actor).await?;
    Ok(Roster {
        teams: found,
        users: crate::access::users::active_names(db).await?,
    })
}

/// Creates a team. Needs `admin.users`; names are unique.
pub async fn create(db: &DatabaseConnection, actor: &Actor, name: &str) -> Result<i64> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::field("name", crate::messages::NAME_REQUIRED));
    }
    if name.chars().count() > 100 {
        return Err(Error::field("name", crate::messages::MAX_100));
    }
    let txn = db.begin().await?;
    let taken = teams::Entity::find()
        .all(&txn)
        .await?
        .iter()
        .any(|t| t.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(Error::field("name", crate::messages::TEAM_TAKEN));
    }
    let id = teams::Entity::insert(teams::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        // Two admins creating the same team at once: the unique index decides.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::field("name", crate::messages::TEAM_TAKEN)
        }
        _ => Error::from(e),
    })?
    .last_insert_id;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("team.created", "team", Some(id.to_string())).after(json!({ "name": name })),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Puts a user in a team, or in none. Needs `admin.users`.
pub async fn set_team(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: i64,
    team_id: Option<i64>,
) -> Result<()> {
    let actor = policy::require(actor, Permission::AdminUsers)?;
    let txn = db.begin().await?;
    users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if let Some(team) = team_id {
        teams::Entity::find_by_id(team)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::field("team_id", crate::messages::TEAM_MISSING))?;
    }
    let before = team_members::Entity::find_by_id(user_id).one(&txn).await?;
    team_members::Entity::delete_many()
        .filter(team_members::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    if let Some(team) = team_id {
        team_members::Entity::insert(team_members::ActiveModel {
            user_id: Set(user_id),
            team_id: Set(team),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("user.team_changed", "user", Some(user_id.to_string()))
            .before(json!({ "team_id": before.map(|m| m.team_id) }))
            .after(json!({ "team_id": team_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// `SELECT user_id FROM team_members WHERE team_id = …`, for filters.
pub fn members_query(team: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::{QuerySelect, QueryTrait};
    team_members::Entity::find()
        .select_only()
        .column(team_members::Column::UserId)
        .filter(team_members::Column::TeamId.eq(team))
        .into_query()
}
