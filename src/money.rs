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
}
