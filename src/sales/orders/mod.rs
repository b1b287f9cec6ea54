//! Sales orders from quote to shipment. A quote (draft) is edited freely;
//! **confirm** reserves stock per line (in part when short; the rest is
//! backordered), after checking the customer's credit limit, each line's
//! effective discount against the threshold and its tax rate against the
//! product's ([`crate::sales::pricing`]; any of them needs an approval by
//! `orders.approve`); **cancel** (before anything shipped) releases the
//! reservations. Quotes are in the list prices' currency only. Shipments
//! live in [`crate::sales::shipments`].
//!
//! States: draft → confirmed → partially shipped → shipped → invoiced →
//! closed, and draft / confirmed → cancelled. Every state change is a
//! conditional update on the state the caller saw, so a double-submitted
//! confirm confirms once and two people cannot both win a race.

mod approval;
mod billed;
mod cancel;
mod confirm;
mod detail;
mod edit;
mod list;
mod page;
mod quote;
mod reserve;
mod rows;
mod state;

pub use approval::{
    approval, approve, awaits_approval, discount_threshold, Approval,
    DEFAULT_DISCOUNT_THRESHOLD_BP, DISCOUNT_THRESHOLD_KEY,
};
pub(crate) use billed::{add_invoiced, add_returned, remove_invoiced, settle};
pub use cancel::cancel;
pub use confirm::{confirm, large_order, Confirmed, DEFAULT_LARGE_ORDER_MINOR, LARGE_ORDER_KEY};
pub use detail::{detail_of, get, LineView, OrderDetail};
pub use edit::{create, update};
pub use list::{customer_figures, list, CustomerFigures, OrderFilter, OrderRow};
pub use page::{abilities, page, Abilities, OrderPage};
pub use quote::{preview, LineInput, OrderInput, Preview, PreviewLine};
pub(crate) use quote::{MAX_LINES, MAX_QUANTITY};
pub use reserve::reserve_backorders;
pub(crate) use reserve::reserve_lines;
pub(crate) use rows::{backordered, lock_in, try_lock_in};
pub use rows::{link, scope_of};
pub use state::{is_booked, OrderState, BOOKED};

pub use crate::sales::credit::exposure;
