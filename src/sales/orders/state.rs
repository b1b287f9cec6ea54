//! The order state machine: the states, which count as booked revenue and
//! which transitions the flow allows.

use crate::{messages, Error, Result};

pub use crate::entities::sales_orders::OrderState;

/// States whose orders count as booked revenue.
pub const BOOKED: [OrderState; 5] = [
    OrderState::Confirmed,
    OrderState::PartiallyShipped,
    OrderState::Shipped,
    OrderState::Invoiced,
    OrderState::Closed,
];

/// Whether orders in `state` count as booked revenue.
pub fn is_booked(state: &str) -> bool {
    BOOKED.iter().any(|b| b.as_str() == state)
}

impl OrderState {
    /// Every state, in the order of the flow.
    pub const ALL: [OrderState; 7] = [
        OrderState::Draft,
        OrderState::Confirmed,
        OrderState::PartiallyShipped,
        OrderState::Shipped,
        OrderState::Invoiced,
        OrderState::Closed,
        OrderState::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Draft => "draft",
            OrderState::Confirmed => "confirmed",
            OrderState::PartiallyShipped => "partially_shipped",
            OrderState::Shipped => "shipped",
            OrderState::Invoiced => "invoiced",
            OrderState::Closed => "closed",
            OrderState::Cancelled => "cancelled",
        }
    }

    /// The state stored as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the flow allows going from `self` to `to`.
    pub fn allows(self, to: OrderState) -> bool {
        use OrderState::*;
        matches!(
            (self, to),
            (Draft, Confirmed)
                | (Draft, Cancelled)
                | (Confirmed, PartiallyShipped)
                | (Confirmed, Shipped)
                | (Confirmed, Cancelled)
                | (PartiallyShipped, Shipped)
                | (Shipped, Invoiced)
                | (Invoiced, Shipped)
                | (Invoiced, Closed)
        )
    }

    /// Refuses a transition the flow does not allow, with a clear message.
    pub fn check(self, to: OrderState) -> Result<()> {
        if self.allows(to) {
            Ok(())
        } else if self == OrderState::Cancelled {
            Err(Error::Conflict(messages::ORDER_CANCELLED.into()))
        } else if to == OrderState::Cancelled {
            Err(Error::Conflict(messages::ORDER_CANNOT_CANCEL.into()))
        } else {
            Err(Error::Conflict(messages::TRANSITION_REFUSED.into()))
        }
    }

    /// Whether its lines hold reservations.
    pub fn holds_stock(self) -> bool {
        matches!(self, OrderState::Confirmed | OrderState::PartiallyShipped)
    }
}

impl OrderState {
    /// A state named in a query result read as text; an unknown name is an
    /// internal error.
    pub fn stored(text: &str) -> Result<OrderState> {
        OrderState::parse(text)
            .ok_or_else(|| Error::Internal(format!("an order has the unknown state {text:?}")))
    }
}
