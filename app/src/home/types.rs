//! What crosses the wire for the home page.

use serde::{Deserialize, Serialize};

/// The system status panel's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatusView {
    /// Tandem's version.
    pub version: String,
    /// `sqlite` or `postgres`.
    pub engine: String,
    /// Whether the database answered.
    pub database_ok: bool,
    /// When the check ran (RFC 3339, UTC).
    pub checked_at: String,
}
