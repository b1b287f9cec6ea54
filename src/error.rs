//! The domain error: what went wrong in business terms, without HTTP.

use std::collections::BTreeMap;

/// Field name → human-readable message, for input that failed validation.
pub type FieldErrors = BTreeMap<String, String>;

/// Every way a domain operation can fail.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The record does not exist (or the actor may not know it exists).
    #[error("not found")]
    NotFound,
    /// Nobody is signed in, and the operation needs someone.
    #[error("sign-in required")]
    Unauthenticated,
    /// The actor lacks the permission for this operation.
    #[error("forbidden")]
    Forbidden,
    /// The input is invalid; nothing was changed.
    #[error("invalid input: {0:?}")]
    Validation(FieldErrors),
    /// The operation conflicts with the current state (a refused transition, a duplicate).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after_secs: u64,
    },
    /// A failure the user cannot fix (database down, a bug). Logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), message.into());
        Self::Validation(errors)
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.to_string())
    }
}

/// The domain's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
