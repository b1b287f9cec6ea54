//! SeaORM entities, one module per table. Written after their migration.

pub mod app_meta;
pub mod audit_events;
pub mod contacts;
pub mod customers;
pub mod login_throttles;
pub mod role_permissions;
pub mod roles;
pub mod sessions;
pub mod user_roles;
pub mod users;
