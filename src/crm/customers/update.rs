//! Editing and archiving a customer, and the [`Regroup`] interface through
//! which the figures other areas keep per customer follow a change.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, TransactionTrait,
};
use serde_json::json;

use super::{
    create::apply,
    input::{check_owner, validate, CustomerInput},
    overview::get,
    snapshot,
};
use crate::{
    access::{
        audit::{self, Entry, Who},
        policy, Actor, Permission,
    },
    entities::customers,
    Error, Result,
};

/// Figures that other areas keep per customer or per segment and that
/// must move, in the same transaction, when a customer's segment changes
/// ([`update`]) or a duplicate is merged ([`merge`](fn@super::merge)). Crm owns the
/// interface; the area that keeps the figures implements it (the order
/// summaries: `crate::sales::stats::OrderSummaries`), and the caller
/// passes it in, so crm never imports the areas above it.
pub trait Regroup: Sync {
    /// What the figures need to remember before the change.
    type Before: Send;
    /// Takes the customer's contribution before the change.
    fn before(
        &self,
        txn: &DatabaseTransaction,
        customer: i64,
    ) -> impl std::future::Future<Output = Result<Self::Before>> + Send;
    /// Moves the figures by the difference, after the change.
    fn apply(
        &self,
        txn: &DatabaseTransaction,
        before: Self::Before,
    ) -> impl std::future::Future<Output = Result<()>> + Send;
}

/// No figures to move (a caller in an area that keeps none).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFigures;

impl Regroup for NoFigures {
    type Before = ();
    async fn before(&self, _: &DatabaseTransaction, _: i64) -> Result<()> {
        Ok(())
    }
    async fn apply(&self, _: &DatabaseTransaction, _: ()) -> Result<()> {
        Ok(())
    }
}

/// Edits a customer. Needs `customers.write` and the customer in scope.
pub async fn update(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: i64,
    input: &CustomerInput,
    figures: &impl Regroup,
) -> Result<customers::Model> {
    let actor = policy::require(actor, Permission::CustomersWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    let owner = input.owner_id.or(before.owner_id);
    if owner != before.owner_id && !actor.has(Permission::CustomersReadAll) {
        return Err(Error::Forbidden);
    }
    check_owner(&txn, owner).await?;
    let mut model = apply(before.clone().into(), &valid, Utc::now());
    model.owner_id = Set(owner);
    // Figures kept per segment (the order summary) move with the customer.
    let counted = if valid.segment != before.segment {
        Some(figures.before(&txn, id).await?)
    } else {
        None
    };
    let after = model.update(&txn).await?;
    if let Some(counted) = counted {
        figures.apply(&txn, counted).await?;
    }
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new("customer.updated", "customer", Some(id.to_string()))
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Archives or restores a customer. Needs `customers.archive` and the customer in scope.
pub async fn set_archived(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    archived: bool,
) -> Result<()> {
    let actor = policy::require(actor, Permission::CustomersArchive)?;
    let txn = db.begin().await?;
    let before = get(&txn, actor, id).await?;
    if before.archived == archived {
        return Ok(());
    }
    let mut model: customers::ActiveModel = before.into();
    model.archived = Set(archived);
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    audit::record(
        &txn,
        Who::Actor(actor),
        Entry::new(
            if archived {
                "customer.archived"
            } else {
                "customer.restored"
            },
            "customer",
            Some(id.to_string()),
        )
        .before(json!({ "archived": !archived }))
        .after(json!({ "archived": archived })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
