//! Money as integer minor units: parsing what people type and showing it.
//! Two decimal places (cents) for every currency for now.

use crate::{messages, Error, Result};

/// Decimal places of the minor unit.
pub const DECIMALS: u32 = 2;

/// Parses `1234.5`, `1,234.50` or `1234` into minor units (123450).
/// `field` names the form field in the error.
pub fn parse_minor(text: &str, field: &str) -> Result<i64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ' && *c != '_')
        .collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    let bad = || Error::field(field, messages::AMOUNT_INVALID);
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > DECIMALS as usize
    {
        return Err(bad());
    }
    let scale = 10_i64.pow(DECIMALS);
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let fraction: i64 = format!("{fraction:0<width$}", width = DECIMALS as usize)
        .parse()
        .map_err(|_| bad())?;
    let value = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)?;
    Ok(if negative { -value } else { value })
}

/// Shows minor units as `1,234.50`.
pub fn format_minor(minor: i64) -> String {
    let scale = 10_i64.pow(DECIMALS);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = (abs / scale.unsigned_abs()).to_string();
    let fraction = abs % scale.unsigned_abs();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{sign}{grouped}.{fraction:0width$}",
        width = DECIMALS as usize
    )
}

/// Basis points in 100 %.
pub const FULL_BP: i64 = 10_000;

/// Parses a percentage with up to two decimals (`13`, `7.5`, `12.25 %`)
/// into basis points (1300, 750, 1225), 0 to 100 %.
pub fn parse_rate(text: &str, field: &str) -> Result<i32> {
    let cleaned = text.trim().trim_end_matches('%').trim();
    let bad = || Error::field(field, messages::RATE_RANGE);
    let minor = parse_minor(cleaned, field).map_err(|_| bad())?;
    if !(0..=FULL_BP).contains(&minor) {
        return Err(bad());
    }
    i32::try_from(minor).map_err(|_| bad())
}

/// Shows basis points as a percentage without trailing zeros (`7.5`).
pub fn format_rate(bp: i32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// `n / d` rounded half up (half away from zero for the non-negative
/// amounts Tandem prices with).
pub fn div_round_half_up(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    if r * 2 >= d {
        q + 1
    } else {
        q
    }
}

/// The one rounding rule for document lines, in integer minor units:
///
/// * net = quantity × unit price × (100 % − discount), rounded half up to
///   a whole minor unit once per line;
/// * tax = net × tax rate, rounded half up once per line;
/// * a document's subtotal and tax are the sums of its lines' rounded
///   amounts, and its total is subtotal + tax (so the total always equals
///   the sum of what the lines show).
///
/// Returns (net, tax); `None` when the amounts overflow 64 bits.
pub fn line_amounts(
    quantity: i64,
    unit_price_minor: i64,
    discount_bp: i32,
    tax_rate_bp: i32,
) -> Option<(i64, i64)> {
    let gross = i128::from(quantity) * i128::from(unit_price_minor);
    let net = div_round_half_up(
        gross.checked_mul(i128::from(FULL_BP - i64::from(discount_bp)))?,
        i128::from(FULL_BP),
    );
    let tax = div_round_half_up(
        net.checked_mul(i128::from(tax_rate_bp))?,
        i128::from(FULL_BP),
    );
    Some((i64::try_from(net).ok()?, i64::try_from(tax).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_minor_units_without_floats() -> Result<()> {
        assert_eq!(parse_minor("1234.5", "x")?, 123_450);
        assert_eq!(parse_minor("1,234.50", "x")?, 123_450);
        assert_eq!(parse_minor("0.07", "x")?, 7);
        assert_eq!(parse_minor("", "x")?, 0);
        assert_eq!(parse_minor("-3", "x")?, -300);
        for bad in ["1.234", "abc", "1.2.3", "--1", "99999999999999999999"] {
            assert!(parse_minor(bad, "x").is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn minor_units_format_with_grouping() {
        assert_eq!(format_minor(123_450), "1,234.50");
        assert_eq!(format_minor(7), "0.07");
        assert_eq!(format_minor(-100_000_000), "-1,000,000.00");
    }

    #[test]
    fn rates_parse_to_basis_points() -> Result<()> {
        assert_eq!(parse_rate("13", "x")?, 1300);
        assert_eq!(parse_rate("7.5 %", "x")?, 750);
        assert_eq!(parse_rate("100", "x")?, 10_000);
        assert_eq!(parse_rate("", "x")?, 0);
        for bad in ["101", "-1", "1.234", "ten"] {
            assert!(parse_rate(bad, "x").is_err(), "{bad}");
        }
        assert_eq!(format_rate(750), "7.5");
        assert_eq!(format_rate(1225), "12.25");
        assert_eq!(format_rate(1300), "13");
        Ok(())
    }

    #[test]
    fn lines_round_half_up_once_per_line() {
        // 3 × 0.35 with 10 % off = 0.945 → 0.95; 13 % tax of 0.95 = 0.1235 → 0.12
        assert_eq!(line_amounts(3, 35, 1000, 1300), Some((95, 12)));
        // exactly half rounds up: 1 × 0.05 at 50 % off = 0.025 → 0.03
        assert_eq!(line_amounts(1, 5, 5000, 0), Some((3, 0)));
        // 19 % tax on 0.50 = 0.095 → 0.10
        assert_eq!(line_amounts(1, 50, 0, 1900), Some((50, 10)));
        assert_eq!(line_amounts(7, 1999, 0, 0), Some((13_993, 0)));
        assert_eq!(line_amounts(1, 500, 10_000, 1300), Some((0, 0)));
        assert_eq!(line_amounts(i64::MAX, i64::MAX, 0, 0), None);
    }
}
