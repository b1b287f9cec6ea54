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
    /// The server could not read the request (a missing or mistyped
    /// argument); the message says what, without echoing the input.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// The call did not reach the server or its answer could not be read.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status a server function answers this error with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Unauthorized => S::UNAUTHORIZED,
            Self::Forbidden => S::FORBIDDEN,
            Self::NotFound => S::NOT_FOUND,
            Self::Validation(_) => S::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => S::CONFLICT,
            Self::RateLimited(_) => S::TOO_MANY_REQUESTS,
            Self::Malformed(_) => S::BAD_REQUEST,
            Self::Internal | Self::Transport(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server these are failures to read the caller's request
        // (a body that does not parse, a missing or mistyped argument): a
        // 400, never the 500 server_fn answers with by default.
        #[cfg(feature = "ssr")]
        if let Some(malformed) = malformed_request(&value) {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::BAD_REQUEST);
            }
            return malformed;
        }
        Self::Transport(value.to_string())
    }
}

/// Most characters of a parser's message passed on to the caller.
#[cfg(feature = "ssr")]
const MALFORMED_MESSAGE_MAX: usize = 200;

/// The wire error for a request the server could not read, or `None` for
/// failures of the server's own (which stay 500s).
#[cfg(feature = "ssr")]
fn malformed_request(value: &ServerFnErrorErr) -> Option<AppError> {
    let detail = match value {
        ServerFnErrorErr::Args(detail)
        | ServerFnErrorErr::MissingArg(detail)
        | ServerFnErrorErr::Deserialization(detail)
        | ServerFnErrorErr::UnsupportedRequestMethod(detail)
        | ServerFnErrorErr::Request(detail) => detail,
        _ => return None,
    };
    // serde's messages name the field and the expected type; they can
    // quote part of the input, so they are cut short and kept printable.
    let detail: String = detail
        .chars()
        .filter(|c| !c.is_control())
        .take(MALFORMED_MESSAGE_MAX)
        .collect();
    tracing::debug!(%detail, "malformed server function request");
    Some(AppError::Malformed(format!(
        "The request could not be read: {detail}"
    )))
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
