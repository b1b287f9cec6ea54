//! The CSV import's files: the upload (a plain multipart form, so it works
//! before the page's script has loaded) and a run's error file. The import
//! itself is the domain's `services::import`; the page drives it.

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use tandem_app::ssr::{AppState, CurrentActor};
use tandem_domain::{services::import, Error};

/// The largest upload (a 100,000-row customer file is about 15 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The body limit for the upload route.
pub fn limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_UPLOAD)
}

/// Why an upload was refused, as the page's `failed` parameter.
fn failed(kind: &str, reason: &str) -> Response {
    Redirect::to(&format!("/admin/import?kind={kind}&failed={reason}")).into_response()
}

/// `POST /admin/files/import`: fields `kind` and `file`. Answers with a
/// redirect to the import page, with the upload to map, or with why not.
pub async fn upload(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    mut form: Multipart,
) -> Response {
    let mut kind = String::from("customers");
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "kind" {
                    kind = field.text().await.unwrap_or_default();
                } else if name == "file" {
                    let file_name = field.file_name().unwrap_or("upload.csv").to_owned();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((file_name, bytes.to_vec())),
                        Err(_) => return failed("customers", "large"),
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return failed("customers", "large"),
        }
    }
    let Some(kind) = import::Kind::from_code(&kind) else {
        return failed("customers", "kind");
    };
    let code = kind.code();
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return failed(code, "missing");
    };
    match import::upload(&state.db, actor.as_ref(), &file_name, &bytes).await {
        Ok((id, _)) => {
            Redirect::to(&format!("/admin/import?kind={code}&upload={id}")).into_response()
        }
        Err(Error::Unauthenticated) => (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
        Err(Error::Forbidden) => (StatusCode::FORBIDDEN, "You may not import.").into_response(),
        Err(Error::Validation(fields)) => {
            let message = fields.values().next().cloned().unwrap_or_default();
            let reason = match message.as_str() {
                tandem_domain::messages::IMPORT_ENCODING => "encoding",
                tandem_domain::messages::IMPORT_EMPTY => "empty",
                _ => "unreadable",
            };
            failed(code, reason)
        }
        Err(err) => {
            tracing::error!(%err, "cannot keep an upload");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /admin/files/import-errors/{run}`: a run's bad rows with an error
/// column, to fix and import again.
pub async fn errors(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    Path(run): Path<i64>,
) -> Response {
    match import::errors_of(&state.reader, actor.as_ref(), run).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"import-{run}-errors.csv\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            csv,
        )
            .into_response(),
        Err(Error::Unauthenticated) => (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
        Err(Error::Forbidden) => (StatusCode::FORBIDDEN, "You may not read this.").into_response(),
        Err(Error::NotFound) => (StatusCode::NOT_FOUND, "No such import.").into_response(),
        Err(err) => {
            tracing::error!(%err, "cannot read an import's errors");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
