//! Saved analyses: a query's saved form, and saving, listing and
//! deleting the actor's analyses.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::{check, Query};
use crate::{
    access::{policy, Actor, Permission},
    analytics::dashboards,
    Error, Result,
};

/// A query from its saved form (`source=orders&rows=owner&columns=month&measure=revenue&period=year…`).
pub fn parse(definition: &str) -> Query {
    let mut q = Query::default();
    let mut rest = Vec::new();
    for (k, v) in url::form_urlencoded::parse(definition.trim_start_matches('?').as_bytes()) {
        match k.as_ref() {
            "source" => q.source = v.into_owned(),
            "rows" => q.rows = v.into_owned(),
            "columns" => q.columns = v.into_owned(),
            "measure" => q.measure = v.into_owned(),
            _ => rest.push(format!("{}={}", k, v)),
        }
    }
    q.filter = crate::analytics::report_runs::parse_filter(&rest.join("&")).0;
    q
}

/// Saves an analysis under `name` for the actor (shared with every user
/// who may run reports when `shared`).
pub async fn save(
    db: &impl ConnectionTrait,
    actor: &Actor,
    name: &str,
    definition: &str,
    shared: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let actor = policy::require(actor, Permission::ReportsView)?;
    let name = name.trim();
    let mut errors = crate::FieldErrors::new();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 100 {
        errors.insert("name".into(), crate::messages::MAX_100.into());
    }
    if definition.chars().count() > 1000 {
        errors.insert("definition".into(), crate::messages::MAX_1000.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let query = parse(definition);
    check(&query)?;
    dashboards::resolve(&query.filter, now.date_naive())?;
    let row = crate::entities::saved_analyses::ActiveModel {
        owner_id: Set(actor.user_id),
        name: Set(name.to_owned()),
        definition: Set(definition.trim_start_matches('?').to_owned()),
        shared: Set(shared),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The analyses the actor may open: their own and the shared ones, by name.
pub async fn saved(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Vec<crate::entities::saved_analyses::Model>> {
    use crate::entities::saved_analyses::{Column as C, Entity};
    use sea_orm::QueryOrder;
    let actor = policy::require(actor, Permission::ReportsView)?;
    Ok(Entity::find()
        .filter(
            Condition::any()
                .add(C::OwnerId.eq(actor.user_id))
                .add(C::Shared.eq(true)),
        )
        .order_by_asc(C::Name)
        .order_by_asc(C::Id)
        .all(db)
        .await?)
}

/// Whether `actor` may delete `analysis`: their own only, as [`delete`]
/// decides.
pub fn may_delete(actor: &Actor, analysis: &crate::entities::saved_analyses::Model) -> bool {
    policy::require(actor, Permission::ReportsView).is_ok_and(|a| a.user_id == analysis.owner_id)
}

/// Deletes one of the actor's own analyses.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<()> {
    use crate::entities::saved_analyses::{Column as C, Entity};
    let actor = policy::require(actor, Permission::ReportsView)?;
    let done = Entity::delete_many()
        .filter(C::Id.eq(id))
        .filter(C::OwnerId.eq(actor.user_id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
