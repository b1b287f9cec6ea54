//! SeaORM entities, one module per table. Written after their migration.

pub mod app_meta;
