//! `/tickets`: service tickets — open, comment, change status.

use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::{
    entities::{ticket_comments, tickets as entity},
    service::tickets::{self as service, TicketFilter, TicketInput},
};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    problem::ApiResult,
    window, List, Written,
};

/// A reply (public) or an internal note on a ticket.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Comment {
    /// Key.
    pub id: i64,
    /// The ticket.
    pub ticket_id: i64,
    /// The author, if a user.
    pub author_id: Option<i64>,
    /// The author's name.
    pub author_name: String,
    /// Seen by the customer (a reply), or internal (a note).
    pub public: bool,
    /// The text (Markdown).
    pub body: String,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<ticket_comments::Model> for Comment {
    fn from(m: ticket_comments::Model) -> Self {
        Self {
            id: m.id,
            ticket_id: m.ticket_id,
            author_id: m.author_id,
            author_name: m.author_name,
            public: m.public,
            body: m.body,
            created_at: m.created_at,
        }
    }
}

/// A service ticket.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Ticket {
    /// Key.
    pub id: i64,
    /// Readable number (`TCK-2026-000042`).
    pub number: String,
    /// The customer.
    pub customer_id: i64,
    /// The customer's contact who asked.
    pub contact_id: Option<i64>,
    /// The requester's name.
    pub requester_name: String,
    /// The requester's email.
    pub requester_email: String,
    /// The order it concerns.
    pub order_id: Option<i64>,
    /// The shipment it concerns.
    pub shipment_id: Option<i64>,
    /// `request`, `complaint`, `return` or `question`.
    pub kind: String,
    /// `web`, `email`, `phone`, `social` or `api`.
    pub channel: String,
    /// Subject.
    pub subject: String,
    /// Description (Markdown).
    pub description: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// `new`, `open`, `waiting`, `resolved` or `closed`.
    pub status: String,
    /// The queue.
    pub queue_id: Option<i64>,
    /// The agent.
    pub assignee_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
    /// First response due (UTC), by the SLA policy.
    pub first_response_due: Option<DateTime<Utc>>,
    /// Resolution due (UTC).
    pub resolution_due: Option<DateTime<Utc>>,
    /// Resolved (UTC).
    pub resolved_at: Option<DateTime<Utc>>,
    /// Closed (UTC).
    pub closed_at: Option<DateTime<Utc>>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// Replies and notes, oldest first (not in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<Comment>>,
}

fn ticket(m: entity::Model, comments: Option<Vec<Comment>>) -> Ticket {
    Ticket {
        id: m.id,
        number: m.number,
        customer_id: m.customer_id,
        contact_id: m.contact_id,
        requester_name: m.requester_name,
        requester_email: m.requester_email,
        order_id: m.order_id,
        shipment_id: m.shipment_id,
        kind: m.kind,
        channel: m.channel,
        subject: m.subject,
        description: m.description,
        priority: m.priority,
        status: m.status,
        queue_id: m.queue_id,
        assignee_id: m.assignee_id,
        tags: super::tags(&m.tags),
        first_response_due: m.first_response_due,
        resolution_due: m.resolution_due,
        resolved_at: m.resolved_at,
        closed_at: m.closed_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
        comments,
    }
}

fn request() -> String {
    "request".into()
}

fn api() -> String {
    "api".into()
}

fn normal() -> String {
    "normal".into()
}

/// A new ticket.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketIn {
    /// The customer.
    pub customer_id: i64,
    /// One of its contacts.
    #[serde(default)]
    pub contact_id: Option<i64>,
    /// The requester's name (when not a contact).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub requester_name: String,
    /// The requester's email.
    #[serde(default)]
    pub requester_email: String,
    /// An order of the customer it concerns.
    #[serde(default)]
    pub order_id: Option<i64>,
    /// A shipment of that order.
    #[serde(default)]
    pub shipment_id: Option<i64>,
    /// `request` (default), `complaint`, `return` or `question`.
    #[serde(default = "request")]
    #[schema(pattern = "^(request|complaint|return|question)$")]
    pub kind: String,
    /// `api` (default), `web`, `email`, `phone` or `social`.
    #[serde(default = "api")]
    #[schema(pattern = "^(web|email|phone|social|api)$")]
    pub channel: String,
    /// Subject (required).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub subject: String,
    /// Description (Markdown).
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    /// `low`, `normal` (default), `high` or `urgent`; sets the SLA deadlines.
    #[serde(default = "normal")]
    #[schema(pattern = "^(low|normal|high|urgent)$")]
    pub priority: String,
    /// The queue (its round robin picks an agent when none is given).
    #[serde(default)]
    pub queue_id: Option<i64>,
    /// The agent; someone else than the token's owner needs `tickets.assign`.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Filters of the ticket list (those of the tickets page).
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Only this status (all when absent).
    pub status: Option<String>,
    /// Only this priority.
    pub priority: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this channel.
    pub channel: Option<String>,
    /// Only this queue.
    pub queue_id: Option<i64>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Number or words of the subject.
    pub q: Option<String>,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Tickets in the token's scope, in id order (`tickets.read`).
