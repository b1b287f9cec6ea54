//! `webhook_endpoints`: where Tandem sends its events.

use sea_orm::entity::prelude::*;

/// A row of `webhook_endpoints`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A name to tell endpoints apart.
    pub name: String,
    /// Where deliveries are POSTed (http or https).
    pub url: String,
    /// Event types, comma-separated; `*` is every type.
    pub event_types: String,
    /// The HMAC-SHA256 signing key.
    pub secret: String,
    /// Inactive endpoints get no new deliveries and nothing is sent to them.
    pub active: bool,
    /// Who registered it.
    pub created_by: i64,
    /// Registered (UTC); it hears events from then on.
    pub created_at: ChronoDateTimeUtc,
    /// Last changed (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
