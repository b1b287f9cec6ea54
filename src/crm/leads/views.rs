//! Leads as their pages show them: list rows with their owner's name, and
//! one lead with its campaign's name and what the viewer may do.

use sea_orm::ConnectionTrait;

use super::{get, list, LeadFilter};
use crate::{
    access::{policy, users, Actor, Permission},
    crm::campaigns,
    entities::leads,
    platform::page::Page,
    Result,
};

/// A lead with its owner's name.
#[derive(Clone, Debug)]
pub struct LeadRow {
    /// The lead.
    pub lead: leads::Model,
    /// Who owns it, by name.
    pub owner: Option<String>,
}

/// A page of the leads [`list`], each lead with its owner's name.
pub async fn rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &LeadFilter,
) -> Result<Page<LeadRow>> {
    let found = list(db, actor, filter).await?;
    let names = users::names(db, found.items.iter().filter_map(|l| l.owner_id)).await?;
    Ok(found.map(|lead| LeadRow {
        owner: lead.owner_id.and_then(|o| names.get(&o).cloned()),
        lead,
    }))
}

/// A lead as its page shows it.
#[derive(Clone, Debug)]
pub struct LeadDetail {
    /// The lead with its owner's name.
    pub row: LeadRow,
    /// Its campaign's name, when the viewer may see campaigns.
    pub campaign: Option<String>,
    /// The viewer may change it (the permission every lead write asks).
    pub can_write: bool,
}

/// One lead in the actor's scope, as its page shows it.
pub async fn detail(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<LeadDetail> {
    let lead = get(db, actor, id).await?;
    // A campaign the viewer may not read (or that cannot be read) is left
    // unnamed rather than failing the page.
    let campaign = match lead.campaign_id {
        Some(c) => campaigns::get(db, actor, c).await.ok().map(|c| c.name),
        None => None,
    };
    let names = users::names(db, lead.owner_id).await?;
    Ok(LeadDetail {
        row: LeadRow {
            owner: lead.owner_id.and_then(|o| names.get(&o).cloned()),
            lead,
        },
        campaign,
        can_write: policy::require(actor, Permission::LeadsWrite).is_ok(),
    })
}
