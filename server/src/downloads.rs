//! Files an admin downloads from the admin pages: a backup of the whole
//! database, and the full export of one kind of data as CSV. Both stream
//! while they are read from one snapshot (so a large database neither
//! waits for the request timeout nor sits in memory), on the read-only
//! pool, and both need `admin.backups`. Each download is audited.

use std::io::Write;

use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use tandem_app::ssr::{AppState, CurrentActor};
use tandem_domain::{
    auth::{policy, Actor, Permission},
    services::{
        audit::{self, Entry, Who},
        backup,
    },
};
use tokio::sync::mpsc;

/// Bytes gathered before a chunk goes to the client.
const CHUNK: usize = 64 * 1024;

type Chunk = Result<Bytes, std::io::Error>;

/// A `Write` that hands its bytes to the response body in chunks.
struct ChannelWriter {
    tx: mpsc::UnboundedSender<Chunk>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

fn refused(actor: Option<&Actor>) -> Option<Response> {
    match policy::require(actor, Permission::AdminBackups) {
        Ok(_) => None,
        Err(tandem_domain::Error::Unauthenticated) => {
            Some((StatusCode::UNAUTHORIZED, "Sign in first.").into_response())
        }
        Err(_) => Some((StatusCode::FORBIDDEN, "You may not download this.").into_response()),
    }
}

/// A response whose body is what `produce` writes into the channel; an
/// error mid-way cuts the download off (a backup without its last line is
/// refused by restore).
fn streamed(
    content_type: &'static str,
    file_name: String,
    produce: impl FnOnce(ChannelWriter) -> tokio::task::JoinHandle<()>,
) -> Response {
    let (tx, rx) = mpsc::unbounded_channel::<Chunk>();
    produce(ChannelWriter {
        tx,
        buf: Vec::with_capacity(CHUNK),
    });
    // Fused: the response body may be polled again after its end.
    let body =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        }));
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// `GET /admin/files/backup`: a backup, as `tandem backup` writes it.
pub async fn backup(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
) -> Response {
    if let Some(refusal) = refused(actor.as_ref()) {
        return refusal;
    }
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    if let Err(err) = audit::record(
        &state.db,
        actor.as_ref().map_or(Who::System, Who::Actor),
        Entry::new("backup.downloaded", "backup", None),
    )
    .await
    {
        tracing::error!(%err, "cannot audit a backup download");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    streamed(
        "application/gzip",
        format!("tandem-backup-{stamp}.jsonl.gz"),
        move |mut out| {
            tokio::spawn(async move {
                let result = backup::write(&state.reader, actor.as_ref(), &mut out).await;
                if let Err(err) = result {
                    tracing::error!(%err, "backup download failed");
                    let _ = out.tx.send(Err(std::io::Error::other("backup failed")));
                }
            })
        },
    )
}

/// `GET /admin/files/export/{kind}`: every row of one kind as CSV.
pub async fn export(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    Path(kind): Path<String>,
) -> Response {
    if let Some(refusal) = refused(actor.as_ref()) {
        return refusal;
    }
    match backup::export_kinds(&state.reader, actor.as_ref()).await {
        Ok(kinds) if kinds.contains(&kind) => {}
        Ok(_) => return (StatusCode::NOT_FOUND, "No such kind of data.").into_response(),
        Err(err) => {
            tracing::error!(%err, "cannot list the export kinds");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    if let Err(err) = audit::record(
        &state.db,
        actor.as_ref().map_or(Who::System, Who::Actor),
        Entry::new("data.exported", "export", Some(kind.clone())),
    )
    .await
    {
        tracing::error!(%err, "cannot audit a data export");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let stamp = chrono::Utc::now().format("%Y%m%d");
    streamed(
        "text/csv; charset=utf-8",
        format!("tandem-{kind}-{stamp}.csv"),
        move |mut out| {
            tokio::spawn(async move {
                let result =
                    backup::export_csv(&state.reader, actor.as_ref(), &kind, &mut out).await;
                match result.and_then(|_| {
                    out.flush()
                        .map_err(|e| tandem_domain::Error::Internal(e.to_string()))
                }) {
                    Ok(()) => {}
                    Err(err) => {
                        tracing::error!(%err, kind, "data export failed");
                        let _ = out.tx.send(Err(std::io::Error::other("export failed")));
                    }
                }
            })
        },
    )
}
