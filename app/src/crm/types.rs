//! What crosses the wire for leads, opportunities, the pipeline,
//! activities, campaigns and the customer timeline. Amounts travel as
//! formatted text (`1,234.50`) and are parsed on the server; times are
//! formatted on the server in the user's time zone.

use serde::{Deserialize, Serialize};

/// Something to choose in a select: a user, a stage, a campaign, a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Key.
    pub id: i64,
    /// Label.
    pub name: String,
}

/// A row of the leads list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRow {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Source.
    pub source: String,
    /// Campaign id.
    pub campaign_id: Option<i64>,
    /// Status.
    pub status: String,
    /// Owner id.
    pub owner_id: Option<i64>,
    /// Owner's name.
    pub owner: Option<String>,
    /// Created, local time.
    pub created: String,
}

/// A lead in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadView {
    /// The list fields.
    pub row: LeadRow,
    /// Campaign's name.
    pub campaign: Option<String>,
    /// Why it was disqualified.
    pub disqualify_reason: String,
    /// The customer it became.
    pub customer_id: Option<i64>,
    /// The opportunity it became.
    pub opportunity_id: Option<i64>,
    /// The viewer may change it.
    pub can_write: bool,
}

/// The lead form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadForm {
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Source.
    pub source: String,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// Owner (none: the author).
    pub owner_id: Option<i64>,
}

/// A likely duplicate of a lead: another lead or a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDuplicateView {
    /// `lead` or `customer`.
    pub kind: String,
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `email`, `phone`, `name`.
    pub reasons: Vec<String>,
}

/// The conversion form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertForm {
    /// An existing customer instead of a new one.
    pub customer_id: Option<i64>,
    /// The opportunity's title.
    pub title: String,
    /// Its amount as typed.
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// Its expected close date (`2026-12-31`).
    pub expected_close: String,
}

/// What a conversion created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertedView {
    /// The customer.
    pub customer_id: i64,
    /// The opportunity.
    pub opportunity_id: i64,
}

/// A pipeline stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Default probability.
    pub probability: i32,
    /// Reaching it wins.
    pub is_won: bool,
    /// Reaching it loses.
    pub is_lost: bool,
}

/// The stage form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageForm {
    /// Name.
    pub name: String,
    /// Default probability.
    pub probability: i32,
    /// Wins.
    pub is_won: bool,
    /// Loses.
    pub is_lost: bool,
}

/// An opportunity as a row or card.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityRow {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Customer id.
    pub customer_id: i64,
    /// Customer's name.
    pub customer: String,
    /// Amount, formatted.
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// Expected close date.
    pub expected_close: String,
    /// Stage id.
    pub stage_id: i64,
    /// Stage name.
    pub stage: String,
    /// Probability.
    pub probability: i32,
    /// Owner id.
    pub owner_id: Option<i64>,
    /// Owner's name.
    pub owner: Option<String>,
    /// Why it was lost.
    pub lost_reason: String,
}

/// A column of the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    /// The stage.
    pub stage: StageView,
    /// Its cards (at most 100).
    pub cards: Vec<OpportunityRow>,
    /// How many are in the stage.
    pub total: u64,
    /// Σ amount of the cards shown, formatted.
    pub amount: String,
}

/// The opportunity form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityForm {
    /// The customer.
    pub customer_id: i64,
    /// A contact.
    pub contact_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Amount as typed.
    pub amount: String,
    /// Currency.
    pub currency: String,
    /// Expected close date.
    pub expected_close: String,
    /// Stage (none: the first open one).
    pub stage_id: Option<i64>,
    /// Probability as typed (empty: the stage's).
    pub probability: String,
    /// Owner (none: the author).
    pub owner_id: Option<i64>,
}

/// An opportunity in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityView {
    /// The row.
    pub row: OpportunityRow,
    /// Contact.
    pub contact_id: Option<i64>,
    /// Amount as an editable number (`1234.50`).
    pub amount_plain: String,
    /// The viewer may edit and move it.
    pub can_write: bool,
}

/// One month of the forecast.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastRowView {
    /// `2026-12`.
    pub month: String,
    /// Currency.
    pub currency: String,
    /// Open deals.
    pub open_count: u64,
    /// Σ open amount.
    pub open: String,
    /// Σ amount × probability.
    pub weighted: String,
    /// Won.
    pub won: String,
}

/// An activity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    /// Key.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Due, local time.
    pub due: Option<String>,
    /// Done, local time.
    pub done: Option<String>,
    /// Customer id.
    pub customer_id: i64,
    /// Customer's name.
    pub customer: String,
    /// Owner's name.
    pub owner: Option<String>,
}

/// The activity form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityForm {
    /// Kind.
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Due, as a `datetime-local` value.
    pub due: String,
    /// Already done.
    pub done: bool,
    /// The customer.
    pub customer_id: i64,
    /// A contact.
    pub contact_id: Option<i64>,
    /// An opportunity.
    pub opportunity_id: Option<i64>,
}

/// A user's day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDayView {
    /// Overdue.
    pub overdue: Vec<ActivityRow>,
    /// Due today.
    pub today: Vec<ActivityRow>,
    /// Due in the next seven days.
    pub upcoming: Vec<ActivityRow>,
}

/// A campaign with its results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: String,
    /// Budget, formatted.
    pub budget: String,
    /// Budget as an editable number.
    pub budget_plain: String,
    /// Currency.
    pub currency: String,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// Leads attributed.
    pub leads: u64,
    /// Of which converted.
    pub converted: u64,
    /// Won amount, formatted.
    pub won: String,
}

/// The campaign form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignForm {
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: String,
    /// Budget as typed.
    pub budget: String,
    /// Currency.
    pub currency: String,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
}

/// One entry of a customer's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// Key (for paging back).
    pub id: i64,
    /// `opportunity.won`.
    pub kind: String,
    /// The record's words.
    pub summary: String,
    /// Where it lives.
    pub link: String,
    /// When, local time.
    pub at: String,
    /// Who.
    pub actor: Option<String>,
}

/// The figures in a customer page's header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewView {
    /// Contacts.
    pub contacts: u64,
    /// Open opportunities (if the viewer may see them).
    pub open_opportunities: Option<u64>,
    /// Σ open pipeline.
    pub pipeline: Option<String>,
    /// Σ won.
    pub won: Option<String>,
    /// Open activities.
    pub open_activities: Option<u64>,
    /// The viewer may merge customers.
    pub can_merge: bool,
}

/// The filters of the activities list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityQuery {
    /// Part of the subject.
    pub search: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// Only this opportunity.
    pub opportunity_id: Option<i64>,
    /// `open`, `done`, or empty for both.
    pub status: String,
    /// `-created` (default), `created`, `due`.
    pub sort: String,
    /// Page, from 1.
    pub page: u64,
}
