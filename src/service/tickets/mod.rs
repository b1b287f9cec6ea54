//! Service tickets: who asked about what (a customer, optionally one of its
//! orders and shipments), through which channel, how urgent; replies and
//! internal notes; a status history the SLA clocks are computed from;
//! assignment by hand or round-robin; the ERP panel support reads inside a
//! ticket; the satisfaction link sent when a ticket is resolved.
//!
//! Every change is audited, published to the outbox and appended to the
//! customer's timeline in its own transaction. Concurrent edits are
//! refused rather than lost: each write is conditional on the row as read.

use sea_orm::{sea_query::LockType, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::{
    access::{policy, Actor, Permission},
    entities::tickets,
    Error, Result,
};

mod create;
mod deadlines;
mod detail;
mod edit;
mod input;
mod list;
mod panel;
mod rating;
mod resolution;
mod trail;
mod workflow;

pub use self::create::create;
pub(crate) use self::create::insert;
pub(crate) use self::deadlines::refresh_sla;
pub use self::deadlines::{sla_alerts, Sla};
pub use self::detail::{get, StatusChange, TicketDetail};
pub use self::edit::{assign, update, TicketUpdate};
pub(crate) use self::input::validate;
pub use self::input::TicketInput;
pub use self::list::{list, of_customer, open_count, TicketFilter, TicketRow};
pub use self::panel::{panel, Panel, PanelLine, PanelOrder};
pub use self::rating::{rate, rating_form, satisfaction};
pub use self::resolution::{check_minutes, resolution_minutes};
pub use self::workflow::{comment, set_status};

/// Kinds of ticket.
pub const KINDS: [&str; 4] = ["request", "complaint", "return", "question"];
/// Where a ticket came from.
pub const CHANNELS: [&str; 5] = ["web", "email", "phone", "social", "api"];
/// Statuses, in their usual order.
pub const STATUSES: [&str; 5] = ["new", "open", "waiting", "resolved", "closed"];
/// Statuses of tickets still being worked on.
pub const ACTIVE: [&str; 3] = ["new", "open", "waiting"];
/// How long before a deadline "breaching soon" starts (minutes).
pub const SOON_MINUTES: i64 = 60;
/// Longest description or comment.
pub const MAX_TEXT: usize = 10_000;

/// Notification kinds.
pub const BREACHING: &str = "ticket.breaching";
/// A deadline passed.
pub const BREACHED: &str = "ticket.breached";
/// A ticket was assigned to the reader.
pub const ASSIGNED: &str = "ticket.assigned";

/// Where a ticket lives in the UI.
pub fn link(id: i64) -> String {
    format!("/tickets/{id}")
}

/// Where the requester rates a resolved ticket.
pub fn rating_link(token: &str) -> String {
    format!("/rate/{token}")
}

/// Whether a ticket may go from `from` to `to` (reopen is resolved or
/// closed → open).
pub fn allows(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("new", "open" | "waiting" | "resolved" | "closed")
            | ("open", "waiting" | "resolved" | "closed")
            | ("waiting", "open" | "resolved" | "closed")
            | ("resolved", "open" | "closed")
            | ("closed", "open")
    )
}

/// Readers' record scope (one rule, kept with every kind's scope in
/// `access::scope::records`).
pub(crate) use crate::access::scope::records::ticket_condition as scope_condition;

/// What a reader may do on tickets, from the permissions the writes
/// require.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abilities {
    /// Reply, change status, edit, request returns.
    pub write: bool,
    /// Set queue and assignee.
    pub assign: bool,
    /// Approve or reject returns, credit complaints.
    pub returns: bool,
}

/// The actor's abilities on tickets.
pub fn abilities(actor: &Actor) -> Abilities {
    let can = |permission| policy::require(actor, permission).is_ok();
    Abilities {
        write: can(Permission::TicketsWrite),
        assign: can(Permission::TicketsAssign),
        returns: can(Permission::TicketsReturns),
    }
}

fn reader(actor: &Actor) -> Result<&Actor> {
    policy::require_any(
        actor,
        &[Permission::TicketsRead, Permission::TicketsReadAll],
    )
}

/// A ticket in the actor's scope.
pub(crate) async fn in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    lock: bool,
) -> Result<tickets::Model> {
    let mut query = tickets::Entity::find_by_id(id).filter(scope_condition(db, actor).await?);
    if lock {
        query = query.lock(LockType::NoKeyUpdate);
    }
    query.one(db).await?.ok_or(Error::NotFound)
}
