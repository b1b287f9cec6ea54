//! Logging with tracing: human-readable or JSON lines.

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

/// Installs the global subscriber. A bad filter is reported, not ignored.
pub fn init(filter: &str, format: LogFormat) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter)
        .map_err(|err| anyhow::anyhow!("TANDEM_LOG {filter:?} is not a valid log filter: {err}"))?;
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // Already installed (tests building several servers) is fine.
    let _ = installed;
    // Panics go to the log like any error, inside whatever span is current
    // (a request's, with its id), instead of bare text on stderr.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "panicked");
    }));
    Ok(())
}
