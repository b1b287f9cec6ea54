//! Activities as their pages show them: with their customer's and owner's
//! names, in the list and in a user's day.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{list, my_day, ActivityFilter};
use crate::{
    access::{users, Actor},
    crm::customers,
    entities::activities,
    platform::page::Page,
    Result,
};

/// An activity with the names its row shows.
#[derive(Clone, Debug)]
pub struct ActivityRow {
    /// The activity.
    pub activity: activities::Model,
    /// Its customer's name.
    pub customer: String,
    /// Who owns it, by name.
    pub owner: Option<String>,
}

/// Puts names to activities the caller already read within scope; a
/// customer the actor may not open is named as withheld
/// ([`customers::names_for`]).
async fn named(
    db: &impl ConnectionTrait,
    actor: &Actor,
    rows: Vec<activities::Model>,
) -> Result<Vec<ActivityRow>> {
    let customer_names =
        customers::names_for(db, actor, rows.iter().map(|a| a.customer_id)).await?;
    let owners = users::names(db, rows.iter().filter_map(|a| a.owner_id)).await?;
    Ok(rows
        .into_iter()
        .map(|a| ActivityRow {
            customer: customer_names
                .get(&a.customer_id)
                .cloned()
                .unwrap_or_default(),
            owner: a.owner_id.and_then(|o| owners.get(&o).cloned()),
            activity: a,
        })
        .collect())
}

/// A page of the activities [`list`], with names.
pub async fn rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ActivityFilter,
) -> Result<Page<ActivityRow>> {
    let found = list(db, actor, filter).await?;
    Ok(Page {
        items: named(db, actor, found.items).await?,
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        next_after: found.next_after,
    })
}

/// [`my_day`] with names.
#[derive(Clone, Debug, Default)]
pub struct MyDayRows {
    /// Due before today.
    pub overdue: Vec<ActivityRow>,
    /// Due today.
    pub today: Vec<ActivityRow>,
    /// Due in the next seven days.
    pub upcoming: Vec<ActivityRow>,
}

/// The actor's day as [`my_day`] splits it, with names.
pub async fn my_day_rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    offset_minutes: i32,
) -> Result<MyDayRows> {
    let day = my_day(db, actor, now, offset_minutes).await?;
    Ok(MyDayRows {
        overdue: named(db, actor, day.overdue).await?,
        today: named(db, actor, day.today).await?,
        upcoming: named(db, actor, day.upcoming).await?,
    })
}
