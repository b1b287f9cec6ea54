//! SeaORM entities, one module per table. Written after their migration.

pub mod activities;
pub mod app_meta;
pub mod audit_events;
pub mod campaigns;
pub mod contacts;
pub mod customers;
pub mod leads;
pub mod login_throttles;
pub mod opportunities;
pub mod pipeline_stages;
pub mod role_permissions;
pub mod roles;
pub mod sessions;
pub mod team_members;
pub mod teams;
pub mod timeline_events;
pub mod user_roles;
pub mod users;
