//! What an invoice owes, the state its amounts give, and the amounts of
//! partial invoices and credit notes (by cumulative difference).

use chrono::NaiveDate;

use crate::{
    entities::{invoice_lines, invoices, sales_order_lines},
    messages, money, Error, Result,
};

use super::{OPEN, OVERDUE, PAID, PARTIALLY_PAID};

/// What an invoice owes.
pub fn owed(invoice: &invoices::Model) -> i64 {
    invoice.total_minor - invoice.paid_minor - invoice.credited_minor
}

/// The state an uncancelled invoice is in, from its amounts and `today`.
pub fn state_for(
    total: i64,
    paid: i64,
    credited: i64,
    due: NaiveDate,
    today: NaiveDate,
) -> &'static str {
    let owed = total - paid - credited;
    if owed <= 0 {
        PAID
    } else if due < today {
        OVERDUE
    } else if paid + credited > 0 {
        PARTIALLY_PAID
    } else {
        OPEN
    }
}

fn amounts(line_qty: i64, price: i64, discount_bp: i32, tax_bp: i32) -> Result<(i64, i64)> {
    money::line_amounts(line_qty, price, discount_bp, tax_bp)
        .ok_or_else(|| Error::field("amount", messages::AMOUNT_TOO_LARGE))
}

/// Net and tax for `more` units of an order line already invoiced `done`
/// units (cumulative difference; see the module's documentation).
pub fn invoice_amounts(
    line: &sales_order_lines::Model,
    done: i64,
    more: i64,
) -> Result<(i64, i64)> {
    let (n0, t0) = amounts(
        done,
        line.unit_price_minor,
        line.discount_bp,
        line.tax_rate_bp,
    )?;
    let (n1, t1) = amounts(
        done + more,
        line.unit_price_minor,
        line.discount_bp,
        line.tax_rate_bp,
    )?;
    Ok((n1 - n0, t1 - t0))
}

/// Net and tax a credit of `more` units of an invoice line already
/// credited `done` units reverses: pro rata, by cumulative difference, so
/// crediting every unit reverses exactly the line's amounts.
pub fn credit_amounts(line: &invoice_lines::Model, done: i64, more: i64) -> (i64, i64) {
    let part = |amount: i64, units: i64| -> i64 {
        let share = money::div_round_half_up(
            i128::from(amount) * i128::from(units),
            i128::from(line.quantity.max(1)),
        );
        i64::try_from(share).unwrap_or(amount)
    };
    (
        part(line.net_minor, done + more) - part(line.net_minor, done),
        part(line.tax_minor, done + more) - part(line.tax_minor, done),
    )
}
