//! The price rules of a quote line, in one place so that every path that
//! confirms, approves or shows an approval asks the same question.
//!
//! * **Discount.** What counts is the *effective* discount against the
//!   product's list price: a unit price below list is a discount just as
//!   the discount field is. effective = 1 − unit price × (1 − discount) /
//!   list price, in basis points, rounded *up* (so 20.001 % is 2001 and a
//!   threshold of 2000 catches it; for a whole threshold this is exact).
//!   A price above list is a negative discount; a product listed at 0 has
//!   nothing to discount, so its lines have none.
//! * **Tax.** A line's tax rate must be its product's; another rate (a 0 %
//!   line for a 19 % product) needs an approval like a deep discount. We
//!   ask for an approval rather than refusing, so an approver can still
//!   let a genuine exemption through, and the approver is recorded.
//! * **Currency.** List prices carry no currency of their own: they are in
//!   the company currency (`app_meta` key `company.currency`, default EUR,
//!   the one dashboards count in). Until price lists and exchange rates
//!   exist, a quote in another currency is refused.

use sea_orm::ConnectionTrait;

use crate::{entities::products, messages, money::FULL_BP, platform::meta, Error, Result};

/// How far below its list price a line sells, in basis points, rounded up:
/// 10 000 − ⌊unit price × (10 000 − discount) / list price⌋. Negative when
/// it sells above list; 0 when the list price is 0 (or below).
pub fn effective_discount_bp(
    list_price_minor: i64,
    unit_price_minor: i64,
    discount_bp: i32,
) -> i64 {
    if list_price_minor <= 0 {
        return 0;
    }
    let list = i128::from(list_price_minor);
    let kept = i128::from(unit_price_minor) * (i128::from(FULL_BP) - i128::from(discount_bp));
    // Rounding the kept share down rounds the discount up: never under-counted.
    let effective = i128::from(FULL_BP) - kept.div_euclid(list);
    // Above 100 % is impossible for prices ≥ 0; far below 0 is a markup
    // too large for 64 bits, which still needs no approval.
    i64::try_from(effective).unwrap_or(i64::MIN)
}

/// What a line breaks of the approval rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCheck {
    /// Its effective discount ([`effective_discount_bp`]).
    pub effective_discount_bp: i64,
    /// The effective discount is above the threshold.
    pub over_discount: bool,
    /// Its tax rate is not the product's.
    pub tax_differs: bool,
}

impl LineCheck {
    /// Whether the line needs an approval.
    pub fn needs_approval(&self) -> bool {
        self.over_discount || self.tax_differs
    }
}

/// Checks one line (unit price, discount and tax rate as stored) against
/// its product and the discount threshold.
pub fn check_line(
    product: &products::Model,
    unit_price_minor: i64,
    discount_bp: i32,
    tax_rate_bp: i32,
    threshold_bp: i32,
) -> LineCheck {
    let effective = effective_discount_bp(product.list_price_minor, unit_price_minor, discount_bp);
    LineCheck {
        effective_discount_bp: effective,
        over_discount: effective > i64::from(threshold_bp),
        tax_differs: tax_rate_bp != product.tax_rate_bp,
    }
}

/// The currency list prices are in: the company currency.
pub async fn list_currency(db: &impl ConnectionTrait) -> Result<String> {
    meta::currency(db).await
}

/// Whether `currency` is the list prices' currency.
pub async fn is_list_currency(db: &impl ConnectionTrait, currency: &str) -> Result<bool> {
    let list = list_currency(db).await?;
    Ok(currency.trim().eq_ignore_ascii_case(list.trim()))
}

/// Refuses a quote in `currency` unless it is the list prices' currency,
/// as a message on `field` (the customer, whose currency the quote takes).
pub async fn require_list_currency(
    db: &impl ConnectionTrait,
    currency: &str,
    field: &str,
) -> Result<()> {
    if is_list_currency(db, currency).await? {
        Ok(())
    } else {
        Err(Error::field(field, messages::QUOTE_CURRENCY_MISMATCH))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_discount_counts_a_price_below_list_and_rounds_up() {
        // At list, the discount field is the discount.
        assert_eq!(effective_discount_bp(10_000, 10_000, 2000), 2000);
        // A price of 0.01 against 100.00 is a 99.99 % discount.
        assert_eq!(effective_discount_bp(10_000, 1, 0), 9999);
        // 80.00 less 0.01 % against 100.00: 79.992 kept → 20.008 % → 2001.
        assert_eq!(effective_discount_bp(10_000, 8_000, 1), 2001);
        // Just above 20 %: 7999.99 / 10000 is not a whole basis point.
        assert_eq!(effective_discount_bp(1_000_000, 799_999, 0), 2001);
        assert_eq!(effective_discount_bp(1_000_000, 800_000, 0), 2000);
        // Above list with a discount back to list: no discount.
        assert_eq!(effective_discount_bp(10_000, 12_500, 2000), 0);
        // Above list: negative.
        assert!(effective_discount_bp(10_000, 20_000, 0) < 0);
        // Free product: nothing to discount.
        assert_eq!(effective_discount_bp(0, 0, 10_000), 0);
        assert_eq!(effective_discount_bp(0, 500, 5000), 0);
        // Everything off.
        assert_eq!(effective_discount_bp(10_000, 10_000, 10_000), 10_000);
        assert_eq!(effective_discount_bp(10_000, 0, 0), 10_000);
        // No overflow at the extremes.
        assert_eq!(effective_discount_bp(i64::MAX, 0, 0), 10_000);
        assert!(effective_discount_bp(1, i64::MAX, 0) < 0);
    }
}
