//! `sessions`: the web sessions (tower-sessions records).

use sea_orm::entity::prelude::*;

/// One browser session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 (hex) of the session id: the cookie's value is never stored.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The signed-in user, if any.
    pub user_id: Option<i64>,
    /// The session's data as JSON.
    pub data: String,
    /// When the session expires (idle timeout).
    pub expires_at: ChronoDateTimeUtc,
    /// The client's address at sign-in.
    pub client_addr: Option<String>,
    /// The browser's user agent at sign-in.
    pub user_agent: Option<String>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last written (UTC).
    pub updated_at: ChronoDateTimeUtc,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
