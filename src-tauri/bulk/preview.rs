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
use super::lookalike::{self, Lookalike, SameCaller};
use super::mapping::{Mapping, MappingProblem, Target};
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

    let same_caller_rows = lookalike::mark(&mut rows, choice);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::file::read;
    use crate::bulk::mapping::propose;
    use crate::deepcall::directory::{Dialer, KnownField};
    use serde_json::json;

    fn run(csv: &str) -> Preview {
        let table = read(csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mapping = propose(&table.headers);
        preview(&table, &mapping, SameCaller::KeepBoth).unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn messages(r: &RowPreview) -> Vec<&str> {
        r.problems.iter().map(|p| p.message.as_str()).collect()
    }

    fn body(r: &RowPreview) -> serde_json::Value {
        Value::Object(r.update.as_ref().expect("ready").body())
    }

    #[test]
    fn yes_no_variants() {
        for (cell, on) in [
            ("yes", true),
            ("YES", true),
            (" Yes ", true),
            ("y", true),
            ("Y", true),
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("on", true),
            ("On", true),
            ("no", false),
            ("No", false),
            ("n", false),
            ("N", false),
            ("false", false),
            ("False", false),
            ("0", false),
            ("off", false),
            ("OFF", false),
        ] {
            assert_eq!(flag(cell), Some(on), "{cell}");
            let p = run(&format!(
                "Phone,VIP,Blacklisted\n9876543210,{cell},{cell}\n"
            ));
            let r = &p.rows[0];
            assert_eq!(r.state, RowState::Ready, "{cell}: {:?}", r.problems);
            let u = r.update.as_ref().unwrap();
            assert_eq!((u.vip, u.blacklist), (Some(on), Some(on)), "{cell}");
            assert_eq!(r.blacklists, on);
        }
        for bad in ["maybe", "2", "yess", "-"] {
            assert_eq!(flag(bad), None, "{bad}");
        }
        let p = run("Phone,VIP\n9876543210,maybe\n");
        assert_eq!(
            messages(&p.rows[0]),
            ["Row 2: the VIP column has “maybe”. Write yes or no (y/n, true/false, 1/0 and on/off work too), or leave the cell empty to keep the contact as it is."]
        );
        assert_eq!(p.rows[0].problems[0].column, Some(1));
        assert_eq!(p.rows[0].problems[0].field.as_deref(), Some("vip"));
    }

    #[test]
    fn empty_cells_are_left_alone() {
        let p = run("Phone,Name,Email,VIP,Blacklisted,Company,Total calls\n\
             9876543210,,,yes,,,\n\
             9876543211,Asha Rao,,,no,,\n");
        assert_eq!(p.counts.ready, 2);
        // Nothing about a row is sent that the row did not set.
        assert_eq!(
            p.rows[0].update,
            Some(ContactUpdate {
                vip: Some(true),
                ..ContactUpdate::default()
            })
        );
        assert_eq!(body(&p.rows[0]), json!({"other": {"vip": true}}));
        let mut expected = ContactUpdate {
            blacklist: Some(false),
            ..ContactUpdate::default()
        };
        expected.info.insert("name".into(), "Asha Rao".into());
        assert_eq!(p.rows[1].update, Some(expected));
        assert_eq!(
            body(&p.rows[1]),
            json!({"contactinfo": {"name": "Asha Rao"}, "other": {"blacklist": false}})
        );
        let fields: Vec<&str> = p.rows[1].changes.iter().map(|c| c.field.name()).collect();
        assert_eq!(fields, ["name", "blacklist"]);
        assert!(p.rows[1]
            .changes
            .iter()
            .all(|c| c.before == FieldValue::NotKnown));
    }

    #[test]
    fn every_kind_of_field_the_editors_way() {
        let p = run(
            "Mobile;Name;E-mail;DOB;Job title;custom_field_1;Custom field 2;Total calls;Source;Last call date;IBD;VIP;Blacklist\n\
             +91 98765-43210;Ravi Verma;ravi@example.in;1986-08-14;Manager;Gold;North;12;1;18-11-2026;3;y;n\n",
        );
        let r = &p.rows[0];
        assert_eq!(r.state, RowState::Ready, "{:?}", r.problems);
        assert_eq!(r.number.as_ref().unwrap().as_str(), "919876543210");
        assert_eq!(
            body(r),
            json!({
                "contactinfo": {"name": "Ravi Verma", "email": "ravi@example.in", "dob": "14-08-1986",
                                "designation": "Manager", "custom_field_1": "Gold", "custom_field_2": "North"},
                "other": {"vip": true, "blacklist": false, "totalcalls": 12, "source": 1,
                          "lastcalltime": "18-11-2026", "ibd": "3"}
            })
        );
        assert_eq!(r.update.as_ref().unwrap().dialer[&Dialer::Ibd], "3");
        assert!(
            r.update.as_ref().unwrap().validate().is_ok(),
            "the client sends it"
        );
    }

    #[test]
    fn a_bad_email_and_the_other_rules_are_reported_by_cell() {
        let p = run("Phone,Name,Email,DOB,Total calls\n\
             9876543210,Ravi,ravi@,,\n\
             9876543211,R2D2,,31-02-1990,-1\n\
             98765x,Asha,,,\n\
             ,Asha,,,\n");
        assert_eq!(
            p.counts,
            Counts {
                rows: 4,
                with_problems: 4,
                ..Counts::default()
            }
        );
        let email = &p.rows[0];
        assert_eq!(
            messages(email),
            ["Row 2: the Email column has “ravi@”. Enter an email address like name@example.com."]
        );
        assert_eq!(
            (email.problems[0].column, email.problems[0].field.as_deref()),
            (Some(2), Some("email"))
        );
        assert_eq!(
            email.update, None,
            "nothing is built for a row with a problem"
        );
        assert_eq!(email.changes.len(), 2, "what the row meant is still shown");
        // The editor's own sentences, each beside its cell.
        let r = &p.rows[1];
        let fields: Vec<&str> = r
            .problems
            .iter()
            .filter_map(|p| p.field.as_deref())
            .collect();
        assert_eq!(fields, ["dob", "name", "totalcalls"]);
        assert_eq!(
            r.problems[0].message,
            format!(
                "Row 3: the DOB column has “31-02-1990”. {}",
                crate::deepcall::directory::rules::date("31-02-1990").unwrap()
            )
        );
        assert!(messages(&p.rows[2])[0]
            .starts_with("Row 4: the Phone column has “98765x”. A phone number has only digits"));
        assert_eq!(
            messages(&p.rows[3]),
            ["Row 5 has no phone number in the Phone column. Fill it in, or remove the row."]
        );
    }

    #[test]
    fn a_row_that_sets_nothing() {
        let p = run("Phone,VIP,Notes\n9876543210,,left out\n");
        assert_eq!(
            messages(&p.rows[0]),
            ["Row 2 changes nothing: its cells other than the phone number are empty, and an empty cell leaves a field as it is. Fill in what should change, or remove the row."]
        );
        assert_eq!(p.counts.with_problems, 1);
    }

    #[test]
    fn ragged_rows_are_reported_on_the_row() {
        let p = run("Phone,VIP,Name\n9876543210,yes\n9876543211,no,Asha\n");
        assert_eq!(p.counts.ready, 1);
        assert_eq!(p.rows[0].state, RowState::Problems);
        assert!(
            messages(&p.rows[0])[0].starts_with("Row 2 has 2 cells but the header has 3 columns")
        );
        assert_eq!(p.rows[1].state, RowState::Ready);
    }

    #[test]
    fn duplicates_the_last_row_wins_and_says_so() {
        let p = run("Phone,VIP,Blacklist\n\
             98765 43210,yes,\n\
             9876543211,,yes\n\
             +9876543210,no,\n\
             9876543212,,yes\n\
             9876543211,,no\n");
        assert_eq!(
            p.counts,
            Counts {
                rows: 5,
                ready: 3,
                with_problems: 0,
                replaced: 2,
                blacklisting: 1,
                ..Counts::default()
            }
        );
        let first = &p.rows[0];
        assert_eq!(
            (first.state, first.replaced_by),
            (RowState::Replaced, Some(4))
        );
        assert_eq!(first.update, None);
        assert_eq!(
            first.note.as_deref(),
            Some("Row 2 is not sent: row 4 has the same number (9876543210) and comes later, and only the last row for a number is sent.")
        );
        assert_eq!(p.rows[1].replaced_by, Some(6));
        assert!(p.rows[1].blacklists, "it would have, but it is not sent");
        // Only the ready row 5 blacklists: that is what the confirmation names.
        let numbers: Vec<&str> = p.blacklisting.iter().map(ContactNumber::as_str).collect();
        assert_eq!(numbers, ["9876543212"]);
        let sent: Vec<(u32, serde_json::Value)> = p
            .ready()
            .map(|(r, _, u)| (r.line, Value::Object(u.body())))
            .collect();
        assert_eq!(
            sent,
            [
                (4, json!({"other": {"vip": false}})),
                (5, json!({"other": {"blacklist": true}})),
                (6, json!({"other": {"blacklist": false}})),
            ]
        );
    }

    #[test]
    fn a_custom_field_column() {
        let table =
            read("Phone;Preferred language;VIP\n9876543210;Hindi;\n9876543211;;yes\n".as_bytes())
                .unwrap();
        let mut mapping = propose(&table.headers);
        mapping.columns[1].target = Target::custom("preferred_language").unwrap();
        let p = preview(&table, &mapping, SameCaller::KeepBoth).unwrap();
        assert_eq!(p.counts.ready, 2);
        assert_eq!(
            body(&p.rows[0]),
            json!({"contactinfo": {"preferred_language": "Hindi"}})
        );
        assert_eq!(
            p.rows[0].changes[0].field,
            ContactField::Custom("preferred_language".into())
        );
        assert_eq!(body(&p.rows[1]), json!({"other": {"vip": true}}));

        // A name the editor refuses stops the preview at the mapping.
        mapping.columns[1].target = Target::Field(ContactField::Custom("token".into()));
        let problems = preview(&table, &mapping, SameCaller::KeepBoth).unwrap_err();
        assert_eq!(problems[0].column, Some(1));
    }

    #[test]
    fn the_mapping_must_be_usable_and_for_this_file() {
        let table = read(b"Name,VIP\nAsha,yes\n").unwrap();
        let problems = preview(&table, &propose(&table.headers), SameCaller::KeepBoth).unwrap_err();
        assert!(problems[0]
            .message
            .starts_with("Choose the column that holds the phone numbers"));
        let other = propose(&["Phone".to_owned(), "Name".to_owned()]);
        let problems = preview(&table, &other, SameCaller::KeepBoth).unwrap_err();
        assert_eq!(
            problems[0].message,
            "These column choices were made for another file. Choose the file again."
        );
    }

    #[test]
    fn the_50_row_fixture() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/bulk-50.csv"
        ))
        .unwrap();
        let table = read(&bytes).unwrap();
        let mapping = propose(&table.headers);
        let targets: Vec<&str> = mapping.columns.iter().map(|c| c.target.label()).collect();
        assert_eq!(
            targets,
            [
                "Phone number",
                "Name",
                "Email",
                "VIP",
                "Blacklisted",
                "Custom field 1",
                "Custom field 2"
            ]
        );
        let p = preview(&table, &mapping, SameCaller::KeepBoth).unwrap();
        assert_eq!(
            p.counts,
            Counts {
                rows: 50,
                ready: 49,
                with_problems: 1,
                replaced: 0,
                blacklisting: 5,
                ..Counts::default()
            }
        );
        let bad: Vec<&RowPreview> = p
            .rows
            .iter()
            .filter(|r| r.state == RowState::Problems)
            .collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].problems[0].field.as_deref(), Some("email"));
        assert_eq!(
            p.ready().filter(|(_, _, u)| u.vip == Some(true)).count(),
            10
        );
        // Every ready update is one the client accepts.
        assert!(p.ready().all(|(_, _, u)| u.validate().is_ok()));
        assert_eq!(
            p.rows
                .iter()
                .filter(|r| r
                    .changes
                    .iter()
                    .any(|c| c.field == ContactField::Known(KnownField::CustomField1)))
                .count(),
            50
        );
    }

    #[test]
    fn the_preview_serialises_without_the_update() {
        let p = run("Phone,VIP\n9876543210,yes\n");
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(
            v["counts"],
            json!({"rows": 1, "ready": 1, "withProblems": 0, "replaced": 0, "blacklisting": 0, "sameCaller": 0, "leftOutSameCaller": 0})
        );
        assert_eq!(v["rows"][0]["state"], "ready");
        assert_eq!(v["rows"][0]["number"], "9876543210");
        assert!(v["rows"][0].get("update").is_none());
    }
}
