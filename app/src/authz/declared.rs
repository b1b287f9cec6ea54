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
        let has = |p: &Permission| held.contains(p);
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Needs(p) => has(&p),
            Access::AnyOf(ps) => ps.iter().any(has),
            Access::AllOf(ps) => ps.iter().all(has),
            Access::Export(ps) => has(&Permission::ReportsExport) && ps.iter().any(has),
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
