//! The preview: every row checked with the contact editor's own rules
//! before anything is sent.
//!
//! Each row is a contact form that started empty (its current values are
//! not known) with the row's non-empty cells typed in; `form::review` and
//! `form::save` then give exactly the changes and the `Directory/update`
//! the editor would, or the editor's problems. An empty cell leaves its
//! field as it is: it is never typed in, so it is never sent.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::file::{Row, Table};
use super::lookalike::{national, Lookalike, SameCaller};
use super::mapping::{Mapping, MappingProblem};
use super::target::Target;
use crate::deepcall::directory::form::{self, ContactForm, FieldChange};
use crate::deepcall::directory::{
    ContactField, ContactNumber, ContactUpdate, FieldValue, ValueKind,
};
use crate::deepcall::{wire, DeepCallError};

/// What becomes of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RowState {
    /// Checked; it will be sent.
    Ready,
    /// Something must be fixed first; it is skipped.
    Problems,
    /// A later row has the same number and is sent instead.
    Replaced,
    /// A later row's number may be the same caller, written another way,
    /// and the manager chose to send only the last of such rows
    /// ([`SameCaller::KeepLast`]).
    LeftOutSameCaller,
}

/// One problem of a row, with the sentence to show beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    /// The column concerned, when one is.
    pub column: Option<u32>,
    /// DeepCall's name of the field concerned (`contact` for the number).
    pub field: Option<String>,
    /// Starts with the row ("Row 12: …") and says what to fix.
    pub message: String,
}

/// One row as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RowPreview {
    /// The file line the row starts on (see [`Row::line`]).
    pub line: u32,
    /// The contact, when the number cell holds a phone number.
    pub number: Option<ContactNumber>,
    pub state: RowState,
    /// For a replaced row, the line of the row sent instead.
    pub replaced_by: Option<u32>,
    /// Why the row is replaced, in words; `None` otherwise.
    pub note: Option<String>,
    /// What the row sets, each as the editor's review words it (also for a
    /// row with problems, so the manager sees what it meant).
    pub changes: Vec<FieldChange>,
    pub problems: Vec<RowProblem>,
    /// Whether the row turns the contact's blacklist on (`form::blacklists`).
    pub blacklists: bool,
    /// The other ways the file writes a number that may be the same caller
    /// as this row's (the rule: `lookalike::national`); empty for most rows.
    pub same_caller: Vec<Lookalike>,
    /// The `Directory/update` to send: only for a ready row, and exactly
    /// what `form::save` built from the row's cells.
    #[serde(skip)]
    #[specta(skip)]
    pub update: Option<ContactUpdate>,
}

/// The preview's counts. Every row is in exactly one of ready, with
/// problems, replaced and left out as the same caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub rows: u32,
    pub ready: u32,
    pub with_problems: u32,
    /// Rows with a number that a later row has too (the last row wins).
    pub replaced: u32,
    /// Ready rows that blacklist their contact: what the confirmation names.
    pub blacklisting: u32,
    /// Rows whose number may be the same caller as another row's, written
    /// another way (whatever became of them).
    pub same_caller: u32,
    /// Of those, the rows left out because only the last is sent.
    pub left_out_same_caller: u32,
}

/// The whole preview.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub rows: Vec<RowPreview>,
    pub counts: Counts,
    /// The numbers the ready rows blacklist, in the file's order.
    pub blacklisting: Vec<ContactNumber>,
    /// Blank rows the file had, left out (see [`Table::blank_rows`]).
    pub blank_rows: u32,
    /// What was chosen for rows that may be the same caller.
    pub choice: SameCaller,
    /// The rows whose number may be the same caller as another row's, each
    /// set together (indices into `rows`): how the preview lists them.
    #[serde(skip)]
    #[specta(skip)]
    pub same_caller_rows: Vec<usize>,
}

impl Preview {
    /// The ready rows' contacts and updates, in the file's order: all that
    /// a run may send.
    pub fn ready(&self) -> impl Iterator<Item = (&RowPreview, &ContactNumber, &ContactUpdate)> {
        self.rows
            .iter()
            .filter_map(|r| match (&r.number, &r.update) {
                (Some(n), Some(u)) if r.state == RowState::Ready => Some((r, n, u)),
                _ => None,
            })
    }
}

/// A yes/no cell: what DeepCall's answers accept as a flag
/// (`wire::flag_from_value`: yes/no, y/n, true/false, 1/0, any case), and
/// on/off as a switch is worded.
pub fn flag(cell: &str) -> Option<bool> {
    let t = cell.trim();
    if t.eq_ignore_ascii_case("on") {
        Some(true)
    } else if t.eq_ignore_ascii_case("off") {
        Some(false)
    } else {
        wire::flag_from_value(&Value::String(t.to_owned()))
    }
}

