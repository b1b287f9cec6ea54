//! What crosses the wire for tickets, returns, the knowledge base, the
//! public support form, ratings and the service desk set-up. Times travel
//! formatted in the reader's time zone.

use serde::{Deserialize, Serialize};

/// A ticket in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRow {
    /// Key.
    pub id: i64,
    /// TCK-… number.
    pub number: String,
    /// Subject.
    pub subject: String,
    /// Customer key.
    pub customer_id: i64,
    /// Customer name.
    pub customer: String,
    /// Status.
    pub status: String,
    /// Priority.
    pub priority: String,
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Queue name.
    pub queue: String,
    /// Assignee name.
    pub assignee: String,
    /// The nearest deadline, local time (empty: none running).
    pub due: String,
    /// The nearest deadline has passed.
    pub breached: bool,
    /// Created, local time.
    pub created: String,
}

/// The list's filters (all in the URL).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketQuery {
    /// mine, unassigned, breaching, all.
    pub view: String,
    /// Status.
    pub status: String,
    /// Priority.
    pub priority: String,
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Queue.
    pub queue: Option<i64>,
    /// Customer.
    pub customer: Option<i64>,
    /// Search text.
    pub q: String,
    /// Page.
    pub page: u64,
}

/// One SLA clock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    /// running, paused, met, none.
    pub state: String,
    /// Deadline (running) or when met, local time.
    pub at: String,
    /// Working time left ("-" prefix: late by).
    pub left: String,
    /// Missed.
    pub breached: bool,
}

/// A reply or note.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    /// Author.
    pub author: String,
    /// Public reply (else internal note).
    pub public: bool,
    /// Text.
    pub body: String,
    /// When, local time.
    pub at: String,
}

/// A status change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryView {
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Who.
    pub by: String,
    /// When, local time.
    pub at: String,
}

/// A return on a ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnView {
    /// Key.
    pub id: i64,
    /// RMA-… number.
    pub number: String,
    /// requested, approved, rejected.
    pub state: String,
    /// Order number.
    pub order: String,
    /// (description, quantity).
    pub lines: Vec<(String, i64)>,
    /// Reason.
    pub reason: String,
}

/// A ticket's page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    /// The list row.
    pub row: TicketRow,
    /// Description.
    pub description: String,
    /// Requester.
    pub requester: String,
    /// Requester email.
    pub requester_email: String,
    /// Contact name.
    pub contact: String,
    /// Customer code.
    pub customer_code: String,
    /// (id, number, state) of the order.
    pub order: Option<(i64, String, String)>,
    /// (id, number, carrier, tracking) of the shipment.
    pub shipment: Option<(i64, String, String, String)>,
    /// Tags.
    pub tags: String,
    /// Queue.
    pub queue_id: Option<i64>,
    /// Assignee.
    pub assignee_id: Option<i64>,
    /// SLA policy name.
    pub policy: String,
    /// First response clock.
    pub response: ClockView,
    /// Resolution clock.
    pub resolution: ClockView,
    /// Replies and notes.
    pub comments: Vec<CommentView>,
    /// Status history.
    pub history: Vec<HistoryView>,
    /// Returns.
    pub returns: Vec<ReturnView>,
    /// (invoice id, number, amount) of credit notes issued from it.
    pub credit_notes: Vec<(i64, String, String)>,
    /// Satisfaction score.
    pub rating: Option<i32>,
    /// The requester's comment.
    pub rating_comment: String,
    /// The unused rating link (path).
    pub rating_link: String,
    /// May reply and change status.
    pub can_write: bool,
    /// May assign.
    pub can_assign: bool,
    /// May approve returns and credits.
    pub can_returns: bool,
}

/// An order line in the ERP panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelLine {
    /// Order line.
    pub line_id: i64,
    /// Description.
    pub description: String,
    /// Ordered.
    pub quantity: i64,
    /// Shipped.
    pub shipped: i64,
    /// Invoiced.
    pub invoiced: i64,
    /// Returned.
    pub returned: i64,
}

/// An order in the ERP panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelOrder {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Order date.
    pub date: String,
    /// Total.
    pub total: String,
    /// Currency.
    pub currency: String,
    /// Lines.
    pub lines: Vec<PanelLine>,
}

/// A shipment in the ERP panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelShipment {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// Order number.
    pub order: String,
    /// State.
    pub state: String,
    /// Carrier.
    pub carrier: String,
    /// Tracking number.
    pub tracking: String,
}

/// An invoice in the ERP panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelInvoice {
    /// Key.
    pub id: i64,
    /// Number.
    pub number: String,
    /// State.
    pub state: String,
    /// Total.
    pub total: String,
    /// Owed.
    pub owed: String,
    /// Currency.
    pub currency: String,
    /// Due date.
    pub due: String,
}

/// What the ERP knows about the ticket's customer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelView {
    /// Recent orders.
    pub orders: Vec<PanelOrder>,
    /// Their shipments.
    pub shipments: Vec<PanelShipment>,
    /// Recent invoices.
    pub invoices: Vec<PanelInvoice>,
    /// Other tickets.
    pub tickets: Vec<TicketRow>,
}

/// The new-ticket form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketForm {
    /// Customer.
    pub customer_id: Option<i64>,
    /// Requester name.
    pub requester_name: String,
    /// Requester email.
    pub requester_email: String,
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Priority.
    pub priority: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// Queue.
    pub queue_id: Option<i64>,
    /// Tags, comma separated.
    pub tags: String,
}

/// The ticket's edit form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEdit {
    /// Kind.
    pub kind: String,
    /// Priority.
    pub priority: String,
    /// Subject.
    pub subject: String,
    /// Order.
    pub order_id: Option<i64>,
    /// Shipment.
    pub shipment_id: Option<i64>,
    /// Tags.
    pub tags: String,
}

/// A queue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Manager (id, name).
    pub manager: Option<(i64, String)>,
    /// Round-robin.
    pub auto_assign: bool,
    /// (id, name, away).
    pub members: Vec<(i64, String, bool)>,
}

/// An SLA policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Priority.
    pub priority: String,
    /// Segment (empty: any).
    pub segment: String,
    /// First response, working minutes.
    pub first_response_minutes: i32,
    /// Resolution, working minutes.
    pub resolution_minutes: i32,
}

/// The working calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarForm {
    /// Name.
    pub name: String,
    /// UTC offset in minutes.
    pub utc_offset_minutes: String,
    /// Working weekdays, Monday first.
    pub working_days: Vec<bool>,
    /// Start "HH:MM".
    pub start: String,
    /// End "HH:MM".
    pub end: String,
    /// Holidays, one "YYYY-MM-DD name" per line.
    pub holidays: String,
}

/// An article in a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRow {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Category.
    pub category: String,
    /// Language.
    pub language: String,
    /// Published.
    pub published: bool,
    /// Start of the text.
    pub excerpt: String,
}

/// An article to read or edit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleView {
    /// Key.
    pub id: i64,
    /// The editable fields.
    pub form: ArticleForm,
    /// The body as safe HTML.
    pub html: String,
    /// Last change, local time.
    pub updated: String,
}

/// The article form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleForm {
    /// Title.
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Category.
    pub category: String,
    /// Tags, comma separated.
    pub tags: String,
    /// en or zh.
    pub language: String,
    /// Published.
    pub published: bool,
}

/// The public support form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportForm {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Order number.
    pub order_number: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// Honeypot.
    pub website: String,
}
