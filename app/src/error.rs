//! The wire error every server function returns. It says little: internal
//! causes are logged on the server and never sent to the browser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// What the browser learns about a failed server call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Sign-in is required.
    #[error("sign-in required")]
    Unauthorized,
    /// The user lacks the permission.
    #[error("not permitted")]
    Forbidden,
    /// The record does not exist.
    #[error("not found")]
    NotFound,
    /// Field → message; nothing was changed.
    #[error("invalid input")]
    Validation(BTreeMap<String, String>),
    /// The request conflicts with the current state; the message is for the user.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; retry after this many seconds.
    #[error("too many attempts")]
    RateLimited(u64),
    /// A server-side failure; details are in the server log.
    #[error("internal error")]
    Internal,
    /// The call did not reach the server or its answer could not be read.
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<tandem_domain::Error> for AppError {
    fn from(err: tandem_domain::Error) -> Self {
        use tandem_domain::Error as E;
        let (status, wire) = match err {
            E::Unauthenticated => (http::StatusCode::UNAUTHORIZED, Self::Unauthorized),
            E::NotFound => (http::StatusCode::NOT_FOUND, Self::NotFound),
            E::Forbidden => (http::StatusCode::FORBIDDEN, Self::Forbidden),
            E::Validation(fields) => (
                http::StatusCode::UNPROCESSABLE_ENTITY,
                Self::Validation(fields),
            ),
            E::Conflict(message) => (http::StatusCode::CONFLICT, Self::Conflict(message)),
            E::RateLimited { retry_after_secs } => (
                http::StatusCode::TOO_MANY_REQUESTS,
                Self::RateLimited(retry_after_secs),
            ),
            E::Internal(cause) => {
                tracing::error!(%cause, "internal error in a server function");
                (http::StatusCode::INTERNAL_SERVER_ERROR, Self::Internal)
            }
        };
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
        wire
    }
}
