//! Bad rows: a row's error as the import reports it, the error file written
//! from them, and the problems read back from that file.

use std::collections::BTreeMap;

use crate::{messages, platform::csv_out, Error, Result};

use super::{Kind, Parsed, RowError};

/// The services' field names as the import's.
fn field_name(kind: Kind, field: &str) -> String {
    match (kind, field) {
        (_, "credit_limit_minor") => "credit_limit".into(),
        (_, "list_price_minor") => "list_price".into(),
        (_, "cost_price_minor") => "cost_price".into(),
        (_, "tax_rate_bp") => "tax_rate".into(),
        (_, "owner_id") => "owner_email".into(),
        (Kind::OpeningStock, "product_id") => "sku".into(),
        (Kind::OpeningStock, "warehouse_id") => "warehouse".into(),
        (Kind::SupplierPrices, "product_id") => "sku".into(),
        (Kind::SupplierPrices, "supplier_id") => "supplier".into(),
        (Kind::Contacts, "customer_id") => "customer_code".into(),
        _ => field.into(),
    }
}

pub(super) fn row_errors(kind: Kind, line: u64, err: &Error) -> Vec<RowError> {
    let one = |field: &str, message: &str| RowError {
        line,
        field: field.to_owned(),
        message: message.to_owned(),
    };
    match err {
        Error::Validation(fields) => fields
            .iter()
            .map(|(f, m)| one(&field_name(kind, f), m))
            .collect(),
        Error::Conflict(message) => vec![one("row", message)],
        Error::Forbidden | Error::Unauthenticated => {
            vec![one("row", messages::IMPORT_NOT_PERMITTED)]
        }
        Error::NotFound => vec![one("row", messages::IMPORT_RECORD_MISSING)],
        Error::RateLimited { .. } | Error::Internal(_) => {
            vec![one("row", messages::IMPORT_ROW_FAILED)]
        }
    }
}

/// The error file: the bad rows as they were, with an `error` column, so
/// they can be fixed and imported again.
pub(super) fn error_file(parsed: &Parsed, errors: &[RowError]) -> Result<String> {
    let mut by_line: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for e in errors {
        by_line
            .entry(e.line)
            .or_default()
            .push(format!("{}: {}", e.field, e.message));
    }
    let mut out = csv_out::Writer::new(Vec::new())?;
    let mut header = vec!["line"];
    header.extend(parsed.headers.iter().map(String::as_str));
    header.push("error");
    out.texts(header)?;
    for (line, messages) in by_line {
        let index = usize::try_from(line.saturating_sub(2)).unwrap_or(usize::MAX);
        let mut record = vec![line.to_string()];
        if let Some(cells) = parsed.rows.get(index) {
            record.extend(cells.iter().cloned());
        }
        record.resize(parsed.headers.len() + 1, String::new());
        record.push(messages.join("; "));
        // The cells as they were read: a fixed file imports alike (the
        // import undoes the writer's defusing).
        out.texts(&record)?;
    }
    let bytes = out.finish()?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}

/// The problems in an error file (as [`execute`](fn@super::execute) writes it),
/// for the first `lines` bad lines: one [`RowError`] per field.
pub fn problems_in(error_csv: &str, lines: usize) -> Vec<RowError> {
    let mut reader = csv::Reader::from_reader(error_csv.trim_start_matches('\u{feff}').as_bytes());
    let mut out = Vec::new();
    for record in reader
        .records()
        .filter_map(std::result::Result::ok)
        .take(lines)
    {
        let line = record
            .get(0)
            .and_then(|l| csv_out::undo(l).parse().ok())
            .unwrap_or(0);
        let text = csv_out::undo(record.get(record.len().saturating_sub(1)).unwrap_or(""));
        for part in text.split("; ") {
            let (field, message) = part.split_once(": ").unwrap_or(("row", part));
            out.push(RowError {
                line,
                field: field.to_owned(),
                message: message.to_owned(),
            });
        }
    }
    out
}
