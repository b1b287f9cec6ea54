//! The one CSV writer: every CSV file Tandem produces (list exports,
//! reports, analyses, import error files, the full data export) is written
//! by [`Writer`]. Files are UTF-8 with a byte-order mark, so spreadsheet
//! programs read Chinese text right, and every cell, headers and values
//! alike, that a spreadsheet would run as a formula gets a leading `'`
//! (CSV injection). [`undo`] is the exact inverse, used by the import, so
//! that Tandem's own files (a fixed error file) import as they were.

use std::{borrow::Cow, io::Write};

use crate::{Error, Result};

/// The byte-order mark each file starts with.
const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// First characters that make a spreadsheet read a cell as a formula
/// (tab and carriage return can shift one into place), with the full-width
/// forms some spreadsheets take for them.
const TRIGGERS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// Whether `text` could be run as a formula, also after leading white
/// space, or could be once leading quotes were taken off. The last case
/// gets a quote too, so that [`undo`] never takes off a quote of the data.
fn risky(text: &str) -> bool {
    let bare = text.trim_start_matches('\'');
    bare.starts_with(TRIGGERS) || bare.trim_start().starts_with(TRIGGERS)
}

/// `text` as written: with a leading `'` when it is risky.
fn defuse(text: &str) -> Cow<'_, str> {
    if risky(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cell as it was before [`Writer`] defused it: the leading `'` taken off
/// exactly when the writer would have put it there. Text the writer leaves
/// alone comes back unchanged.
pub fn undo(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if risky(rest) => rest,
        _ => cell,
    }
}

/// Whether `text` is a plain decimal number such as `-1234.50` (a
/// [`Cell::Number`] that is not one is written as text).
pub fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// One cell of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text, defused when risky.
    Text(&'a str),
    /// A number as its producer formatted it: written as it is when it is
    /// a plain decimal number (`-12.50` stays a number), else as text.
    Number(&'a str),
}

impl<'a> Cell<'a> {
    fn written(self) -> Cow<'a, str> {
        match self {
            Cell::Number(n) if is_number(n) => Cow::Borrowed(n),
            Cell::Number(text) | Cell::Text(text) => defuse(text),
        }
    }
}

fn fail(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("csv: {err}"))
}

/// A CSV file being written to `W`. Every row has as many cells as the
/// first.
pub struct Writer<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> Writer<W> {
    /// Starts a file on `out` with the byte-order mark.
    pub fn new(mut out: W) -> Result<Self> {
        out.write_all(BOM).map_err(fail)?;
        Ok(Self {
            inner: csv::Writer::from_writer(out),
        })
    }

    /// Writes a row of cells.
    pub fn row<'c>(&mut self, cells: impl IntoIterator<Item = Cell<'c>>) -> Result<()> {
        for cell in cells {
            self.inner
                .write_field(cell.written().as_bytes())
                .map_err(fail)?;
        }
        self.inner.write_record(None::<&[u8]>).map_err(fail)
    }

    /// Writes a row of text cells (a header row, say).
    pub fn texts<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> Result<()> {
        for cell in cells {
            self.inner
                .write_field(defuse(cell.as_ref()).as_bytes())
                .map_err(fail)?;
        }
        self.inner.write_record(None::<&[u8]>).map_err(fail)
    }

    /// Ends the file and hands back the output, flushed.
    pub fn finish(self) -> Result<W> {
        self.inner.into_inner().map_err(|e| fail(e.error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: &[&[Cell<'_>]]) -> String {
        let mut out = Writer::new(Vec::new()).expect("writer");
        for row in rows {
            out.row(row.iter().copied()).expect("row");
        }
        let bytes = out.finish().expect("finish");
        assert_eq!(&bytes[..3], BOM);
        String::from_utf8(bytes[3..].to_vec()).expect("utf-8")
    }

    #[test]
    fn risky_cells_get_a_quote_and_numbers_stay_numbers() {
        let text = file(&[
            &[Cell::Text("=HYPERLINK(\"x\")"), Cell::Text("plain")],
            &[Cell::Text(" @SUM(A1)"), Cell::Text("\u{FF1D}1+1")],
            &[Cell::Number("-12.50"), Cell::Number("-1+2")],
            &[Cell::Text("-12.50"), Cell::Number("")],
            &[Cell::Text("'=x"), Cell::Text("'plain")],
        ]);
        assert_eq!(
            text,
            "\"'=HYPERLINK(\"\"x\"\")\",plain\n' @SUM(A1),'\u{FF1D}1+1\n-12.50,'-1+2\n'-12.50,\n''=x,'plain\n"
        );
    }

    #[test]
    fn undo_is_the_exact_inverse_of_defusing() {
        let samples = [
            "",
            "plain",
            "=1+1",
            "+49 30 1234567",
            "-5",
            "@x",
            "\t=1",
            "\r-1",
            "  =x",
            " x",
            "'",
            "'=x",
            "''=x",
            "'plain",
            "' =x",
            "\u{FF0B}1",
            "\u{3000}\u{FF20}a",
            "12.50",
            "-",
            "'-",
            "=",
            "''",
        ];
        for s in samples {
            assert_eq!(undo(&defuse(s)), s, "{s:?}");
            let first = defuse(s).chars().next();
            assert!(
                !risky(s) || first == Some('\''),
                "{s:?} must start with a quote"
            );
        }
        // Text the writer never writes is read as it is.
        assert_eq!(undo("'hello"), "'hello");
        assert_eq!(undo("'"), "'");
    }

    #[test]
    fn only_plain_decimals_are_numbers() {
        for n in ["0", "-1", "1234.50", "-0.05"] {
            assert!(is_number(n), "{n}");
        }
        for n in ["", "-", "1.", ".5", "1.2.3", "1e5", "-1+2", "1,000", "+1"] {
            assert!(!is_number(n), "{n}");
        }
    }
}
