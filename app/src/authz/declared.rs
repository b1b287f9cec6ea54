//! The declarations' types and the list the tests read.

use tandem_domain::access::Permission;

/// What a caller needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user holding this permission.
    Needs(Permission),
    /// A signed-in user holding any of these permissions.
    AnyOf(&'static [Permission]),
    /// A signed-in user holding all of these permissions.
    AllOf(&'static [Permission]),
    /// A list's CSV export: `reports.export` and any of these (the list's
    /// own permissions).
    Export(&'static [Permission]),
}

impl Access {
    /// Whether a user holding `held` passes (anonymous callers pass only
    /// [`Access::Public`]).
    pub fn allows(self, held: &[Permission]) -> bool {
        self.allows_if(|p| held.contains(&p))
    }

    /// Whether a user holding what `has` says passes.
    pub fn allows_if(self, has: impl Fn(Permission) -> bool) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Needs(p) => has(p),
            Access::AnyOf(ps) => ps.iter().any(|p| has(*p)),
            Access::AllOf(ps) => ps.iter().all(|p| has(*p)),
            Access::Export(ps) => has(Permission::ReportsExport) && ps.iter().any(|p| has(*p)),
        }
    }
}

/// One server function: its path, what it requires, and a sample body (JSON
/// for `input = Json` functions, form-encoded otherwise) that passes
/// argument decoding without changing anything that other calls rely on.
#[derive(Clone, Copy, Debug)]
pub struct ServerFnSpec {
    /// The URL path.
    pub path: &'static str,
    /// What a caller needs.
    pub access: Access,
    /// The body's content type.
    pub content_type: &'static str,
    /// A sample body.
    pub sample: &'static str,
}

inventory::collect!(ServerFnSpec);

/// A form-encoded body.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// A JSON body.
pub const JSON: &str = "application/json";

/// Every declared server function, by path.
pub fn server_fns() -> Vec<&'static ServerFnSpec> {
    let mut all: Vec<&'static ServerFnSpec> = inventory::iter::<ServerFnSpec>.into_iter().collect();
    all.sort_by_key(|s| s.path);
    all
}

/// Enforces the access declared for the server function at `path` and
/// returns the request's actor: 401 for an anonymous caller, 403 for one
/// who lacks it. For the server functions that read form text before they
/// call the service (which checks again): a caller who may not act learns
/// that, not which fields were wrong. An undeclared path is an internal
/// error (the role-matrix test would show it).
pub fn require(path: &str) -> Result<tandem_domain::access::Actor, crate::error::AppError> {
    use crate::error::AppError;
    static BY_PATH: std::sync::OnceLock<std::collections::HashMap<&'static str, Access>> =
        std::sync::OnceLock::new();
    let declared = BY_PATH.get_or_init(|| {
        server_fns()
            .into_iter()
            .map(|s| (s.path, s.access))
            .collect()
    });
    let access = declared.get(path).copied().ok_or_else(|| {
        tracing::error!(path, "server function without an authz! declaration");
        AppError::Internal
    })?;
    let actor = crate::ssr::signed_in()?;
    if access.allows_if(|p| actor.has(p)) {
        Ok(actor)
    } else {
        Err(AppError::Forbidden)
    }
}
