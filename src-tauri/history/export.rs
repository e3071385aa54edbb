//! History's entries as CSV, for a spreadsheet: one row per field or member
//! changed, so each can be sorted and filtered; the Entry column ties the
//! rows of one entry together.

use crate::csv_guard::push_row;
use crate::deepcall::directory::field::FieldValue;

use super::{Change, Entry};

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

/// RFC 4180 CSV with a byte-order mark (see `export::members_csv`).
pub fn entries_csv(entries: &[Entry]) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, &HEADER, SEPARATOR);
    for e in entries {
        let id = e.id.to_string();
        let when = utc_text(e.at_ms);
        let sandbox = if e.account.sandbox { "Yes" } else { "No" };
        let target = e.change.target();
        let mut row = |kind: &str, name: &str, what: &str, before: &str, after: &str| {
            push_row(
                &mut out,
                &[
                    &id,
                    &when,
                    &e.account.name,
                    sandbox,
                    kind,
                    e.purpose.words(),
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
    out
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
