//! `role_permissions`: which permissions a role grants.

use sea_orm::entity::prelude::*;

/// One permission granted by one role.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_permissions")]
pub struct Model {
    /// The role.
    #[sea_orm(primary_key, auto_increment = false)]
    pub role_id: i64,
    /// The permission code (`customers.read`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub permission: String,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
