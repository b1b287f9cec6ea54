//! Who is acting and what they may see or do: the [`Actor`], the permission
//! catalogue, built-in roles, the one authorization path ([`policy`]),
//! record scope, passwords, roles and grants, users, teams, sessions,
//! sign-in, API tokens, rate limits, the audit trail and notifications.

pub mod actor;
pub mod api_tokens;
pub mod audit;
pub mod builtin;
pub mod notifications;
pub mod password;
pub mod permission;
pub mod policy;
pub mod rate_limit;
pub mod roles;
pub mod scope;
pub mod sessions;
pub mod sign_in;
pub mod teams;
pub mod users;

pub use actor::{Actor, RequestMeta};
pub use permission::{Area, Permission};
pub use policy::{require, scope, Scope};
