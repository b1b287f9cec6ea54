//! `users`: people who sign in.

use sea_orm::entity::prelude::*;

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The address as the user typed it.
    pub email: String,
    /// Lower-cased, trimmed email: the unique sign-in key.
    pub email_key: String,
    /// Display name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Inactive users cannot sign in.
    pub active: bool,
    /// Consecutive failed sign-ins.
    pub failed_logins: i32,
    /// Locked after repeated failures until this time.
    pub locked_until: Option<ChronoDateTimeUtc>,
    /// Last successful sign-in.
    pub last_login_at: Option<ChronoDateTimeUtc>,
    /// When the password was last set.
    pub password_changed_at: ChronoDateTimeUtc,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Updated (UTC).
    pub updated_at: ChronoDateTimeUtc,
    /// Away: round-robin assignment skips them.
    pub away: bool,
}

/// Relations are queried explicitly through `user_roles`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
