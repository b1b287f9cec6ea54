//! What a ticket form sends and its validation into a [`Valid`] ticket
//! (shared by the desk and the public support form).

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::{
    access::users::validate_email,
    entities::{contacts, customers, queues, sales_orders, shipments, users},
    messages,
    platform::normalize,
    service::service_desk,
    Error, FieldErrors, Result,
};

use super::{CHANNELS, KINDS, MAX_TEXT};

/// What a ticket form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketInput {
    /// The customer.
    pub customer_id: Option<i64>,
    /// One of its contacts.
    pub contact_id: Option<i64>,
    /// The requester's name (when not a contact).
    pub requester_name: String,
    /// The requester's email.
    pub requester_email: String,
    /// The order it concerns.
    pub order_id: Option<i64>,
    /// The shipment it concerns.
    pub shipment_id: Option<i64>,
    /// One of [`KINDS`].
    pub kind: String,
    /// One of [`CHANNELS`].
    pub channel: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// One of [`service_desk::PRIORITIES`].
    pub priority: String,
    /// The queue.
    pub queue_id: Option<i64>,
    /// The agent.
    pub assignee_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// A validated ticket.
#[derive(Clone, Debug)]
pub(crate) struct Valid {
    pub customer: customers::Model,
    pub contact_id: Option<i64>,
    pub requester_name: String,
    pub requester_email: String,
    pub order_id: Option<i64>,
    pub shipment_id: Option<i64>,
    pub kind: String,
    pub channel: String,
    pub subject: String,
    pub description: String,
    pub priority: String,
    pub queue_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub tags: String,
}

pub(super) fn tags_of(input: &[String], errors: &mut FieldErrors) -> String {
    normalize::tag_list(input).unwrap_or_else(|| {
        errors.insert("tags".into(), messages::TAG_INVALID.into());
        String::new()
    })
}

/// Checks that an order (and a shipment) belong to a customer.
pub(super) async fn check_links(
    db: &impl ConnectionTrait,
    customer_id: i64,
    order_id: Option<i64>,
    shipment_id: Option<i64>,
    errors: &mut FieldErrors,
) -> Result<()> {
    if let Some(order_id) = order_id {
        let ok = sales_orders::Entity::find_by_id(order_id)
            .one(db)
            .await?
            .is_some_and(|o| o.customer_id == customer_id);
        if !ok {
            errors.insert("order_id".into(), messages::ORDER_NOT_CUSTOMERS.into());
        }
    }
    if let Some(shipment_id) = shipment_id {
        let order = match shipments::Entity::find_by_id(shipment_id).one(db).await? {
            Some(s) => sales_orders::Entity::find_by_id(s.order_id).one(db).await?,
            None => None,
        };
        let ok = order
            .is_some_and(|o| o.customer_id == customer_id && order_id.is_none_or(|id| id == o.id));
        if !ok {
            errors.insert("shipment_id".into(), messages::SHIPMENT_NOT_ORDERS.into());
        }
    }
    Ok(())
}

pub(crate) async fn validate(db: &impl ConnectionTrait, input: &TicketInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let customer = match input.customer_id {
        Some(id) => customers::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if customer.is_none() {
        errors.insert("customer_id".into(), messages::CUSTOMER_MISSING.into());
    }
    let subject = input.subject.trim().to_owned();
    if subject.is_empty() {
        errors.insert("subject".into(), messages::SUBJECT_REQUIRED.into());
    } else if subject.chars().count() > 200 {
        errors.insert("subject".into(), messages::MAX_200.into());
    }
    let description = input.description.trim().to_owned();
    if description.chars().count() > MAX_TEXT {
        errors.insert("description".into(), messages::TOO_LONG.into());
    }
    if !KINDS.contains(&input.kind.as_str()) {
        errors.insert("kind".into(), messages::CHOICE_INVALID.into());
    }
    if !CHANNELS.contains(&input.channel.as_str()) {
        errors.insert("channel".into(), messages::CHANNEL_INVALID.into());
    }
    if !service_desk::PRIORITIES.contains(&input.priority.as_str()) {
        errors.insert("priority".into(), messages::CHOICE_INVALID.into());
    }
    let requester_name = input.requester_name.trim().to_owned();
    if requester_name.chars().count() > 200 {
        errors.insert("requester_name".into(), messages::MAX_200.into());
    }
    let requester_email = match input.requester_email.trim() {
        "" => String::new(),
        text => match validate_email(text) {
            Ok(e) => e,
            Err(_) => {
                errors.insert("requester_email".into(), messages::EMAIL_INVALID.into());
                String::new()
            }
        },
    };
    let tags = tags_of(&input.tags, &mut errors);
    if let Some(customer) = &customer {
        if let Some(contact_id) = input.contact_id {
            let ok = contacts::Entity::find_by_id(contact_id)
                .one(db)
                .await?
                .is_some_and(|c| c.customer_id == customer.id);
            if !ok {
                errors.insert("contact_id".into(), messages::CONTACT_MISMATCH.into());
            }
        }
        check_links(
            db,
            customer.id,
            input.order_id,
            input.shipment_id,
            &mut errors,
        )
        .await?;
    }
    if let Some(queue_id) = input.queue_id {
        if queues::Entity::find_by_id(queue_id)
            .one(db)
            .await?
            .is_none()
        {
            errors.insert("queue_id".into(), messages::QUEUE_MISSING.into());
        }
    }
    if let Some(assignee) = input.assignee_id {
        let active = users::Entity::find_by_id(assignee)
            .one(db)
            .await?
            .is_some_and(|u| u.active);
        if !active {
            errors.insert("assignee_id".into(), messages::OWNER_INVALID.into());
        }
    }
    match customer {
        Some(customer) if errors.is_empty() => Ok(Valid {
            customer,
            contact_id: input.contact_id,
            requester_name,
            requester_email,
            order_id: input.order_id,
            shipment_id: input.shipment_id,
            kind: input.kind.clone(),
            channel: input.channel.clone(),
            subject,
            description,
            priority: input.priority.clone(),
            queue_id: input.queue_id,
            assignee_id: input.assignee_id,
            tags,
        }),
        _ => Err(Error::Validation(errors)),
    }
}
