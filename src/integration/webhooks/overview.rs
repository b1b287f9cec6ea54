//! The webhooks section of the integrations page in one read: the
//! endpoints, the delivery health and the last imports.

use sea_orm::ConnectionTrait;

use super::{health, list, Endpoint, Health};
use crate::{access::Actor, integration::import, Result};

/// Imports shown in the health box.
const RECENT_IMPORTS: u64 = 5;

/// What the webhooks section shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// Every endpoint, newest first, with its delivery counts.
    pub endpoints: Vec<Endpoint>,
    /// Outbox backlog, waiting and given-up deliveries, failing endpoints.
    pub health: Health,
    /// The last imports, newest first.
    pub imports: Vec<import::Run>,
}

/// Endpoints, health and the last imports. Needs `admin.integrations`.
pub async fn overview(db: &impl ConnectionTrait, actor: &Actor) -> Result<Overview> {
    Ok(Overview {
        endpoints: list(db, actor).await?,
        health: health(db, actor).await?,
        imports: import::runs(db, actor, RECENT_IMPORTS).await?,
    })
}
