//! Reading what people type. Services take typed values (minor units,
//! quantities, dates); the edge — server functions, and REST where it
//! takes text — turns form text into those values here, once, and reports
//! every unreadable field with its message before a service is asked.

use chrono::NaiveDate;

use crate::{messages, money, Error, FieldErrors, Result};

/// The fields of one form as they are read: collects a message per field
/// that could not be read, and answers all of them together.
#[derive(Debug, Default)]
pub struct Form {
    errors: FieldErrors,
}

impl Form {
    /// A form with nothing read yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A date typed as `2026-12-31`; blank is `None`.
    pub fn date(&mut self, field: &str, text: &str) -> Option<NaiveDate> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                self.error(field, messages::DATE_INVALID);
                None
            }
        }
    }

    /// An amount typed as `1,234.50`, in minor units; blank is 0.
    pub fn minor(&mut self, field: &str, text: &str) -> i64 {
        match money::parse_minor(text, field) {
            Ok(minor) => minor,
            Err(_) => {
                self.error(field, messages::AMOUNT_INVALID);
                0
            }
        }
    }

    /// A whole number typed as `1,200`; blank is `None`. `message` says
    /// what a readable value would be.
    pub fn whole(&mut self, field: &str, text: &str, message: &str) -> Option<i64> {
        let text = text.trim().replace([',', ' '], "");
        if text.is_empty() {
            return None;
        }
        match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(field, message);
                None
            }
        }
    }

    /// Records that `field` could not be read (the first message stays).
    pub fn error(&mut self, field: &str, message: &str) {
        self.errors
            .entry(field.to_owned())
            .or_insert_with(|| message.to_owned());
    }

    /// Whether every field read so far was readable.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// `value` when every field was readable, else every field's message.
    pub fn finish<T>(self, value: T) -> Result<T> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(Error::Validation(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_fields_are_all_reported_by_name() {
        let mut form = Form::new();
        assert_eq!(
            form.date("paid_on", " 2026-02-03 "),
            NaiveDate::from_ymd_opt(2026, 2, 3)
        );
        assert_eq!(form.date("ship_by", ""), None);
        assert_eq!(form.minor("amount", "1,234.5"), 123_450);
        assert_eq!(
            form.whole("quantity", "1 200", messages::QUANTITY_RANGE),
            Some(1200)
        );
        assert!(form.is_clean());
        assert_eq!(form.date("paid_on", "03/02/2026"), None);
        assert_eq!(form.minor("amount", "12.345"), 0);
        assert_eq!(
            form.whole("quantity", "two", messages::QUANTITY_RANGE),
            None
        );
        let Err(Error::Validation(errors)) = form.finish(()) else {
            panic!("unreadable fields were accepted");
        };
        assert_eq!(errors["paid_on"], messages::DATE_INVALID);
        assert_eq!(errors["amount"], messages::AMOUNT_INVALID);
        assert_eq!(errors["quantity"], messages::QUANTITY_RANGE);
    }
}
