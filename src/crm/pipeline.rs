//! The pipeline's stages, configurable by managers: name, order, default
//! probability, and whether reaching the stage wins or loses the deal.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::{opportunities, pipeline_stages},
    Error, FieldErrors, Result,
};

/// What a stage form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageInput {
    /// Name.
    pub name: String,
    /// Default probability, percent.
    pub probability: i32,
    /// Reaching it wins the opportunity.
    pub is_won: bool,
    /// Reaching it loses the opportunity.
    pub is_lost: bool,
}

fn validate(input: &StageInput) -> Result<String> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), crate::messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 60 {
        errors.insert("name".into(), crate::messages::MAX_60.into());
    }
    if !(0..=100).contains(&input.probability) {
        errors.insert(
            "probability".into(),
            crate::messages::PROBABILITY_RANGE.into(),
        );
    }
    if input.is_won && input.is_lost {
        errors.insert("is_won".into(), crate::messages::STAGE_WON_AND_LOST.into());
    }
    if errors.is_empty() {
        Ok(name)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Every stage, in board order. Anyone who may see opportunities may see them.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<pipeline_stages::Model>> {
    policy::scope(
        actor,
        Permission::OpportunitiesRead,
        Permission::OpportunitiesReadAll,
    )?;
    all(db).await
}

/// Every stage in board order, without a permission check (for labels).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<pipeline_stages::Model>> {
    Ok(pipeline_stages::Entity::find()
        .order_by_asc(pipeline_stages::Column::Position)
        .order_by_asc(pipeline_stages::Column::Id)
        .all(db)
        .await?)
}

/// The first open stage, where new opportunities start.
pub(crate) async fn first_open(db: &impl ConnectionTrait) -> Result<pipeline_stages::Model> {
    all(db)
        .await?
        .into_iter()
        .find(|s| !s.is_won && !s.is_lost)
        .ok_or_else(|| Error::field("stage_id", crate::messages::STAGE_MISSING))
}

fn snapshot(s: &pipeline_stages::Model) -> serde_json::Value {
    json!({ "name": s.name, "position": s.position, "probability": s.probability, "is_won": s.is_won, "is_lost": s.is_lost })
}

/// Adds a stage at the end (before won/lost stages it is simply last; managers reorder).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &StageInput,
) -> Result<pipeline_stages::Model> {
    let actor = policy::require(actor, Permission::PipelineConfigure)?;
    let name = validate(input)?;
    let txn = db.begin().await?;
    let position = all(&txn)
        .await?
        .iter()
        .map(|s| s.position)
        .max()
        .unwrap_or(0)
        + 1;
    let now = Utc::now();
    let created = pipeline_stages::ActiveModel {
        name: Set(name),
        position: Set(position),
        probability: Set(input.probability),
        is_won: Set(input.is_won),
        is_lost: Set(input.is_lost),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("stage.created", "stage", Some(created.id.to_string()))
            .after(snapshot(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

async fn ensure_open_remains(txn: &impl ConnectionTrait, except: i64) -> Result<()> {
    if !all(txn)
        .await?
        .iter()
        .any(|s| s.id != except && !s.is_won && !s.is_lost)
    {
        return Err(Error::field("is_won", crate::messages::STAGE_LAST_OPEN));
    }
    Ok(())
}

/// Edits a stage. Opportunities already in it keep their probability.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &StageInput,
) -> Result<pipeline_stages::Model> {
    let actor = policy::require(actor, Permission::PipelineConfigure)?;
    let name = validate(input)?;
    let txn = db.begin().await?;
    let before = pipeline_stages::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if input.is_won || input.is_lost {
        ensure_open_remains(&txn, id).await?;
    }
    let mut model: pipeline_stages::ActiveModel = before.clone().into();
    model.name = Set(name);
    model.probability = Set(input.probability);
    model.is_won = Set(input.is_won);
    model.is_lost = Set(input.is_lost);
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("stage.updated", "stage", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Moves a stage one place earlier (`up`) or later on the board.
pub async fn reorder(db: &DatabaseConnection, actor: &Actor, id: i64, up: bool) -> Result<()> {
    let actor = policy::require(actor, Permission::PipelineConfigure)?;
    let txn = db.begin().await?;
    let stages = all(&txn).await?;
    let index = stages
        .iter()
        .position(|s| s.id == id)
        .ok_or(Error::NotFound)?;
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    let Some(other) = other.filter(|o| *o < stages.len()) else {
        txn.commit().await?;
        return Ok(());
    };
    let mut order: Vec<i64> = stages.iter().map(|s| s.id).collect();
    order.swap(index, other);
    for (position, stage_id) in order.iter().enumerate() {
        pipeline_stages::Entity::update_many()
            .col_expr(
                pipeline_stages::Column::Position,
                sea_orm::sea_query::Expr::value(position as i32 + 1),
            )
            .filter(pipeline_stages::Column::Id.eq(*stage_id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("stage.reordered", "stage", Some(id.to_string()))
            .before(json!({ "order": stages.iter().map(|s| s.id).collect::<Vec<_>>() }))
            .after(json!({ "order": order })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a stage no opportunity is in.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<()> {
    let actor = policy::require(actor, Permission::PipelineConfigure)?;
    let txn = db.begin().await?;
    let stage = pipeline_stages::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let used = opportunities::Entity::find()
        .filter(opportunities::Column::StageId.eq(id))
        .count(&txn)
        .await?;
    if used > 0 {
        return Err(Error::Conflict(crate::messages::STAGE_IN_USE.into()));
    }
    if !stage.is_won && !stage.is_lost {
        ensure_open_remains(&txn, id).await?;
    }
    pipeline_stages::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("stage.deleted", "stage", Some(id.to_string())).before(snapshot(&stage)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
