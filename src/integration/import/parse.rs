//! Reading a file: decoding (UTF-8 or GBK), parsing the CSV, and suggesting
//! which column fills which field.

use crate::{messages, platform::csv_out, Error, Result};

use super::{Kind, Mapping, Parsed};

/// The text of a file: UTF-8 (a byte-order mark is dropped) or, when it is
/// not valid UTF-8, GBK (what Chinese spreadsheets save as "CSV").
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str)> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), "utf-8"));
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "gbk"))
        .ok_or_else(|| Error::field("file", messages::IMPORT_ENCODING))
}

/// A cell as the import reads it: trimmed, and without the quote that
/// Tandem's CSV writer puts before text a spreadsheet would run as a
/// formula (so an error file, fixed, imports as the rows were: a phone
/// `+49 30 1234567` was written `'+49 30 1234567`).
fn cell(raw: &str) -> String {
    csv_out::undo(raw.trim()).trim().to_owned()
}

/// Decodes and parses a CSV file (comma, semicolon or tab separated,
/// whichever the header uses most). Each cell is trimmed and loses the
/// quote Tandem's CSV writer put before a formula ([`csv_out::undo`]), so
/// a fixed error file imports as its rows were.
pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    let (text, encoding) = decode(bytes)?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| Error::field("file", messages::IMPORT_UNREADABLE))?
        .iter()
        .map(cell)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::field("file", messages::IMPORT_EMPTY));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| Error::field("file", messages::IMPORT_UNREADABLE))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut row: Vec<String> = record.iter().map(cell).collect();
        row.resize(headers.len(), String::new());
        rows.push(row);
    }
    Ok(Parsed {
        encoding,
        headers,
        rows,
    })
}

pub(super) fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A mapping for `headers`: the remembered one where its headers are
/// present, else by field names and their aliases.
pub fn suggest(kind: Kind, headers: &[String], remembered: Option<&Mapping>) -> Mapping {
    let mut mapping = Mapping::new();
    for field in kind.fields() {
        let from_memory = remembered
            .and_then(|m| m.get(field.key))
            .filter(|h| headers.contains(h));
        let by_name = || {
            headers
                .iter()
                .find(|h| {
                    let h = squash(h);
                    h == squash(field.key) || field.aliases.iter().any(|a| squash(a) == h)
                })
                .cloned()
        };
        if let Some(header) = from_memory.cloned().or_else(by_name) {
            mapping.insert(field.key.to_owned(), header);
        }
    }
    mapping
}
