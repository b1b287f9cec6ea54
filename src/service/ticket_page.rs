//! A ticket's page in one read: the ticket's detail, its returns with
//! their lines and order numbers, and what the reader may do on it. It
//! joins `tickets` and `returns`, so it sits beside both rather than in
//! either (returns already depend on tickets).

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::{
    access::Actor,
    entities::ticket_returns,
    service::{
        returns::{self, ReturnLine},
        tickets::{self, Abilities, TicketDetail},
    },
    Result,
};

/// A return as the ticket's page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageReturn {
    /// The return.
    pub ret: ticket_returns::Model,
    /// The number of the order it returns goods of.
    pub order: String,
    /// Its lines, with the order lines' descriptions.
    pub lines: Vec<ReturnLine>,
}

/// Everything a ticket's page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketPage {
    /// The ticket with its links, comments, history, clocks and credit notes.
    pub detail: TicketDetail,
    /// The returns of `detail.returns` with their lines and order numbers.
    pub returns: Vec<PageReturn>,
    /// What the reader may do on it.
    pub abilities: Abilities,
}

/// A ticket's page. Needs `tickets.read` or `tickets.read_all` and the
/// ticket in the reader's scope.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<TicketPage> {
    let detail = tickets::get(db, actor, id, now).await?;
    let mut lines = returns::lines_of_ticket(db, actor, id).await?;
    let mut page_returns = Vec::with_capacity(detail.returns.len());
    for ret in &detail.returns {
        page_returns.push(PageReturn {
            order: returns::order_number(db, ret.order_id).await?,
            lines: lines.remove(&ret.id).unwrap_or_default(),
            ret: ret.clone(),
        });
    }
    Ok(TicketPage {
        detail,
        returns: page_returns,
        abilities: tickets::abilities(actor),
    })
}
