//! Extractors whose rejections answer as problems: the caller (from the
//! token), the write's transaction, a JSON body, query parameters and a
//! record id in the path.

use std::sync::Arc;

use axum::{
    extract::{rejection::JsonRejection, FromRequest, FromRequestParts, Request},
    http::{request::Parts, StatusCode},
};
use sea_orm::DatabaseTransaction;
use serde::de::DeserializeOwned;
use tandem_domain::{access::api_tokens::Authenticated, access::Actor};

use super::problem::Problem;

/// The actor behind the request's API token (the auth middleware puts it in).
#[derive(Clone, Debug)]
pub struct Caller(pub Authenticated);

impl Caller {
    /// The actor, as the services take it.
    pub fn actor(&self) -> &Actor {
        &self.0.actor
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(Caller)
            .ok_or_else(Problem::unauthenticated)
    }
}

/// The transaction a write request runs in. The write middleware opens it
/// and commits it together with the answer (and the request's
/// `Idempotency-Key`), so a write handler passes it to the services and
/// builds its answer (`super::Written`) through it, never through the
/// pools: what it does and what it answers are saved together or not at all.
#[derive(Clone, Debug)]
pub struct Txn(pub Arc<DatabaseTransaction>);

impl<S: Send + Sync> FromRequestParts<S> for Txn {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Txn>().cloned().ok_or_else(|| {
            Problem::from(tandem_domain::Error::Internal(
                "a write handler ran outside the write middleware".into(),
            ))
        })
    }
}

/// A JSON body; malformed JSON or wrong types are a 400 or 422 problem,
/// another content type a 415, a body over the limit a 413.
#[derive(Clone, Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> Problem {
    let status = match rejection {
        JsonRejection::JsonDataError(_) => StatusCode::UNPROCESSABLE_ENTITY,
        JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    Problem::new(status, rejection.body_text())
}

/// Query parameters; a value of the wrong type is a 400 problem.
#[derive(Clone, Debug)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Params(q.0))
            .map_err(|rejection| Problem::new(StatusCode::BAD_REQUEST, rejection.body_text()))
    }
}

/// A record id from the path; anything but a positive integer is "not found".
#[derive(Clone, Copy, Debug)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<i64>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) if id > 0 => Ok(Id(id)),
            _ => Err(Problem::not_found()),
        }
    }
}
