//! The built-in roles: created once on first start, and found by their key.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;

use super::{
    rows::{codes, insert_role, replace_permissions},
    GUARD_KEY,
};
use crate::{
    access::{
        audit::{self, Entry, Who},
        builtin::BuiltinRole,
    },
    entities::roles,
    platform::meta,
    Result,
};

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
