//! How every CSV file the app writes is made safe for a spreadsheet, and
//! how the app reads its own files back.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a
//! tab or CR) as a formula. It may also split a cell where the file did
//! not: Excel where the list separator is `;` splits `Ravi;=HYPERLINK(…)`
//! at the `;`, and a reader that loses track of quotes splits at a comma, a
//! tab or a line end. So the guard, a leading apostrophe, goes at the start
//! of the cell and after each of those characters where the text that
//! follows starts (past spaces, quotes and apostrophes) with a formula
//! character; and every cell holding a separator, a quote or a line end is
//! quoted.
//!
//! Counting apostrophes that are already there as part of what follows
//! makes the guard exactly reversible: [`unguard`] gives back the very
//! cell that was written, also one that held an apostrophe of its own.

use serde::Serialize;

/// What separates the cells: a comma, or a semicolon as Excel writes
/// "CSV" where the decimal mark is a comma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Separator {
    Comma,
    Semicolon,
}

impl Separator {
    pub const fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }

    /// The character as a manager sees it in the file.
    pub const fn shown(self) -> &'static str {
        match self {
            Separator::Comma => ",",
            Separator::Semicolon => ";",
        }
    }

    /// As the screen says it: "cells separated by commas (“,”)".
    pub const fn words(self) -> &'static str {
        match self {
            Separator::Comma => "commas (“,”)",
            Separator::Semicolon => "semicolons (“;”)",
        }
    }
}

/// What a cell a spreadsheet would run as a formula starts with.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Where a spreadsheet, or a reader with another separator, may start a
/// new cell inside one the file wrote.
const SPLITS: [char; 5] = [',', ';', '\t', '\n', '\r'];

/// Characters that make a cell be written in quotes.
const QUOTED: [char; 6] = [',', ';', '\t', '"', '\n', '\r'];

/// The app's guard.
const GUARD: char = '\'';

/// Whether `rest`, a cell or the part of one after a split, would be read
/// as a formula once the guard's own apostrophes are set aside.
fn is_formula(rest: &str) -> bool {
    rest.trim_start_matches([' ', '"', GUARD])
        .starts_with(FORMULA_STARTS)
}

/// `cell` with the guard before every part that would be read as a formula.
fn guard(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len() + 1);
    let mut at_split = true;
    for (i, c) in cell.char_indices() {
        if at_split && is_formula(&cell[i..]) {
            out.push(GUARD);
        }
        out.push(c);
        at_split = SPLITS.contains(&c);
    }
    out
}

/// A cell as it was before [`guard`]: only for files the app wrote
/// itself. Any other apostrophe stays.
pub fn unguard(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut at_split = true;
    for (i, c) in cell.char_indices() {
        let dropped = at_split && c == GUARD && is_formula(&cell[i + 1..]);
        if !dropped {
            out.push(c);
        }
        at_split = !dropped && SPLITS.contains(&c);
    }
    out
}

/// One cell as the file holds it: guarded, and quoted when it holds a
/// separator, a quote, a line end, or spaces at either end.
fn cell_text(cell: &str) -> String {
    let guarded = guard(cell);
    if guarded.contains(QUOTED) || guarded.trim() != guarded {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Appends one row, its cells separated by `separator` (`,` or `;`), ended
/// with CRLF as RFC 4180 has it.
pub fn push_row(out: &mut String, cells: &[&str], separator: char) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        out.push_str(&cell_text(cell));
    }
    out.push_str("\r\n");
}

/// Asserts that no cell of `text` starts a formula, however a spreadsheet
/// splits it: read with a comma, a semicolon or a tab as the separator.
#[cfg(test)]
pub(crate) fn assert_no_formula_in_any_reading(text: &str) {
    let text = text.trim_start_matches('\u{feff}');
    for separator in [b',', b';', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator)
            .from_reader(text.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            for cell in &record {
                assert!(
                    !cell.trim_start_matches(' ').starts_with(FORMULA_STARTS),
                    "read with {:?}, the cell {cell:?} starts a formula in {text:?}",
                    char::from(separator),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str], separator: char) -> String {
        let mut out = String::new();
        push_row(&mut out, cells, separator);
        out
    }

    #[test]
    fn a_formula_is_guarded_at_the_start_and_after_any_separator() {
        assert_eq!(row(&["=1+1"], ','), "'=1+1\r\n");
        assert_eq!(row(&["x;=1+1"], ','), "\"x;'=1+1\"\r\n");
        assert_eq!(
            row(&["y, =HYPERLINK(\"http://a\")"], ';'),
            "\"y,' =HYPERLINK(\"\"http://a\"\")\"\r\n"
        );
        assert_eq!(row(&["a\tb", "@x"], ';'), "\"a\tb\";'@x\r\n");
        assert_eq!(
            row(&["Flat 4\n-2nd floor"], ','),
            "\"Flat 4\n'-2nd floor\"\r\n"
        );
        // Nothing to guard: quoted only where a separator is.
        assert_eq!(
            row(&["Ravi", "Verma; Sons", "98-76"], ','),
            "Ravi,\"Verma; Sons\",98-76\r\n"
        );
    }

    #[test]
    fn no_reading_of_a_written_row_starts_a_formula() {
        let nasty = [
            "x;=1+1",
            "y, =HYPERLINK(\"http://a\")",
            "Ravi;=HYPERLINK(\"http://evil\")",
            "\"=1\"",
            "a;\"=1\"",
            "a,\n=1",
            "a\r+1",
            "\t-1",
            "'=already",
            "-",
            "+91 98100 00001",
        ];
        for separator in [',', ';'] {
            let mut text = String::new();
            push_row(&mut text, &["9876543210", "plain"], separator);
            push_row(&mut text, &nasty, separator);
            for cell in nasty {
                push_row(&mut text, &["9876543210", cell, "x"], separator);
            }
            assert_no_formula_in_any_reading(&text);
        }
    }

    #[test]
    fn unguard_gives_back_exactly_the_cell_written() {
        for cell in [
            "=1+1",
            "x;=1+1",
            "y, =HYPERLINK(\"http://a\")",
            "'=1",
            "''+2",
            "' -3",
            "'abc",
            "it's",
            "a,'b",
            "\t=1",
            "a\r\r=1",
            "\"=1\"",
            "",
            "-",
            "Zoë 😀;@x",
        ] {
            let written = guard(cell);
            assert_eq!(unguard(&written), cell, "written as {written:?}");
        }
        // What another file holds is not the app's guard unless it stands
        // before a formula.
        assert_eq!(unguard("'abc"), "'abc");
    }
}