fn index(i: usize) -> Option<u32> {
    u32::try_from(i).ok()
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Checks every row of `table` as `mapping` reads it; rows whose numbers may
/// be the same caller are named, and treated as `choice` says. `Err` while
/// the mapping has a problem (see [`Mapping::problems`]).
pub fn preview(
    table: &Table,
    mapping: &Mapping,
    choice: SameCaller,
) -> Result<Preview, Vec<MappingProblem>> {
    if mapping.columns.len() != table.headers.len()
        || mapping
            .columns
            .iter()
            .zip(&table.headers)
            .any(|(c, h)| c.header != *h)
    {
        return Err(vec![MappingProblem {
            column: None,
            message: "These column choices were made for another file. Choose the file again."
                .into(),
        }]);
    }
    let problems = mapping.problems();
    let Some(number_column) = mapping.number_column().filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    let checker = Checker {
        table,
        mapping,
        number_column,
        original: ContactForm::empty(),
    };
    let mut rows: Vec<RowPreview> = table.rows.iter().map(|r| checker.row(r)).collect();

    // The last row for a number wins.
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if let Some(n) = &r.number {
            last.insert(n.as_str(), i);
        }
    }
    let replaced: Vec<(usize, u32)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let winner = *last.get(r.number.as_ref()?.as_str())?;
            (winner != i).then(|| (i, rows[winner].line))
        })
        .collect();
    for (i, by) in replaced {
        let r = &mut rows[i];
        r.state = RowState::Replaced;
        r.replaced_by = Some(by);
        r.update = None;
        r.note = Some(format!(
            "Row {} is not sent: row {by} has the same number ({}) and comes later, and only the last row for a number is sent.",
            r.line,
            r.number.as_ref().map_or("", ContactNumber::as_str),
        ));
    }

    let same_caller_rows = mark(&mut rows, choice);

    let mut counts = Counts {
        rows: count(rows.len()),
        same_caller: count(same_caller_rows.len()),
        ..Counts::default()
    };
    let mut blacklisting = Vec::new();
    for r in &rows {
        match r.state {
            RowState::Ready => {
                counts.ready += 1;
                if r.blacklists {
                    counts.blacklisting += 1;
                    blacklisting.extend(r.number.clone());
                }
            }
            RowState::Problems => counts.with_problems += 1,
            RowState::Replaced => counts.replaced += 1,
            RowState::LeftOutSameCaller => counts.left_out_same_caller += 1,
        }
    }
    Ok(Preview {
        rows,
        counts,
        blacklisting,
        blank_rows: table.blank_rows,
        choice,
        same_caller_rows,
    })
}

struct Checker<'a> {
    table: &'a Table,
    mapping: &'a Mapping,
    number_column: usize,
    /// A form whose values are not known: each row's changes are made to it.
    original: ContactForm,
}

