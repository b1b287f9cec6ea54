//! Invoices, payments and credit notes.
//!
//! An invoice bills shipped quantities: those of one shipment, or every
//! shipped and not yet invoiced quantity of an order. Its due date is the
//! issue date plus the customer's payment terms. What it owes is
//! total − paid − credited, which the database keeps between zero and the
//! total. Payments settle it (an overpayment is refused, or its excess kept
//! as customer credit when the user says so); credit notes reverse all or
//! part of its lines. The order becomes invoiced when everything shipped is
//! invoiced, and closed when its invoices are settled.
//!
//! **Amounts of partial documents.** A line invoiced in parts is billed by
//! cumulative difference: an invoice for `q` more units of a line already
//! invoiced `i` units bills `amounts(i + q) − amounts(i)`, where `amounts`
//! is [`money::line_amounts`](crate::money::line_amounts). The invoices of
//! an order line therefore add up to exactly the order line's net and tax,
//! whatever the split. Credit notes do the same against the invoice line,
//! pro rata to its quantity.

mod aging;
mod amounts;
mod balance;
mod cancel;
mod credit;
mod detail;
mod list;
mod overdue;
mod pay;
mod raise;
mod settle;

pub use self::aging::{aging, Aging};
pub use self::amounts::{credit_amounts, invoice_amounts, owed, state_for};
pub use self::balance::credit_balance;
pub use self::cancel::cancel;
pub use self::credit::{credit, CreditInput};
pub(crate) use self::credit::{credit_as, link_ticket};
pub use self::detail::{abilities, company, detail_of, get, Abilities, Company, InvoiceDetail};
pub use self::list::{list, InvoiceFilter, InvoiceRow};
pub use self::overdue::flag_overdue;
pub use self::pay::{pay, PaymentInput};
pub use self::raise::raise;

use crate::{
    access::{Actor, Scope},
    Result,
};

pub use crate::entities::invoices::{
    owed_sum, unpaid_literal, CANCELLED, OPEN, OVERDUE, PAID, PARTIALLY_PAID, STATES, UNPAID,
};

/// Payment methods; `credit` draws on the customer's credit balance.
pub const METHODS: [&str; 6] = ["bank_transfer", "card", "cash", "cheque", "credit", "other"];
/// Paying from the customer's credit balance.
pub const METHOD_CREDIT: &str = "credit";

/// Meta keys of the company details printed on invoices.
pub const COMPANY_KEYS: [&str; 4] = [
    "company.name",
    "company.address",
    "company.tax_id",
    "company.email",
];

/// The record scope for invoices (their owner is the order's owner).
pub fn scope_of(actor: &Actor) -> Result<Scope> {
    crate::access::scope::records::scope(actor, crate::access::scope::records::Kind::Invoice)
}

/// Where an invoice lives in the UI.
pub fn link(id: i64) -> String {
    format!("/invoices/{id}")
}
