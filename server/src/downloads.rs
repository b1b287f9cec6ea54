//! Files an admin downloads from the admin pages: a backup of the whole
//! database, and the full export of one kind of data as CSV. Both stream
//! while they are read from one snapshot (so a large database neither
//! waits for the request timeout nor sits in memory), on the read-only
//! pool, and both need `admin.backups`. Each download is audited.

use std::{
    io::Write,
    sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError},
};

use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use tandem_app::ssr::{AppState, CurrentActor};
use tandem_domain::{
    access::{policy, Actor, Permission},
    {
        access::audit::{self, Entry, Who},
        integration::backup,
    },
};
use tokio::sync::mpsc;

/// Bytes gathered before a chunk goes to the client.
const CHUNK: usize = 64 * 1024;

/// Chunks that may wait unread (4 MiB) before the producer pauses, so a
/// slow client never makes the server hold the whole file.
const QUEUED: usize = 64;

type Chunk = Result<Bytes, std::io::Error>;

/// How many chunks wait unread, and whether the client is gone.
#[derive(Default)]
struct Flow {
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Flow {
    fn lock(&self) -> MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Held by the response body: a chunk read frees a place; dropping it (the
/// body is done or the client went away) releases a waiting producer.
struct Reader(Arc<Flow>);

impl Reader {
    fn took_one(&self) {
        let mut state = self.0.lock();
        state.0 = state.0.saturating_sub(1);
        self.0.changed.notify_all();
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.0.lock().1 = true;
        self.0.changed.notify_all();
    }
}

/// A `Write` that hands its bytes to the response body in chunks, waiting
/// while [`QUEUED`] chunks are unread. It blocks, so it runs on a blocking
/// thread (see [`streamed`]).
struct ChannelWriter {
    tx: mpsc::UnboundedSender<Chunk>,
    flow: Arc<Flow>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let gone = || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone");
        let mut state = self.flow.lock();
        while state.0 >= QUEUED && !state.1 {
            state = self
                .flow
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.1 {
            return Err(gone());
        }
        state.0 += 1;
        drop(state);
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx.send(Ok(chunk)).map_err(|_| gone())
    }

    /// Ends the download with an error: the client sees it cut off.
    fn fail(&self, message: &'static str) {
        let _ = self.tx.send(Err(std::io::Error::other(message)));
    }
}

/// Whether an error only says the client stopped reading.
fn client_gone(err: &tandem_domain::Error) -> bool {
    err.to_string().contains("client gone")
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

fn allowed(actor: Option<Actor>) -> Result<Actor, Box<Response>> {
    let Some(actor) = actor else {
        return Err(Box::new(
            (StatusCode::UNAUTHORIZED, "Sign in first.").into_response(),
        ));
    };
    match policy::require(&actor, Permission::AdminBackups) {
        Ok(_) => Ok(actor),
        Err(_) => Err(Box::new(
            (StatusCode::FORBIDDEN, "You may not download this.").into_response(),
        )),
    }
}

/// A response whose body is what `produce` writes into the channel; an
/// error mid-way cuts the download off (a backup without its last line is
/// refused by restore). `produce` runs on a blocking thread, since the
/// writer waits for the client.
fn streamed<F>(
    content_type: &'static str,
    file_name: String,
    produce: impl FnOnce(ChannelWriter) -> F + Send + 'static,
) -> Response
where
    F: std::future::Future<Output = ()>,
{
    let (tx, rx) = mpsc::unbounded_channel::<Chunk>();
    let flow = Arc::new(Flow::default());
    let writer = ChannelWriter {
        tx,
        flow: flow.clone(),
        buf: Vec::with_capacity(CHUNK),
    };
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(produce(writer)));
    // Fused: the response body may be polled again after its end.
    let body = futures_util::StreamExt::fuse(futures_util::stream::unfold(
        (rx, Reader(flow)),
        |(mut rx, reader)| async move {
            let chunk = rx.recv().await?;
            reader.took_one();
            Some((chunk, (rx, reader)))
        },
    ));
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
    let actor = match allowed(actor) {
        Ok(actor) => actor,
        Err(refusal) => return *refusal,
    };
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    if let Err(err) = audit::record(
        &state.db,
        Who::Actor(&actor),
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
        move |mut out| async move {
            match backup::write(&state.reader, &actor, &mut out).await {
                Ok(_) => {}
                Err(err) if client_gone(&err) => {
                    tracing::info!("backup download stopped by the client");
                }
                Err(err) => {
                    tracing::error!(%err, "backup download failed");
                    out.fail("backup failed");
                }
            }
        },
    )
}

/// `GET /admin/files/export/{kind}`: every row of one kind as CSV.
pub async fn export(
    State(state): State<AppState>,
    Extension(CurrentActor(actor)): Extension<CurrentActor>,
    Path(kind): Path<String>,
) -> Response {
    let actor = match allowed(actor) {
        Ok(actor) => actor,
        Err(refusal) => return *refusal,
    };
    match backup::export_kinds(&state.reader, &actor).await {
        Ok(kinds) if kinds.contains(&kind) => {}
        Ok(_) => return (StatusCode::NOT_FOUND, "No such kind of data.").into_response(),
        Err(err) => {
            tracing::error!(%err, "cannot list the export kinds");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    if let Err(err) = audit::record(
        &state.db,
        Who::Actor(&actor),
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
        move |mut out| async move {
            let result = backup::export_csv(&state.reader, &actor, &kind, &mut out)
                .await
                .and_then(|_| {
                    out.flush()
                        .map_err(|e| tandem_domain::Error::Internal(e.to_string()))
                });
            match result {
                Ok(()) => {}
                Err(err) if client_gone(&err) => {
                    tracing::info!(kind, "data export stopped by the client");
                }
                Err(err) => {
                    tracing::error!(%err, kind, "data export failed");
                    out.fail("export failed");
                }
            }
        },
    )
}
