//! `tickets`: service tickets.

use sea_orm::entity::prelude::*;

/// A row of `tickets`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    /// Key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// TCK-… number.
    pub number: String,
    /// The customer.
    pub customer_id: i64,
    /// The customer's contact.
    pub contact_id: Option<i64>,
    /// Who asked (when not a contact).
    pub requester_name: String,
    /// Their email.
    pub requester_email: String,
    /// The order it concerns.
    pub order_id: Option<i64>,
    /// The shipment it concerns.
    pub shipment_id: Option<i64>,
    /// request, complaint, return, question.
    pub kind: String,
    /// web, email, phone, social, api.
    pub channel: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// low, normal, high, urgent.
    pub priority: String,
    /// new, open, waiting, resolved, closed.
    pub status: String,
    /// The queue.
    pub queue_id: Option<i64>,
    /// The agent.
    pub assignee_id: Option<i64>,
    /// Comma-separated tags.
    pub tags: String,
    /// The SLA policy in force.
    pub sla_policy_id: Option<i64>,
    /// When the first response is due (none while paused or met).
    pub first_response_due: Option<ChronoDateTimeUtc>,
    /// When resolution is due (none while paused or resolved).
    pub resolution_due: Option<ChronoDateTimeUtc>,
    /// First public reply.
    pub first_responded_at: Option<ChronoDateTimeUtc>,
    /// Last resolved.
    pub resolved_at: Option<ChronoDateTimeUtc>,
    /// Closed.
    pub closed_at: Option<ChronoDateTimeUtc>,
    /// First-response alerts sent: 0 none, 1 soon, 2 breached.
    pub response_alert: i32,
    /// Resolution alerts sent: 0 none, 1 soon, 2 breached.
    pub resolution_alert: i32,
    /// Satisfaction 1–5.
    pub rating: Option<i32>,
    /// The requester's comment.
    pub rating_comment: String,
    /// When rated.
    pub rated_at: Option<ChronoDateTimeUtc>,
    /// The one-time rating link's token, until used.
    pub rating_token: Option<String>,
    /// Who created it (none: the public form).
    pub created_by: Option<i64>,
    /// Created (UTC).
    pub created_at: ChronoDateTimeUtc,
    /// Last change (UTC).
    pub updated_at: ChronoDateTimeUtc,
    /// The first-response target: met in time, missed, or not yet decided.
    pub response_met: Option<bool>,
    /// The resolution target: met in time, missed, or not yet decided.
    pub resolution_met: Option<bool>,
    /// Whole minutes from creation to the last resolution; `None` while
    /// unresolved (`tickets::resolution_minutes`).
    pub resolution_minutes: Option<i64>,
}

/// Relations are queried explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
