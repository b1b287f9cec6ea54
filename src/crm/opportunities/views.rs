//! Opportunities as their pages show them: list rows and board cards with
//! the names of their customer, stage and owner, and one opportunity with
//! what the viewer may do.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use super::{board, get, list, OpportunityFilter};
use crate::{
    access::{policy, users, Actor, Permission},
    crm::{customers, pipeline},
    entities::{opportunities, pipeline_stages},
    platform::page::Page,
    Error, Result,
};

/// An opportunity with the names its row or card shows.
#[derive(Clone, Debug)]
pub struct OpportunityRow {
    /// The opportunity.
    pub opportunity: opportunities::Model,
    /// Its customer's name.
    pub customer: String,
    /// Its stage's name.
    pub stage: String,
    /// Who owns it, by name.
    pub owner: Option<String>,
}

/// Puts names to opportunities the caller already read within scope; a
/// customer the actor may not open is named as withheld
/// ([`customers::names_for`]).
async fn named(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rows: Vec<opportunities::Model>,
) -> Result<Vec<OpportunityRow>> {
    let customer_names =
        customers::names_for(db, actor, rows.iter().map(|o| o.customer_id)).await?;
    let stages: HashMap<i64, String> = pipeline::all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let owners = users::names(db, rows.iter().filter_map(|o| o.owner_id)).await?;
    Ok(rows
        .into_iter()
        .map(|o| OpportunityRow {
            customer: customer_names
                .get(&o.customer_id)
                .cloned()
                .unwrap_or_default(),
            stage: stages.get(&o.stage_id).cloned().unwrap_or_default(),
            owner: o.owner_id.and_then(|id| owners.get(&id).cloned()),
            opportunity: o,
        })
        .collect())
}

/// A page of the opportunities [`list`], with names.
pub async fn rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &OpportunityFilter,
) -> Result<Page<OpportunityRow>> {
    let found = list(db, actor, filter).await?;
    Ok(Page {
        items: named(db, actor, found.items).await?,
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        next_after: found.next_after,
    })
}

/// An opportunity as its page shows it.
#[derive(Clone, Debug)]
pub struct OpportunityDetail {
    /// The opportunity with its names.
    pub row: OpportunityRow,
    /// The viewer may edit and move it (the permission those writes ask).
    pub can_write: bool,
}

/// One opportunity in the actor's scope, as its page shows it.
pub async fn detail(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<OpportunityDetail> {
    let found = get(db, actor, id).await?;
    let row = named(db, actor, vec![found])
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    Ok(OpportunityDetail {
        row,
        can_write: policy::require(actor, Permission::OpportunitiesWrite).is_ok(),
    })
}

/// A column of the [`board`] with its cards named.
#[derive(Clone, Debug)]
pub struct BoardColumn {
    /// The stage.
    pub stage: pipeline_stages::Model,
    /// Its cards: every open one, or the latest closed ones.
    pub cards: Vec<OpportunityRow>,
    /// How many opportunities are in the stage (in scope).
    pub total: u64,
    /// Σ amount of those cards, in minor units.
    pub amount_minor: i64,
}

/// The [`board`] with its cards named.
pub async fn board_rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    owner: Option<i64>,
) -> Result<Vec<BoardColumn>> {
    let mut columns = Vec::new();
    for column in board(db, actor, owner).await? {
        columns.push(BoardColumn {
            cards: named(db, actor, column.cards).await?,
            stage: column.stage,
            total: column.total,
            amount_minor: column.amount_minor,
        });
    }
    Ok(columns)
}
