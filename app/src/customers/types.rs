//! What crosses the wire for customers and contacts.

use serde::{Deserialize, Serialize};

/// A row of the customers list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// Key.
    pub id: i64,
    /// Code.
    pub code: String,
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Segment.
    pub segment: String,
    /// Archived.
    pub archived: bool,
    /// Owner's name.
    pub owner: Option<String>,
    /// Merged into this customer.
    pub merged_into: Option<i64>,
}

/// A customer in full, with what the viewer may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    /// The list fields.
    pub summary: CustomerSummary,
    /// Postal address.
    pub address: String,
    /// Tax id.
    pub tax_id: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Owner's name.
    pub owner: Option<String>,
    /// Owner's id.
    pub owner_id: Option<i64>,
    /// Credit limit, formatted (`1,234.50`).
    pub credit_limit: String,
    /// Currency.
    pub currency: String,
    /// Payment terms in days.
    pub payment_terms_days: i32,
    /// Notes.
    pub notes: String,
    /// The viewer may edit it and its contacts.
    pub can_write: bool,
    /// The viewer may archive or restore it.
    pub can_archive: bool,
}

/// The customer form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerForm {
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: String,
    /// Tax id.
    pub tax_id: String,
    /// Segment.
    pub segment: String,
    /// Tags, comma-separated.
    pub tags: String,
    /// Credit limit as typed (`1234.50`).
    pub credit_limit: String,
    /// Currency.
    pub currency: String,
    /// Payment terms in days.
    pub payment_terms_days: i32,
    /// Notes.
    pub notes: String,
    /// Owner (none: unchanged, or the author for a new customer).
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// A likely duplicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateView {
    /// Key.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Why: `email`, `phone`, `tax_id`, `name`.
    pub reasons: Vec<String>,
}

/// A contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    /// Key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// The contact form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
}
