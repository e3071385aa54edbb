//! History's entries as CSV, for a spreadsheet: one row per field or member
//! changed, so each can be sorted and filtered; the Entry column ties the
//! rows of one entry together. The file is written as the entries are read,
//! a few hundred at a time, so a long History is never in memory whole.

use std::io::Write;

use rusqlite::types::Value as SqlValue;

use crate::csv_guard::push_row;
use crate::deepcall::directory::field::FieldValue;

use super::{Change, Entry, History, HistoryError, Query};

/// Why a file made from History was not written.
#[derive(Debug)]
pub enum ExportError {
    /// History could not be read.
    Read(HistoryError),
    /// The file could not be written.
    Write(std::io::Error),
}

impl From<HistoryError> for ExportError {
    fn from(e: HistoryError) -> Self {
        Self::Read(e)
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        Self::Write(e)
    }
}

/// How many entries are read at a time: the file is written as they come,
/// and other History work (a bulk run's rows) goes on between.
const AT_A_TIME: usize = 500;

/// The columns, in order.
pub const HEADER: [&str; 13] = [
    "Entry",
    "When (UTC)",
    "Account",
    "Sandbox",
    "Kind",
    "Purpose",
    "Group or contact",
    "Name",
    "Agent or field",
    "Before",
    "After",
    "Outcome",
    "Message",
];

/// History's file is read by spreadsheets where a comma separates cells.
const SEPARATOR: char = ',';

/// RFC 4180 CSV with a byte-order mark (see `export::members_csv`): the
/// entries `query` matches, newest first, written to `out` as they are
/// read. Returns how many entries the file holds.
pub fn entries_csv(
    history: &History,
    query: &Query,
    out: &mut dyn Write,
) -> Result<u32, ExportError> {
    let mut text = String::from("\u{feff}");
    push_row(&mut text, &HEADER, SEPARATOR);
    out.write_all(text.as_bytes())?;
    let mut count = 0;
    each_matching(history, query, |e| {
        text.clear();
        push_entry(&mut text, e);
        count += 1;
        out.write_all(text.as_bytes())
    })?;
    Ok(count)
}

/// Hands every entry `query` matches to `each`, newest first, reading
/// [`AT_A_TIME`] at a time: each read starts after the last entry of the
/// one before (by time, then id, as History's index orders them).
fn each_matching(
    history: &History,
    query: &Query,
    mut each: impl FnMut(&Entry) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    let (filter, args) = super::where_clause(query);
    let mut after: Option<(i64, i64)> = None;
    loop {
        let mut args = args.clone();
        let mut sql = format!("SELECT {} FROM entries {filter}", super::COLUMNS);
        if let Some((at_ms, id)) = after {
            args.push(SqlValue::Integer(at_ms));
            args.push(SqlValue::Integer(id));
            let (at, id) = (args.len() - 1, args.len());
            sql.push_str(if filter.is_empty() {
                " WHERE "
            } else {
                " AND "
            });
            // The first term lets the index start at the right place.
            sql.push_str(&format!("at_ms <= ?{at} AND (at_ms < ?{at} OR id < ?{id})"));
        }
        sql.push_str(&format!(" ORDER BY at_ms DESC, id DESC LIMIT {AT_A_TIME}"));
        let chunk = super::select(&history.conn(), &sql, &args)?;
        for e in &chunk {
            each(e)?;
        }
        match chunk.last() {
            Some(last) if chunk.len() == AT_A_TIME => after = Some((last.at_ms, last.id)),
            _ => return Ok(()),
        }
    }
}

/// One entry's rows: one per member switched or field changed.
fn push_entry(out: &mut String, e: &Entry) {
    let id = e.id.to_string();
    let when = utc_text(e.at_ms);
    let sandbox = if e.account.sandbox { "Yes" } else { "No" };
    let target = e.change.target();
    let mut row = |kind: &str, name: &str, what: &str, before: &str, after: &str| {
        push_row(
            out,
            &[
                &id,
                &when,
                &e.account.name,
                sandbox,
                kind,
                &e.purpose_words,
                &target,
                name,
                what,
                before,
                after,
                e.outcome.words(),
                e.message.as_deref().unwrap_or(""),
            ],
            SEPARATOR,
        );
    };
    match &e.change {
        Change::Receiving {
            group_name,
            agent_id,
            agent_name,
            before,
            after,
            ..
        } => {
            let agent = match agent_name {
                Some(n) => format!("{n} (#{agent_id}), receives calls"),
                None => format!("Agent #{agent_id}, receives calls"),
            };
            let before = before.map_or("", on_off);
            row("Group", group_name, &agent, before, on_off(*after));
        }
        Change::Contact { name, changes, .. } => {
            for c in changes {
                row(
                    "Contact",
                    name.as_deref().unwrap_or(""),
                    c.field.name(),
                    &value_text(&c.before),
                    &value_text(&c.after),
                );
            }
        }
    }
}

fn on_off(v: bool) -> &'static str {
    if v {
        "on"
    } else {
        "off"
    }
}

/// A value as DeepCall writes it; an unknown one is left blank.
fn value_text(v: &FieldValue) -> String {
    match v {
        FieldValue::NotKnown => String::new(),
        v => v.deepcall_text(),
    }
}

/// `2026-11-24 08:35:02`: the date and time in UTC, as spreadsheets read it.
pub fn utc_text(ms: i64) -> String {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(FORMAT).ok())
        .unwrap_or_default()
}
