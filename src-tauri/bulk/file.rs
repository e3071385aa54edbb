//! Reading the manager's CSV file: bytes → a [`Table`] of trimmed cells,
//! each row with the file line it starts on. The `csv` crate does the
//! parsing (quotes, separators and line breaks inside quotes, CRLF or LF);
//! this file decides only what a manager's file may be, and says plainly
//! what is wrong with one that is not.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

pub use crate::csv_guard::Separator;

/// The most data rows (not counting the header) one file may have.
pub const MAX_ROWS: usize = 100_000;

/// The largest file read: 50 MiB, far above 100,000 rows of contact details.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// The most columns (cells in a row) a file may have. A contact file needs a
/// number and a few fields; a CRM's export runs to a few dozen columns, rarely
/// a couple of hundred. Each column becomes a choice on the screen, so a
/// 2 MB file of a million one-letter cells would be a million of them.
pub const MAX_COLUMNS: usize = 500;

/// The longest cell, in characters: pages of text, far longer than any
/// name, number, address or note DeepCall keeps for a contact, and a third
/// of what a spreadsheet cell holds.
pub const MAX_CELL_CHARS: usize = 10_000;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One data row of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The file line this row starts on (the header is on line 1 when the
    /// file has no blank first lines). For a file without line breaks
    /// inside cells it is the row number a spreadsheet shows.
    pub line: u32,
    /// The cells, trimmed, in the file's order. A ragged row keeps the
    /// cells it has.
    pub cells: Vec<String>,
}

/// The file as read: its header, its rows, and how it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub separator: Separator,
    /// The header's cells, trimmed.
    pub headers: Vec<String>,
    /// Every row that has a non-blank cell, in the file's order.
    pub rows: Vec<Row>,
    /// Rows whose cells were all blank (such as `;;;` at the end of an Excel
    /// export): left out, and counted so the manager can be told.
    pub blank_rows: u32,
}

impl Table {
    /// The problem with a row whose cell count differs from the header's.
    pub fn shape_problem(&self, row: &Row) -> Option<String> {
        let (have, want) = (row.cells.len(), self.headers.len());
        (have != want).then(|| {
            format!(
                "Row {} has {have} cell{} but the header has {want} column{}. Check that row for a missing or extra “{}”, or a quote that is not closed.",
                row.line,
                plural(have),
                plural(want),
                self.separator.shown(),
            )
        })
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Why a file cannot be used at all. Each message names what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FileError {
    #[error("This file is {} MiB; the most a bulk update reads is {} MiB. Split it into smaller files.", mib(*bytes), mib(*limit))]
    TooLarge { bytes: u64, limit: u64 },

    #[error("This file has {rows} rows; a bulk update takes at most {limit}. Split it into files of {limit} rows or fewer.")]
    TooManyRows { rows: u64, limit: u64 },

    #[error("This file has {} columns; DeepCall Desk reads at most {}. Remove the columns you do not need, or save only the contact columns, and choose it again.", grouped(*columns), grouped(*limit))]
    TooManyColumns { columns: u64, limit: u64 },

    #[error("Line {line} of this file has {} cells; DeepCall Desk reads at most {} in a row. Remove the cells you do not need from that line, and choose the file again.", grouped(*cells), grouped(*limit))]
    RowTooWide { line: u32, cells: u64, limit: u64 },

    #[error("Line {line} of this file has a cell of {} characters; DeepCall Desk reads at most {} in a cell. Shorten that cell, or remove its column, and choose the file again.", grouped(*chars), grouped(*limit))]
    CellTooLong { line: u32, chars: u64, limit: u64 },

    #[error("This file is saved as UTF-16 (“Unicode text”), not as CSV. In your spreadsheet, save it as “CSV UTF-8” and choose it again.")]
    Utf16,

    #[error("This is not a text file: line {line} holds a byte that text never has (NUL). Choose a CSV file, saved as “CSV UTF-8”.")]
    NulByte { line: u32 },

    #[error("Line {line} of this file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and choose it again.")]
    NotUtf8 { line: u32 },

    #[error("This file is empty. Choose a CSV file with a header row (for example “Phone,VIP”) and one row per contact.")]
    Empty,

    #[error("This file has a header row but no contacts under it. Add one row per contact and choose it again.")]
    NoRows,

    /// `reason` is the system's own words, for the log.
    #[error("The file could not be read. Check that it still exists and that you may open it, then choose it again.")]
    Unreadable { reason: String },
}

/// MiB to one decimal, rounded up: a file just over the limit never reads as equal to it.
fn mib(bytes: u64) -> String {
    format!("{:.1}", (bytes as f64 / 1_048_576.0 * 10.0).ceil() / 10.0)
}

/// A count with its thousands grouped: 1,000,000.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Refuses a record wider than [`MAX_COLUMNS`] or with a cell longer than
/// [`MAX_CELL_CHARS`], as it is read: before any of the file is copied,
/// shown or sent to the screen.
fn within_limits(record: &csv::StringRecord, text: &str, header: bool) -> Result<(), FileError> {
    let line = || {
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let mut lines = Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        };
        lines.line_at(start)
    };
    let (cells, limit) = (record.len() as u64, MAX_COLUMNS as u64);
    if record.len() > MAX_COLUMNS {
        return Err(if header {
            FileError::TooManyColumns {
                columns: cells,
                limit,
            }
        } else {
            FileError::RowTooWide {
                line: line(),
                cells,
                limit,
            }
        });
    }
    // Bytes first: a cell within the limit in bytes is within it in characters.
    let long = record
        .iter()
        .filter(|c| c.len() > MAX_CELL_CHARS)
        .map(|c| c.chars().count())
        .find(|&n| n > MAX_CELL_CHARS);
    match long {
        Some(chars) => Err(FileError::CellTooLong {
            line: line(),
            chars: chars as u64,
            limit: MAX_CELL_CHARS as u64,
        }),
        None => Ok(()),
    }
}

/// The line (1-based) that byte `at` is on.
fn line_of(bytes: &[u8], at: usize) -> u32 {
    u32::try_from(line_ends(bytes, 0, at) + 1).unwrap_or(u32::MAX)
}

/// How many line ends `bytes[from..to]` holds, as the CSV parser ends a
/// record: LF, CRLF, and a CR alone (old Mac "CSV"), each one line end.
fn line_ends(bytes: &[u8], from: usize, to: usize) -> usize {
    memchr::memchr2_iter(b'\r', b'\n', &bytes[from..to])
        .filter(|&i| bytes[from + i] == b'\n' || bytes.get(from + i + 1) != Some(&b'\n'))
        .count()
}

/// Line numbers of records, counted forward through the text from where
/// the parser says each record starts. (The parser's own line count knows
/// only LF, so a CR-only file would be all line 1.)
struct Lines<'a> {
    text: &'a [u8],
    /// Where the count has reached, and the line there.
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the first character of a record that the parser says
    /// starts at byte `start` (a position that may still be on the line
    /// breaks before it).
    fn line_at(&mut self, start: usize) -> u32 {
        let mut start = start.clamp(self.at, self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.line += line_ends(self.text, self.at, start);
        self.at = start;
        u32::try_from(self.line).unwrap_or(u32::MAX)
    }
}

/// Reads the file at `path`, at most [`MAX_BYTES`] of it.
pub fn read_file(path: &Path) -> Result<Table, FileError> {
    let unreadable = |e: std::io::Error| FileError::Unreadable {
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > MAX_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(too_large(size));
    }
    read(&bytes)
}

fn too_large(bytes: u64) -> FileError {
    FileError::TooLarge {
        bytes,
        limit: MAX_BYTES as u64,
    }
}

/// The separator the header line uses: the one that splits it into more
/// columns (outside quotes, as the CSV parser reads it); a comma on a tie.
fn separator_of(text: &str) -> Separator {
    let columns = |sep: Separator| {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sep.byte())
            .from_reader(text.as_bytes())
            .records()
            .next()
            .and_then(Result::ok)
            .map_or(0, |r| r.len())
    };
    if columns(Separator::Semicolon) > columns(Separator::Comma) {
        Separator::Semicolon
    } else {
        Separator::Comma
    }
}