impl Checker<'_> {
    /// How a column is named in a message.
    fn column_name(&self, i: usize) -> String {
        match self.mapping.columns[i].header.as_str() {
            "" => format!("column {} (no header)", i + 1),
            h => format!("the {h} column"),
        }
    }

    /// "Row 12: the Email column has “ravi@”. Enter an email address…"
    fn cell_problem(&self, row: &Row, i: usize, field: &str, rule: &str) -> RowProblem {
        let cell = row.cells.get(i).map_or("", String::as_str);
        RowProblem {
            column: index(i),
            field: Some(field.to_owned()),
            message: format!(
                "Row {}: {} has “{cell}”. {rule}",
                row.line,
                self.column_name(i)
            ),
        }
    }

    fn column_of(&self, field: &str) -> Option<usize> {
        self.mapping
            .columns
            .iter()
            .position(|c| matches!(&c.target, Target::Field(f) if f.name() == field))
    }

    fn row(&self, row: &Row) -> RowPreview {
        let cell = |i: usize| row.cells.get(i).map_or("", String::as_str);
        let mut problems = Vec::new();
        if let Some(message) = self.table.shape_problem(row) {
            problems.push(RowProblem {
                column: None,
                field: None,
                message,
            });
        }

        let number = match cell(self.number_column) {
            "" => {
                problems.push(RowProblem {
                    column: index(self.number_column),
                    field: Some("contact".into()),
                    message: format!(
                        "Row {} has no phone number in {}. Fill it in, or remove the row.",
                        row.line,
                        self.column_name(self.number_column)
                    ),
                });
                None
            }
            text => match ContactNumber::parse(text) {
                Ok(n) => Some(n),
                Err(e) => {
                    problems.push(self.cell_problem(row, self.number_column, "contact", &rule(&e)));
                    None
                }
            },
        };

        // The row's cells typed into the form; an empty cell is not typed.
        let mut values: Vec<(&ContactField, FieldValue)> = Vec::new();
        for (i, column) in self.mapping.columns.iter().enumerate() {
            let Target::Field(field) = &column.target else {
                continue;
            };
            let text = cell(i);
            if text.is_empty() {
                continue;
            }
            if field.kind() == ValueKind::Flag {
                match flag(text) {
                    Some(on) => values.push((field, FieldValue::Flag(on))),
                    None => problems.push(self.cell_problem(
                        row,
                        i,
                        field.name(),
                        "Write yes or no (y/n, true/false, 1/0 and on/off work too), or leave the cell empty to keep the contact as it is.",
                    )),
                }
            } else {
                values.push((field, FieldValue::Text(text.to_owned())));
            }
        }
        let edited = self
            .original
            .with_values(values.iter().map(|(f, v)| (*f, v)));
        if values.is_empty() && problems.is_empty() {
            problems.push(RowProblem {
                column: None,
                field: None,
                message: format!(
                    "Row {} changes nothing: its cells other than the phone number are empty, and an empty cell leaves a field as it is. Fill in what should change, or remove the row.",
                    row.line
                ),
            });
        }

        // The editor's Save: its review, checked. A row it accepts needs no
        // second review; the blacklist gate comes later, for the whole run.
        let saved = if problems.is_empty() {
            Some(form::save(&self.original, &edited, true))
        } else {
            None
        };
        let (mut changes, update) = match saved {
            Some(Ok(s)) => (s.changes, Some(s.update)),
            refused => {
                let review = form::review(&self.original, &edited);
                for (field, message) in &review.problems {
                    problems.push(match self.column_of(field) {
                        Some(i) => self.cell_problem(row, i, field, message),
                        None => RowProblem {
                            column: None,
                            field: Some(field.clone()),
                            message: format!("Row {}: {message}", row.line),
                        },
                    });
                }
                if let (Some(Err(e)), true) = (refused, problems.is_empty()) {
                    problems.push(RowProblem {
                        column: None,
                        field: match &e {
                            DeepCallError::InvalidInput { field, .. } => Some(field.clone()),
                            _ => None,
                        },
                        message: format!("Row {}: {}", row.line, rule(&e)),
                    });
                }
                (review.changes, None)
            }
        };
        // The file says nothing of the contact's values before: the form
        // started empty only because they are not known. So History records
        // them as not known, and a check after a crash does not take a value
        // the contact already had for a sign of this row.
        for c in &mut changes {
            c.before = FieldValue::NotKnown;
        }
        RowPreview {
            line: row.line,
            number,
            state: if problems.is_empty() {
                RowState::Ready
            } else {
                RowState::Problems
            },
            replaced_by: None,
            note: None,
            blacklists: form::blacklists(&changes),
            same_caller: Vec::new(),
            changes,
            problems,
            update,
        }
    }
}

/// The sentence of a refusal, without its field.
fn rule(e: &DeepCallError) -> String {
    match e {
        DeepCallError::InvalidInput { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Names the rows whose numbers may be the same caller (each row's
/// [`RowPreview::same_caller`]) and, with [`SameCaller::KeepLast`], leaves
/// out all but the last row of each such set. Returns the indices of the
/// rows named, set by set (in the order of each set's first row), each set
/// in the file's order: the preview lists them beside each other.
///
/// Rows already replaced by a later row with the same number keep that
/// reason; the exact duplicates are settled first.
fn mark(rows: &mut [RowPreview], choice: SameCaller) -> Vec<usize> {
    // Rows by national form, in the order each form first appears.
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut set_of: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let Some(form) = r.number.as_ref().and_then(|n| national(n.as_str())) else {
            continue;
        };
        let s = *set_of.entry(form).or_insert_with(|| {
            sets.push(Vec::new());
            sets.len() - 1
        });
        sets[s].push(i);
    }

    let mut named = Vec::new();
    for set in sets.into_iter().filter(|s| s.len() > 1) {
        let numbered: Vec<(usize, u32, ContactNumber)> = set
            .iter()
            .filter_map(|&i| Some((i, rows[i].line, rows[i].number.clone()?)))
            .collect();
        // Each way the number is written, at its last row.
        let mut spellings: Vec<Lookalike> = Vec::new();
        for (_, line, number) in &numbered {
            match spellings.iter_mut().find(|l| l.number == *number) {
                Some(l) => l.line = *line,
                None => spellings.push(Lookalike {
                    line: *line,
                    number: number.clone(),
                }),
            }
        }
        if spellings.len() < 2 {
            continue;
        }
        for (i, _, own) in &numbered {
            rows[*i].same_caller = spellings
                .iter()
                .filter(|l| l.number != *own)
                .cloned()
                .collect();
        }
        if let (SameCaller::KeepLast, Some((last, line, number))) = (choice, numbered.last()) {
            for (i, _, _) in &numbered {
                let r = &mut rows[*i];
                if i == last || r.state == RowState::Replaced {
                    continue;
                }
                r.state = RowState::LeftOutSameCaller;
                r.replaced_by = Some(*line);
                r.update = None;
                r.note = Some(format!(
                    "Row {} is not sent: row {line} may be the same caller ({}) and comes \
                     later, and you chose Keep the last.",
                    r.line,
                    number.as_str(),
                ));
            }
        }
        named.extend(set);
    }
    named
}

#[cfg(test)]
mod tests;
