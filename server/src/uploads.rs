//! The CSV import's files: the upload (a plain multipart form, so it works
//! before the page's script has loaded) and a run's error file. The import
//! itself is the domain's `services::import`; the page drives it.

use axum::{
    extract::{
        multipart::{Field, MultipartError},
        DefaultBodyLimit, FromRequest, Multipart, Path, Request, State,
    },
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use tandem_app::ssr::{AppState, CurrentActor};
use tandem_domain::{
    access::{policy, Permission},
    integration::import,
    Error,
};

/// The largest upload (a 100,000-row customer file is about 15 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The longest value of the form's other fields (`kind`).
const MAX_FIELD: usize = 100;

/// Room in the body for the form around the file (boundaries, headers,
/// `kind`), so a file of exactly [`MAX_UPLOAD`] still fits.
const FORM_OVERHEAD: usize = 64 * 1024;

/// The body limit for the upload route.
pub fn limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_UPLOAD + FORM_OVERHEAD)
}

/// Why an upload was refused, as the page's `failed` parameter.
fn failed(kind: &str, reason: &str) -> Response {
    Redirect::to(&format!("/admin/import?kind={kind}&failed={reason}")).into_response()
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        "The file is larger than 64 MiB.",
    )
        .into_response()
}

fn refused(err: Error) -> Response {
    match err {
        Error::Unauthenticated => (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
        Error::Forbidden => (StatusCode::FORBIDDEN, "You may not import.").into_response(),
        err => {
            tracing::error!(%err, "cannot check who may upload");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn unreadable(err: &MultipartError) -> Response {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        failed("customers", "unreadable")
    }
}

/// The body length the client declares, if any.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Reads a field as it arrives, stopping at the first chunk past `limit`.
async fn read_capped(mut field: Field<'_>, limit: usize) -> Result<Vec<u8>, Response> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `POST /admin/files/import`: fields `kind` and `file`. Answers with a
/// redirect to the import page, with the upload to map, or with why not.
/// Who may import is settled before a byte of the body is read (401/403),
/// a body declared larger than the file limit allows is refused unread
/// (413), and a file that grows past [`MAX_UPLOAD`] while arriving is cut
/// off there (413).
pub async fn upload(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    request: Request,
) -> Response {
    let Some(actor) = actor else {
        return refused(Error::Unauthenticated);
    };
    if let Err(err) = policy::require(&actor, Permission::AdminImport) {
        return refused(err);
    }
    let largest = (MAX_UPLOAD + FORM_OVERHEAD) as u64;
    if declared_length(request.headers()).is_some_and(|length| length > largest) {
        return too_large();
    }
    let mut form = match <Multipart as FromRequest<AppState>>::from_request(request, &state).await {
        Ok(form) => form,
        Err(rejection) => return rejection.into_response(),
    };
    let mut kind = String::from("customers");
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return unreadable(&err),
        };
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some("kind") => match read_capped(field, MAX_FIELD).await {
                Ok(bytes) => kind = String::from_utf8_lossy(&bytes).into_owned(),
                Err(response) => return response,
            },
            Some("file") => {
                let file_name = field.file_name().unwrap_or("upload.csv").to_owned();
                match read_capped(field, MAX_UPLOAD).await {
                    Ok(bytes) => file = Some((file_name, bytes)),
                    Err(response) => return response,
                }
            }
            _ => {}
        }
    }
    let Some(kind) = import::Kind::from_code(&kind) else {
        return failed("customers", "kind");
    };
    let code = kind.code();
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return failed(code, "missing");
    };
    match import::upload(&state.db, &actor, &file_name, &bytes).await {
        Ok((id, _)) => {
            Redirect::to(&format!("/admin/import?kind={code}&upload={id}")).into_response()
        }
        Err(err @ (Error::Unauthenticated | Error::Forbidden)) => refused(err),
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
    let Some(actor) = actor else {
        return refused(Error::Unauthenticated);
    };
    match import::errors_of(&state.reader, &actor, run).await {
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
