//! The public support form (`/support`, no sign-in): a visitor's name,
//! email, optional order number, subject and description become a ticket.
//! The requester is matched to a customer by email (the customer's own or
//! one of its contacts'); an unknown requester becomes a new customer
//! tagged `to-review`, for sales to look at. Abuse is kept out by the
//! per-address rate limit of every anonymous request
//! ([`crate::access::rate_limit`], checked by the server function before
//! this runs), a honeypot field humans never see, and size limits;
//! messages are the same as everywhere else.

use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, Func},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::{
    entities::{contacts, customers, queues, sales_orders},
    messages, Error, FieldErrors, Result,
    {
        access::users::validate_email,
        crm::customers::{self as customer_service, CustomerInput},
        platform::meta,
        service::tickets::{self, TicketInput, MAX_TEXT},
    },
};

/// What the public form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicRequest {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Order number (optional).
    pub order_number: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// The honeypot: a field hidden from people; bots fill it.
    pub website: String,
}

/// The customer an email belongs to: a customer with that email, else the
/// customer of a contact with it (merged customers lead to the survivor).
async fn match_customer(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<customers::Model>> {
    let direct = customers::Entity::find()
        .filter(customers::Column::EmailKey.eq(email))
        .filter(customers::Column::MergedIntoId.is_null())
        .order_by_asc(customers::Column::Archived)
        .order_by_asc(customers::Column::Id)
        .one(db)
        .await?;
    if direct.is_some() {
        return Ok(direct);
    }
    let contact = contacts::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(contacts::Column::Email))).eq(email))
        .order_by_asc(contacts::Column::Id)
        .one(db)
        .await?;
    let Some(contact) = contact else {
        return Ok(None);
    };
    let mut customer = customers::Entity::find_by_id(contact.customer_id)
        .one(db)
        .await?;
    for _ in 0..5 {
        match customer.as_ref().and_then(|c| c.merged_into_id) {
            Some(next) => customer = customers::Entity::find_by_id(next).one(db).await?,
            None => break,
        }
    }
    Ok(customer)
}

/// Takes a request from the public form and returns the new ticket's
/// number. The caller has counted the request against the client
/// address's limit ([`crate::access::rate_limit::PublicLimits`]).
pub async fn submit(db: &impl crate::db::Tx, input: &PublicRequest) -> Result<String> {
    if !input.website.trim().is_empty() {
        return Err(Error::field("website", messages::HONEYPOT));
    }
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name".into(), messages::NAME_REQUIRED.into());
    } else if name.chars().count() > 200 {
        errors.insert("name".into(), messages::MAX_200.into());
    }
    let email = match validate_email(input.email.trim()) {
        Ok(e) => e.to_lowercase(),
        Err(_) => {
            errors.insert("email".into(), messages::EMAIL_INVALID.into());
            String::new()
        }
    };
    let subject = input.subject.trim().to_owned();
    if subject.is_empty() {
        errors.insert("subject".into(), messages::SUBJECT_REQUIRED.into());
    } else if subject.chars().count() > 200 {
        errors.insert("subject".into(), messages::MAX_200.into());
    }
    let description = input.description.trim().to_owned();
    if description.is_empty() {
        errors.insert("description".into(), messages::DESCRIPTION_REQUIRED.into());
    } else if description.chars().count() > MAX_TEXT {
        errors.insert("description".into(), messages::TOO_LONG.into());
    }
    let order_number = input.order_number.trim().to_uppercase();
    if order_number.chars().count() > 40 {
        errors.insert("order_number".into(), messages::ORDER_NUMBER_UNKNOWN.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = db.begin().await?;
    let matched = match_customer(&txn, &email).await?;
    let order_id = if order_number.is_empty() {
        None
    } else {
        // Only an order of the matched customer: a number alone reveals nothing.
        let order = match &matched {
            Some(c) => {
                sales_orders::Entity::find()
                    .filter(sales_orders::Column::Number.eq(order_number.clone()))
                    .filter(sales_orders::Column::CustomerId.eq(c.id))
                    .one(&txn)
                    .await?
            }
            None => None,
        };
        match order {
            Some(o) => Some(o.id),
            None => return Err(Error::field("order_number", messages::ORDER_NUMBER_UNKNOWN)),
        }
    };
    let customer = match matched {
        Some(c) => c,
        None => {
            let currency = meta::get(&txn, "company.currency")
                .await?
                .unwrap_or_else(|| "EUR".into());
            customer_service::insert_for_review(
                &txn,
                &CustomerInput {
                    kind: "person".into(),
                    name: name.clone(),
                    email: email.clone(),
                    tags: vec!["to-review".into()],
                    currency,
                    payment_terms_days: 30,
                    notes: messages::CUSTOMER_FROM_SUPPORT.into(),
                    ..Default::default()
                },
            )
            .await?
        }
    };
    let queue = queues::Entity::find()
        .order_by_asc(queues::Column::Id)
        .one(&txn)
        .await?;
    let valid = tickets::validate(
        &txn,
        &TicketInput {
            customer_id: Some(customer.id),
            contact_id: None,
            requester_name: name,
            requester_email: email,
            order_id,
            shipment_id: None,
            kind: if order_id.is_some() {
                "request"
            } else {
                "question"
            }
            .into(),
            channel: "web".into(),
            subject,
            description,
            priority: "normal".into(),
            queue_id: queue.map(|q| q.id),
            assignee_id: None,
            tags: Vec::new(),
        },
    )
    .await?;
    let created = tickets::insert(&txn, None, &valid, Utc::now()).await?;
    txn.commit().await?;
    Ok(created.number)
}
