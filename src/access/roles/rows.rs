//! Writing role rows, shared by the built-in roles and the role edits: a
//! new role, its permissions replaced, and their codes for the audit trail.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    access::Permission,
    entities::{role_permissions, roles},
    Result,
};

pub(super) async fn insert_role(
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

pub(super) async fn replace_permissions(
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

pub(super) fn codes(permissions: &[Permission]) -> Vec<&'static str> {
    let mut codes: Vec<_> = permissions.iter().map(|p| p.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}
