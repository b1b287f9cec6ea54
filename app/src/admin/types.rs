//! What crosses the wire for user, role and audit administration.

use serde::{Deserialize, Serialize};

/// A row of the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// Key.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// May sign in.
    pub active: bool,
    /// Locked after failed sign-ins.
    pub locked: bool,
    /// Held roles: (id, name).
    pub roles: Vec<(i64, String)>,
    /// Last sign-in (RFC 3339).
    pub last_login_at: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
}

/// A page of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView<T> {
    /// Rows.
    pub items: Vec<T>,
    /// Rows matching the filter.
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

impl<T> PageView<T> {
    /// A domain page with each row converted to its wire type.
    #[cfg(feature = "ssr")]
    pub fn from_page<U>(
        page: tandem_domain::platform::page::Page<U>,
        f: impl FnMut(U) -> T,
    ) -> Self {
        let page = page.map(f);
        Self {
            items: page.items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        }
    }

    /// The number of pages.
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Input for creating or editing a user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInput {
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Password (create only; empty generates one).
    pub password: Option<String>,
    /// Roles to hold.
    pub role_ids: Vec<i64>,
}

/// The result of creating a user or resetting a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// The user's id.
    pub id: i64,
    /// A generated password, shown exactly once.
    pub generated_password: Option<String>,
}

/// A role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The built-in role it was created as.
    pub builtin: Option<String>,
    /// Granted permission codes.
    pub permissions: Vec<String>,
    /// Holders.
    pub user_count: u64,
}

/// A user holding a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Active.
    pub active: bool,
}

/// A role with its holders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDetail {
    /// The role.
    pub role: RoleView,
    /// Its holders.
    pub holders: Vec<HolderView>,
}

/// Input for creating or renaming a role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleInput {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
}

/// One permission of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionView {
    /// Code (`customers.read`).
    pub code: String,
    /// Area key (`customers`).
    pub area: String,
    /// English description.
    pub description_en: String,
    /// Chinese description.
    pub description_zh: String,
    /// Why the signed-in user may not tick or untick it on this role (the
    /// domain's refusal, in English); `None` when they may.
    pub withheld: Option<String>,
}

/// A role as a user's form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Why the signed-in user may not tick or untick it for this user (the
    /// domain's refusal, in English); `None` when they may.
    pub withheld: Option<String>,
}

/// Audit log filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Actor email contains.
    pub actor: Option<String>,
    /// Entity kind.
    pub entity: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// From date (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Until date inclusive (YYYY-MM-DD, UTC).
    pub until: Option<String>,
    /// Page, from 1.
    pub page: u64,
}

/// A row of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventView {
    /// Key.
    pub id: i64,
    /// When (RFC 3339).
    pub occurred_at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Kind of record.
    pub entity: String,
    /// Record id.
    pub entity_id: Option<String>,
    /// Before (JSON).
    pub before: Option<String>,
    /// After (JSON).
    pub after: Option<String>,
    /// Client address.
    pub client_addr: Option<String>,
}
