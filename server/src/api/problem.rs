//! Errors as `application/problem+json` (RFC 9457), with the fields that
//! failed validation and their messages.

use std::collections::BTreeMap;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What went wrong with a request.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and title say what happened.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short summary of the status.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field name → message, for invalid input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, String>>,
    /// Seconds to wait before retrying (429).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem with `status` and a detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            errors: None,
            retry_after: None,
        }
    }

    /// Invalid input: 422 with a message per field.
    pub fn invalid(errors: BTreeMap<String, String>) -> Self {
        Self {
            errors: Some(errors),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The request has invalid fields; nothing was changed.",
            )
        }
    }

    /// No valid token: 401.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Send a valid API token as `Authorization: Bearer tdm_…`.",
        )
    }

    /// Unknown record or path: 404.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "No such record or path.")
    }
}

impl From<tandem_domain::Error> for Problem {
    fn from(err: tandem_domain::Error) -> Self {
        use tandem_domain::Error as E;
        match err {
            E::NotFound => Self::not_found(),
            E::Unauthenticated => Self::unauthenticated(),
            E::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "The token (or its owner) lacks the permission for this.",
            ),
            E::Validation(errors) => Self::invalid(errors),
            E::Conflict(message) => Self::new(StatusCode::CONFLICT, message),
            E::RateLimited { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests.")
            },
            E::Internal(message) => {
                tracing::error!(%message, "API request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on the server; it has been logged.",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<T, Problem>;

/// The domain error as a problem, with the services' field names that
/// differ from the API's (`(service, api)`, matched on a field path's
/// last segment) renamed.
pub fn renamed(err: tandem_domain::Error, fields: &[(&str, &str)]) -> Problem {
    match err {
        tandem_domain::Error::Validation(errors) => Problem::invalid(
            errors
                .into_iter()
                .map(|(field, message)| {
                    // The last segment: `lines.0.unit_price` too.
                    let (head, last) = field.rsplit_once('.').unwrap_or(("", field.as_str()));
                    let field = match fields.iter().find(|(from, _)| *from == last) {
                        Some((_, to)) if head.is_empty() => (*to).to_owned(),
                        Some((_, to)) => format!("{head}.{to}"),
                        None => field.clone(),
                    };
                    (field, message)
                })
                .collect(),
        ),
        other => other.into(),
    }
}
