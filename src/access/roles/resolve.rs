//! Resolving the actor of a request from a signed-in user id.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    access::{Actor, Permission, RequestMeta},
    entities::{role_permissions, user_roles, users},
    Result,
};

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
