//! `api_tokens`: named tokens for the REST API, stored hashed.

use sea_orm::entity::prelude::*;

/// A row of `api_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user the token acts as.
    pub user_id: i64,
    /// A name to tell tokens apart ("web shop").
    pub name: String,
    /// The public part of the token, for lookup.
    pub prefix: String,
    /// SHA-256 (hex) of the secret part.
    pub secret_hash: String,
    /// Granted permission codes, comma-separated.
    pub permissions: String,
    /// Who created it.
    pub created_by: i64,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// No longer valid from (UTC).
    pub expires_at: Option<ChronoDateTimeUtc>,
    /// Last request (UTC, to the minute).
    pub last_used_at: Option<ChronoDateTimeUtc>,
    /// Revoked (UTC).
    pub revoked_at: Option<ChronoDateTimeUtc>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
