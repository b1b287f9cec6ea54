//! One customer as its page shows it: the customer in scope, the header
//! figures, the owner's name, and what the actor may do to customers.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{in_scope, scope_of};
use crate::{
    access::{policy, scope, Actor, Permission},
    entities::{contacts, customers, users},
    Error, Result,
};

/// One customer within the actor's scope (out of scope is "not found").
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<customers::Model> {
    let scope = scope_of(actor)?;
    customers::Entity::find_by_id(id)
        .filter(in_scope(scope))
        .one(db)
        .await?
        .ok_or(Error::NotFound)
}

/// What the actor may do to customers in scope, for the UI's buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Abilities {
    /// See customers at all.
    pub read: bool,
    /// Merge duplicates.
    pub merge: bool,
    /// Edit customers and their contacts.
    pub write: bool,
    /// Archive and restore customers.
    pub archive: bool,
}

/// The actor's abilities on customers, from the same policy the writes use.
pub fn abilities(actor: &Actor) -> Abilities {
    Abilities {
        read: scope_of(actor).is_ok(),
        merge: policy::require(actor, Permission::CustomersMerge).is_ok(),
        write: policy::require(actor, Permission::CustomersWrite).is_ok(),
        archive: policy::require(actor, Permission::CustomersArchive).is_ok(),
    }
}

/// A customer as its page shows it.
#[derive(Clone, Debug)]
pub struct CustomerDetail {
    /// The customer.
    pub customer: customers::Model,
    /// Who owns it, by name.
    pub owner: Option<String>,
    /// What the viewer may do to it.
    pub abilities: Abilities,
}

/// One customer within the actor's scope, with its owner's name and the
/// actor's [`abilities`].
pub async fn detail(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<CustomerDetail> {
    let customer = get(db, actor, id).await?;
    let owner = owner_name(db, &customer).await?;
    Ok(CustomerDetail {
        customer,
        owner,
        abilities: abilities(actor),
    })
}

/// The figures in a customer page's header, each within the viewer's scope
/// of its area (a figure the viewer may not see is `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    /// Contacts.
    pub contacts: u64,
    /// Open opportunities.
    pub open_opportunities: Option<u64>,
    /// Σ amount of open opportunities, minor units.
    pub pipeline_minor: Option<i64>,
    /// Σ amount of won opportunities, minor units.
    pub won_minor: Option<i64>,
    /// Open activities.
    pub open_activities: Option<u64>,
}

/// The customer page's header figures.
pub async fn overview(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<Overview> {
    use sea_orm::PaginatorTrait;

    use crate::entities::{activities, opportunities};
    get(db, actor, id).await?;
    let contacts = contacts::Entity::find()
        .filter(contacts::Column::CustomerId.eq(id))
        .count(db)
        .await?;
    let mut out = Overview {
        contacts,
        ..Default::default()
    };
    if let Ok(scope) = crate::crm::opportunities::scope_of(actor) {
        let stages = crate::crm::pipeline::all(db).await?;
        let rows: Vec<(i64, i64)> = opportunities::Entity::find()
            .select_only()
            .column(opportunities::Column::StageId)
            .column(opportunities::Column::AmountMinor)
            .filter(opportunities::Column::CustomerId.eq(id))
            .filter(scope::owned(scope, opportunities::Column::OwnerId))
            .into_tuple()
            .all(db)
            .await?;
        let (mut open, mut pipeline, mut won) = (0, 0, 0);
        for (stage, amount) in rows {
            match stages.iter().find(|s| s.id == stage) {
                Some(s) if s.is_won => won += amount,
                Some(s) if s.is_lost => {}
                _ => {
                    open += 1;
                    pipeline += amount;
                }
            }
        }
        out.open_opportunities = Some(open);
        out.pipeline_minor = Some(pipeline);
        out.won_minor = Some(won);
    }
    if let Ok(scope) = policy::scope(
        actor,
        Permission::ActivitiesRead,
        Permission::ActivitiesReadAll,
    ) {
        out.open_activities = Some(
            activities::Entity::find()
                .filter(activities::Column::CustomerId.eq(id))
                .filter(activities::Column::DoneAt.is_null())
                .filter(scope::owned(scope, activities::Column::OwnerId))
                .count(db)
                .await?,
        );
    }
    Ok(out)
}

/// The name of a customer's owner, for display.
pub async fn owner_name(
    db: &impl ConnectionTrait,
    customer: &customers::Model,
) -> Result<Option<String>> {
    let Some(owner) = customer.owner_id else {
        return Ok(None);
    };
    Ok(users::Entity::find_by_id(owner)
        .one(db)
        .await?
        .map(|u| u.name))
}
