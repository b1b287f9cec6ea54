//! `idempotency_keys`: the first answer to a write request, by its key.

use sea_orm::entity::prelude::*;

/// A row of `idempotency_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The token that sent the request (keys are per token).
    pub token_id: i64,
    /// The client's `Idempotency-Key`.
    pub key: String,
    /// The request's method.
    pub method: String,
    /// The request's path and query.
    pub path: String,
    /// SHA-256 (hex) of method, path and body.
    pub fingerprint: String,
    /// The first answer's HTTP status. None only inside the request's own
    /// transaction (the key, the write and the answer commit together); a
    /// committed row without one was left by an older version and is taken
    /// over by the next request with its key.
    pub status: Option<i32>,
    /// The first answer's body.
    pub response: String,
    /// First seen (UTC).
    pub created_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
