//! `app_meta`: key/value facts about this installation.

use sea_orm::entity::prelude::*;

/// One fact about the installation, such as when demo data was seeded.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_meta")]
pub struct Model {
    /// The fact's name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// Its value.
    pub value: String,
    /// When it was first written (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// When it last changed (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// `app_meta` has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
