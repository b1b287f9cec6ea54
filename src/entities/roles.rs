//! `roles`: named sets of permissions.

use sea_orm::entity::prelude::*;

/// A role.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roles")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Lower-cased name: unique.
    pub name_key: String,
    /// What the role is for.
    pub description: String,
    /// The built-in role this row was created as (`admin`, `manager`, …), if any.
    pub builtin: Option<String>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
