//! Who is acting and what they may do: the permission catalogue, built-in
//! roles, the [`Actor`], the one authorization path ([`policy`]), and
//! password hashing.

pub mod actor;
pub mod builtin;
pub mod password;
pub mod permission;
pub mod policy;

pub use actor::{Actor, RequestMeta};
pub use permission::{Area, Permission};
pub use policy::{require, scope, Scope};
