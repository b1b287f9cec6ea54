//! What crosses the wire for the account page.

use serde::{Deserialize, Serialize};

/// One of the user's sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Handle for ending it (not the session id).
    pub handle: String,
    /// The session of this browser.
    pub current: bool,
    /// Signed in (RFC 3339).
    pub created_at: String,
    /// Last active (RFC 3339).
    pub last_seen_at: String,
    /// Client address.
    pub client_addr: Option<String>,
    /// Browser.
    pub user_agent: Option<String>,
}
