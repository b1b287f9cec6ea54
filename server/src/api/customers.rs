//! `/customers`: the CRM's customers and their contacts.

use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_app::ssr::AppState;
use tandem_domain::{
    crm::customers::{self as service, ContactInput, CustomerFilter, CustomerInput},
    entities::{contacts, customers as entity},
};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Body, Caller, Id, Params, Txn},
    problem::{renamed, ApiResult},
    window, List, Written,
};

/// A customer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Customer {
    /// Key.
    pub id: i64,
    /// Readable code (`CUS-42`).
    pub code: String,
    /// `company` or `person`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone, normalised (`+4930123456`).
    pub phone: Option<String>,
    /// Postal address.
    pub address: String,
    /// Tax id.
    pub tax_id: Option<String>,
    /// Segment.
    pub segment: String,
    /// Tags.
    pub tags: Vec<String>,
    /// The owning sales user.
    pub owner_id: Option<i64>,
    /// Credit limit, minor units of `currency` (0: none).
    pub credit_limit_minor: i64,
    /// ISO 4217 currency of its orders.
    pub currency: String,
    /// Payment terms, days.
    pub payment_terms_days: i32,
    /// Notes.
    pub notes: String,
    /// Archived (kept, hidden from lists by default).
    pub archived: bool,
    /// The customer it was merged into, if it was.
    pub merged_into_id: Option<i64>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<entity::Model> for Customer {
    fn from(m: entity::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            kind: m.kind,
            name: m.name,
            email: m.email,
            phone: m.phone,
            address: m.address,
            tax_id: m.tax_id,
            segment: m.segment,
            tags: super::tags(&m.tags),
            owner_id: m.owner_id,
            credit_limit_minor: m.credit_limit_minor,
            currency: m.currency,
            payment_terms_days: m.payment_terms_days,
            notes: m.notes,
            archived: m.archived,
            merged_into_id: m.merged_into_id,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

fn default_kind() -> String {
    "company".into()
}

/// A customer to create, or a customer's new state (every field).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerIn {
    /// `company` (default) or `person`.
    #[serde(default = "default_kind")]
    #[schema(pattern = "^(company|person)$")]
    pub kind: String,
    /// Name (required, at most 200 characters).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone, 6 to 15 digits.
    #[serde(default)]
    pub phone: String,
    /// Postal address.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub address: String,
    /// Tax id.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub tax_id: String,
    /// Segment.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub segment: String,
    /// Tags (no commas).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The owning sales user; the token's owner when absent. Another owner
    /// needs `customers.read_all`.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Credit limit, minor units (0: none).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub credit_limit_minor: i64,
    /// ISO 4217 currency.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub currency: String,
    /// Payment terms, 0 to 365 days.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: i32,
    /// Notes.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: String,
}

impl From<CustomerIn> for CustomerInput {
    fn from(c: CustomerIn) -> Self {
        Self {
            kind: c.kind,
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address,
            tax_id: c.tax_id,
            segment: c.segment,
            tags: c.tags,
            owner_id: c.owner_id,
            credit_limit_minor: c.credit_limit_minor,
            currency: c.currency,
            payment_terms_days: c.payment_terms_days,
            notes: c.notes,
        }
    }
}

/// The service's field names that differ from the API's.
const FIELDS: &[(&str, &str)] = &[("credit_limit", "credit_limit_minor")];

/// Filters of the customer list (those of the customers page).
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Start of the name, code, email or phone.
    pub search: Option<String>,
    /// Only this segment.
    pub segment: Option<String>,
    /// Only customers of this owner.
    pub owner_id: Option<i64>,
    /// Only customers with this tag.
    pub tag: Option<String>,
    /// Include archived customers.
    #[serde(default)]
    pub include_archived: bool,
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// Customers in the token's scope, in id order.
#[utoipa::path(get, path = "/customers", tag = "customers", params(CustomerQuery),
    responses((status = 200, description = "A page of customers", body = List<Customer>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(query): Params<CustomerQuery>,
) -> ApiResult<Json<List<Customer>>> {
    let (after, limit) = window(query.after.as_deref(), query.limit)?;
    let filter = CustomerFilter {
        search: query.search,
        include_archived: query.include_archived,
        segment: query.segment,
        owner_id: query.owner_id,
        tag: query.tag,
        sort: String::new(),
        page: 1,
        per_page: limit,
        after,
    };
    let page = service::list(&state.reader, caller.actor(), &filter).await?;
    Ok(Json(List::new(page, Customer::from)))
}

/// Creates a customer (`customers.write`).
#[utoipa::path(post, path = "/customers", tag = "customers", request_body = CustomerIn,
    responses((status = 201, description = "Created", body = Customer)))]
pub async fn create(
    Txn(txn): Txn,
    caller: Caller,
    Body(input): Body<CustomerIn>,
) -> ApiResult<Written<Customer>> {
    let created = service::create(&*txn, caller.actor(), &input.into())
        .await
        .map_err(|e| renamed(e, FIELDS))?;
    Ok(Written::created(created.into()))
}

/// One customer.
#[utoipa::path(get, path = "/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, description = "The customer", body = Customer)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<Customer>> {
    Ok(Json(
        service::get(&state.reader, caller.actor(), id)
            .await?
            .into(),
    ))
}

/// Replaces a customer's fields (`customers.write`).
#[utoipa::path(put, path = "/customers/{id}", tag = "customers", request_body = CustomerIn,
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, description = "Updated", body = Customer)))]
pub async fn update(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<CustomerIn>,
) -> ApiResult<Written<Customer>> {
    let updated = service::update(
        &*txn,
        caller.actor(),
        id,
        &input.into(),
        &tandem_domain::sales::stats::OrderSummaries,
    )
    .await
    .map_err(|e| renamed(e, FIELDS))?;
    Ok(Written::changed(updated.into()))
}

/// A contact person of a company customer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Contact {
    /// Key.
    pub id: i64,
    /// The customer.
    pub customer_id: i64,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<contacts::Model> for Contact {
    fn from(m: contacts::Model) -> Self {
        Self {
            id: m.id,
            customer_id: m.customer_id,
            name: m.name,
            title: m.title,
            email: m.email,
            phone: m.phone,
            created_at: m.created_at,
        }
    }
}

/// A contact to add.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactIn {
    /// Name (required).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Job title.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub title: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
}

/// A customer's contacts, by name (one page: every contact).
#[utoipa::path(get, path = "/customers/{id}/contacts", tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 200, description = "The contacts", body = List<Contact>)))]
pub async fn contacts(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> ApiResult<Json<List<Contact>>> {
    let contacts = service::contacts_of(&state.reader, caller.actor(), id).await?;
    Ok(Json(List {
        data: contacts.into_iter().map(Contact::from).collect(),
        next_cursor: None,
    }))
}

/// Adds a contact to a company customer (`customers.write`).
#[utoipa::path(post, path = "/customers/{id}/contacts", tag = "customers", request_body = ContactIn,
    params(("id" = i64, Path, description = "Customer id")),
    responses((status = 201, description = "Added", body = Contact)))]
pub async fn add_contact(
    Txn(txn): Txn,
    caller: Caller,
    Id(id): Id,
    Body(input): Body<ContactIn>,
) -> ApiResult<Written<Contact>> {
    let input = ContactInput {
        name: input.name,
        title: input.title,
        email: input.email,
        phone: input.phone,
    };
    let added = service::add_contact(&*txn, caller.actor(), id, &input).await?;
    Ok(Written::created(added.into()))
}
