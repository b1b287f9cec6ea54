//! Roles, their permissions, and resolving the actor of a request. Every
//! change that could lock administrators out is checked in its transaction,
//! and every change to who may do what passes [`authorize_change`]: nobody
//! grants what they do not hold, administers a role or user holding more
//! than they do, or changes their own roles or a role they hold. The access
//! forms offer exactly what that check accepts ([`role_offers`],
//! [`permission_offers`]), judged by the same rule.

mod builtins;
mod change;
mod edit;
mod guard;
mod list;
mod offers;
mod resolve;
mod rows;

pub use self::builtins::{builtin_role_id, ensure_builtin_roles};
pub(crate) use self::change::{authorize_change, AccessChange};
pub use self::edit::{
    create_role, delete_role, parse_permissions, permission_catalogue, set_role_permissions,
    update_role, RoleInput,
};
pub(crate) use self::guard::{ensure_an_administrator_remains, lock_access};
pub use self::list::{get_role, list_roles, RoleHolder, RoleSummary};
pub use self::offers::{permission_offers, role_offers, Offer};
pub use self::resolve::resolve_actor;

/// The `app_meta` row whose lock serialises changes to access on PostgreSQL.
const GUARD_KEY: &str = "access.guard";
