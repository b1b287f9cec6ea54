//! Installation facts kept in `app_meta`.

use chrono::Utc;
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::{entities::app_meta, Result};

/// The value stored under `key`, if any.
pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>> {
    Ok(app_meta::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|row| row.value))
}

/// Stores `value` under `key`, replacing any earlier value.
pub async fn set(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<()> {
    let now = Utc::now();
    let row = app_meta::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    app_meta::Entity::insert(row)
        .on_conflict(
            OnConflict::column(app_meta::Column::Key)
                .update_columns([app_meta::Column::Value, app_meta::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Stores `value` under `key` only if the key is absent. Returns whether it
/// was stored; under concurrency exactly one caller wins.
pub async fn insert_if_absent(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<bool> {
    let now = Utc::now();
    let row = app_meta::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = app_meta::Entity::insert(row)
        .on_conflict(
            OnConflict::column(app_meta::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Setting: the currency money is counted in by dashboards, reports and
/// price rules.
pub const CURRENCY_KEY: &str = "company.currency";

/// The installation's currency (setting [`CURRENCY_KEY`], default EUR).
pub async fn currency(db: &impl ConnectionTrait) -> Result<String> {
    Ok(get(db, CURRENCY_KEY)
        .await?
        .filter(|c| c.len() == 3)
        .unwrap_or_else(|| "EUR".into()))
}
