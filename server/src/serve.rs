//! `tandem serve`: open the database, migrate, listen, and shut down gracefully.

use std::{net::SocketAddr, time::Instant};

use anyhow::Context;
use leptos::prelude::LeptosOptions;
use tandem_app::ssr::AppState;
use tandem_domain::Db;

use crate::{
    config::ServeArgs,
    metrics::{MetricsAccess, MetricsToken},
    router::{self, RouterConfig},
};

/// How long in-flight requests get to finish after a shutdown signal.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(30);

/// The Leptos settings for a built front end under `args.site_root`.
pub fn leptos_options(args: &ServeArgs) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tandem")
        .site_root(args.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(args.addr)
        .build()
}

/// Serves the portal until SIGTERM or Ctrl-C, then lets requests finish.
/// `reader` serves the statements that only read ([`tandem_domain::db::connect_reader`]).
pub async fn serve(db: Db, reader: Db, args: ServeArgs, started: Instant) -> anyhow::Result<()> {
    let public_url = args
        .public_url()
        .context("TANDEM_PUBLIC_URL could not be derived from TANDEM_ADDR")?;
    let metrics_token = args.metrics_token().map_err(anyhow::Error::msg)?;
    let state = AppState {
        db: db.clone(),
        reader,
        leptos_options: leptos_options(&args),
        login_policy: args.login_policy(),
        session_absolute: chrono::Duration::hours(args.session_absolute_hours.max(1)),
        limits: std::sync::Arc::new(args.public_limits()),
        webhook_targets: args.webhook_targets(),
    };
    let app = router::build(
        state.clone(),
        &RouterConfig {
            request_timeout: args.request_timeout(),
            public_origin: public_url.origin().ascii_serialization(),
            cookie_secure: args.cookie_secure(),
            session_idle: time::Duration::minutes(args.session_idle_minutes.max(1)),
            metrics_token: metrics_token.clone(),
            trusted_proxies: args.trusted_proxies(),
        },
    );
    crate::webhooks::spawn(db.clone(), args.relay_config());
    crate::jobs::spawn(db);
    let listener = std::net::TcpListener::bind(args.addr)
        .with_context(|| format!("cannot listen on {} (TANDEM_ADDR)", args.addr))?;
    listener
        .set_nonblocking(true)
        .context("cannot configure the listening socket")?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;
    if let Some(metrics_addr) = args.metrics_addr {
        spawn_metrics_listener(metrics_addr, state, metrics_token)?;
    }
    tracing::info!(
        %addr,
        public_url = %public_url,
        cookie_secure = args.cookie_secure(),
        startup_ms = started.elapsed().as_millis() as u64,
        "Tandem is listening"
    );
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .with_context(|| {
                    format!(
                        "cannot load the TLS certificate {} and key {}",
                        cert.display(),
                        key.display()
                    )
                })?;
            let handle = axum_server::Handle::new();
            tokio::spawn({
                let handle = handle.clone();
                async move {
                    shutdown_signal().await;
                    handle.graceful_shutdown(Some(DRAIN));
                }
            });
            axum_server::from_tcp_rustls(listener, tls)
                .context("cannot start the TLS listener")?
                .map(|rustls| rustls.acceptor(axum_server::accept::NoDelayAcceptor::new()))
                .handle(handle)
                .serve(service)
                .await
                .context("the HTTPS server failed")?;
        }
        _ => {
            let listener = tokio::net::TcpListener::from_std(listener)
                .context("cannot hand the socket to the runtime")?;
            // Server-rendered pages stream in several writes; without
            // TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms.
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(|tcp| {
                if let Err(err) = tcp.set_nodelay(true) {
                    tracing::debug!(%err, "cannot set TCP_NODELAY");
                }
            });
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .context("the HTTP server failed")?;
        }
    }
    tracing::info!("Tandem stopped");
    Ok(())
}

/// Serves `/metrics` alone on `addr` (`TANDEM_METRICS_ADDR`), in the
/// background, for as long as the process runs.
fn spawn_metrics_listener(
    addr: SocketAddr,
    state: AppState,
    token: Option<MetricsToken>,
) -> anyhow::Result<()> {
    let listener = std::net::TcpListener::bind(addr)
        .with_context(|| format!("cannot listen on {addr} (TANDEM_METRICS_ADDR)"))?;
    listener
        .set_nonblocking(true)
        .context("cannot configure the metrics socket")?;
    let listener = tokio::net::TcpListener::from_std(listener)
        .context("cannot hand the metrics socket to the runtime")?;
    let app = crate::metrics::router(MetricsAccess::dedicated(token)).with_state(state);
    tracing::info!(%addr, "serving /metrics");
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(%err, "the metrics listener failed");
        }
    });
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