/// Reads a whole CSV file held in memory.
pub fn read(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FileError::Utf16);
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(FileError::NulByte {
            line: line_of(bytes, at),
        });
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|e| FileError::NotUtf8 {
        line: line_of(body, e.valid_up_to()),
    })?;
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let separator = separator_of(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(separator.byte())
        .from_reader(text.as_bytes());
    let unreadable = |e: csv::Error| FileError::Unreadable {
        reason: e.to_string(),
    };
    let mut record = csv::StringRecord::new();
    // The header is the first line with a cell that is not blank.
    let headers = loop {
        if !reader.read_record(&mut record).map_err(unreadable)? {
            return Err(FileError::Empty);
        }
        if record.iter().any(|c| !c.is_empty()) {
            within_limits(&record, text, true)?;
            break record.iter().map(str::to_owned).collect::<Vec<_>>();
        }
    };
    let mut lines = Lines {
        text: text.as_bytes(),
        at: 0,
        line: 1,
    };
    let mut rows = Vec::new();
    let mut blank_rows = 0u32;
    let mut count = 0u64;
    while reader.read_record(&mut record).map_err(unreadable)? {
        if record.iter().all(str::is_empty) {
            blank_rows += 1;
            continue;
        }
        count += 1;
        within_limits(&record, text, false)?;
        // Past the limit the rest is only counted, to say how many there are.
        if rows.len() < MAX_ROWS {
            let start = record.position().map_or(0, |p| p.byte() as usize);
            rows.push(Row {
                line: lines.line_at(start),
                cells: record.iter().map(str::to_owned).collect(),
            });
        }
    }
    if count > MAX_ROWS as u64 {
        return Err(FileError::TooManyRows {
            rows: count,
            limit: MAX_ROWS as u64,
        });
    }
    if rows.is_empty() {
        return Err(FileError::NoRows);
    }
    // The app's own results file reads as the cells it was made from.
    Ok(read_back(Table {
        separator,
        headers,
        rows,
        blank_rows,
    }))
}

/// A results file (its last two columns are [`ADDED`](super::results::ADDED)) read back: the
/// app's own guard is taken off every cell. Any other file is left as it
/// is, apostrophes included.
fn read_back(mut table: Table) -> Table {
    if table
        .headers
        .ends_with(&super::results::ADDED.map(String::from))
    {
        let unguard_all = |cells: &mut Vec<String>| {
            for cell in cells {
                *cell = crate::csv_guard::unguard(cell);
            }
        };
        unguard_all(&mut table.headers);
        for row in &mut table.rows {
            unguard_all(&mut row.cells);
        }
    }
    table
}

#[cfg(test)]
mod tests;
