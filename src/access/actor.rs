//! The actor: the signed-in user behind a request, with the permissions
//! their roles grant right now (resolved afresh on every request).

use std::collections::BTreeSet;

use super::Permission;

/// Where a request came from, for the audit trail and throttling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// The client's address.
    pub client_addr: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
}

/// A signed-in, active user acting through one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user's id.
    pub user_id: i64,
    /// The user's email.
    pub email: String,
    /// The user's display name.
    pub name: String,
    /// The ids of the roles the user holds.
    pub role_ids: Vec<i64>,
    /// The union of those roles' permissions.
    pub permissions: BTreeSet<Permission>,
    /// Where the request came from.
    pub meta: RequestMeta,
}

impl Actor {
    /// Whether the actor holds `permission`.
    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}