#[utoipa::path(get, path = "/tickets", tag = "tickets", params(TicketQuery),
    responses((status = 200, description = "A page of tickets", body = List<Ticket>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<TicketQuery>,
) -> ApiResult<Json<List<Ticket>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let filter = TicketFilter {
        view: "all".into(),
        status: query.status.unwrap_or_default(),
        priority: query.priority.unwrap_or_default(),
        kind: query.kind.unwrap_or_default(),
        channel: query.channel.unwrap_or_default(),
        queue_id: query.queue_id,
        customer_id: query.customer_id,
        q: query.q,
        page: 1,
        per_page: limit,
        after,
    };
    let page = service::list(&state.reader, caller.actor(), &filter, Utc::now()).await?;
    Ok(Json(List::new(page, |row| ticket(row.ticket, None))))
}

/// Opens a ticket (`tickets.write`).
#[utoipa::path(post, path = "/tickets", tag = "tickets", request_body = TicketIn,
    responses((status = 201, description = "Opened", body = Ticket)))]
pub async fn create(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<TicketIn>,
) -> ApiResult<Written<Ticket>> {
    let input = TicketInput {
        customer_id: Some(input.customer_id),
        contact_id: input.contact_id,
        requester_name: input.requester_name,
        requester_email: input.requester_email,
        order_id: input.order_id,
        shipment_id: input.shipment_id,
        kind: input.kind,
        channel: input.channel,
        subject: input.subject,
        description: input.description,
        priority: input.priority,
        queue_id: input.queue_id,
        assignee_id: input.assignee_id,
        tags: input.tags,
    };
    let created = service::create(&*txn, caller.actor(), &input).await?;
    Ok(Written::created(ticket(created, None)))
}

/// One ticket with its replies and notes (`tickets.read`).
#[utoipa::path(get, path = "/tickets/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket", body = Ticket)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Ticket>> {
    let d = service::get(&state.reader, caller.actor(), id, Utc::now()).await?;
    let comments = d.comments.into_iter().map(Comment::from).collect();
    Ok(Json(ticket(d.ticket, Some(comments))))
}

fn yes() -> bool {
    true
}

/// A reply or note.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentIn {
    /// The text (Markdown, required).
    #[schema(min_length = 1, max_length = 10000, pattern = r"\S")]
    pub body: String,
    /// A reply the customer sees (default), or `false` for an internal note.
    #[serde(default = "yes")]
    pub public: bool,
}

/// Adds a reply or note (`tickets.write`).
#[utoipa::path(post, path = "/tickets/{id}/comments", tag = "tickets", request_body = CommentIn,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 201, description = "Added", body = Comment)))]
pub async fn comment(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<CommentIn>,
) -> ApiResult<Written<Comment>> {
    let added = service::comment(&*txn, caller.actor(), id, &input.body, input.public).await?;
    Ok(Written::created(added.into()))
}

/// A status change.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// `open`, `waiting`, `resolved` or `closed` (as the ticket's status allows).
    #[schema(pattern = "^(new|open|waiting|resolved|closed)$")]
    pub status: String,
}

/// Changes a ticket's status (`tickets.write`); an illegal change is a 409.
#[utoipa::path(post, path = "/tickets/{id}/status", tag = "tickets", request_body = StatusIn,
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket after the change", body = Ticket)))]
pub async fn set_status(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<StatusIn>,
) -> ApiResult<Written<Ticket>> {
    let changed = service::set_status(&*txn, caller.actor(), id, &input.status).await?;
    Ok(Written::changed(ticket(changed, None)))
}
