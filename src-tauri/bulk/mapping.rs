//! Which contact field each column of the file fills in: proposed from the
//! header's words, shown to the manager, changed by them, then checked.
//!
//! Field names and labels come from the editor's catalogue (`field.rs`);
//! a custom field's name follows the editor's rule (`form::custom_field_name`).

use serde::{Deserialize, Serialize};

use super::headers::target_for;
use super::target::{Target, NUMBER_LABEL};
use crate::deepcall::directory::form;
use crate::deepcall::directory::ContactField;

/// One column of the file and where its cells go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// The header as the file has it.
    pub header: String,
    pub target: Target,
}

/// Every column of the file, in its order (the index is the column's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Mapping {
    pub columns: Vec<Column>,
}

/// A reason the mapping cannot be used yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MappingProblem {
    /// The column to change (its index), when one is concerned.
    pub column: Option<u32>,
    pub message: String,
}

/// The mapping proposed for a header row, each column from its header's
/// words ([`target_for`]). When two columns name the same field ("Mobile"
/// and "Phone No"), the first is proposed and the other left Not used: one
/// of them was meant, and the manager sees both in the Columns step rather
/// than a problem to solve before anything else.
pub fn propose(headers: &[String]) -> Mapping {
    let mut columns: Vec<Column> = Vec::with_capacity(headers.len());
    for h in headers {
        let mut target = target_for(h);
        if target != Target::NotUsed && columns.iter().any(|c| c.target == target) {
            target = Target::NotUsed;
        }
        columns.push(Column {
            header: h.clone(),
            target,
        });
    }
    Mapping { columns }
}

fn index(i: usize) -> Option<u32> {
    u32::try_from(i).ok()
}

fn quoted(columns: &[&Column]) -> String {
    let names: Vec<String> = columns.iter().map(|c| format!("“{}”", c.header)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Mapping {
    /// The column that holds the numbers, when exactly one does.
    pub fn number_column(&self) -> Option<usize> {
        let mut numbers = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.target == Target::Number)
            .map(|(i, _)| i);
        match (numbers.next(), numbers.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }

    /// Every problem, in column order; empty when the preview may be made.
    pub fn problems(&self) -> Vec<MappingProblem> {
        let mut out = Vec::new();
        // Targets in the order of their first column, each with its columns.
        let mut used: Vec<(&Target, Vec<(usize, &Column)>)> = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            if c.target == Target::NotUsed {
                continue;
            }
            if let Target::Field(ContactField::Custom(name)) = &c.target {
                if let Some(rule) = form::custom_field_name(name) {
                    out.push(MappingProblem {
                        column: index(i),
                        message: format!("Column “{}”: {rule}", c.header),
                    });
                }
            }
            match used.iter_mut().find(|(t, _)| *t == &c.target) {
                Some((_, cols)) => cols.push((i, c)),
                None => used.push((&c.target, vec![(i, c)])),
            }
        }
        for (target, cols) in &used {
            if let [_, (second, _), ..] = cols.as_slice() {
                let names: Vec<&Column> = cols.iter().map(|(_, c)| *c).collect();
                let (go, rest) = if names.len() == 2 {
                    ("both go", "the other")
                } else {
                    ("all go", "the others")
                };
                out.push(MappingProblem {
                    column: index(*second),
                    message: format!(
                        "Columns {} {go} to {}. Keep one and set {rest} to Not used.",
                        quoted(&names),
                        target.label()
                    ),
                });
            }
        }
        if !used.iter().any(|(t, _)| **t == Target::Number) {
            out.push(MappingProblem {
                column: None,
                message: format!(
                    "Choose the column that holds the phone numbers: set it to {NUMBER_LABEL}."
                ),
            });
        }
        if !used.iter().any(|(t, _)| matches!(t, Target::Field(_))) {
            out.push(MappingProblem {
                column: None,
                message: "No column changes anything yet. Choose a field (such as VIP or Name) for at least one column besides the phone numbers.".into(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deepcall::directory::KnownField;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    fn known(f: KnownField) -> Target {
        Target::Field(ContactField::Known(f))
    }

    fn targets(m: &Mapping) -> Vec<Target> {
        m.columns.iter().map(|c| c.target.clone()).collect()
    }

    #[test]
    fn proposed_mapping_is_ready_for_a_usual_file() {
        let m = propose(&headers(&["Phone", "Name", "VIP", "Notes"]));
        assert_eq!(
            targets(&m),
            [
                Target::Number,
                known(KnownField::Name),
                known(KnownField::Vip),
                Target::NotUsed
            ]
        );
        assert_eq!(m.problems(), []);
        assert_eq!(m.number_column(), Some(0));
        // As the UI gets it, and gives it back after a change.
        let json = serde_json::to_value(&m.columns[2]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"header": "VIP", "target": {"kind": "field", "field": "vip"}})
        );
        let back: Mapping = serde_json::from_value(serde_json::to_value(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        let custom: Target =
            serde_json::from_value(serde_json::json!({"kind": "field", "field": "tier"})).unwrap();
        assert_eq!(custom, Target::Field(ContactField::Custom("tier".into())));
    }

    #[test]
    fn exactly_one_number_column() {
        let m = propose(&headers(&["Name", "VIP"]));
        assert_eq!(m.number_column(), None);
        let p = m.problems();
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].message,
            "Choose the column that holds the phone numbers: set it to Phone number."
        );

        // Chosen twice by the manager (two proposals never are).
        let mut m = propose(&headers(&["Phone", "Mobile", "VIP"]));
        m.columns[1].target = Target::Number;
        assert_eq!(m.number_column(), None);
        assert_eq!(
            m.problems(),
            [MappingProblem {
                column: Some(1),
                message: "Columns “Phone” and “Mobile” both go to Phone number. Keep one and set the other to Not used.".into()
            }]
        );
    }

    #[test]
    fn two_columns_for_one_field_propose_the_first_and_leave_the_other_not_used() {
        let m = propose(&headers(&[
            "Mobile",
            "Customer Name",
            "Phone No",
            "Full Name",
            "Email ID",
            "E-mail",
        ]));
        assert_eq!(
            targets(&m),
            [
                Target::Number,
                known(KnownField::Name),
                Target::NotUsed,
                Target::NotUsed,
                known(KnownField::Email),
                Target::NotUsed
            ]
        );
        assert_eq!(m.problems(), [], "nothing to solve first");
        assert_eq!(m.number_column(), Some(0));
    }

    #[test]
    fn a_spreadsheets_usual_headers_are_proposed() {
        let m = propose(&headers(&[
            "Customer Name",
            "Mobile No",
            "Email ID",
            "Company Name",
            "Date of Birth",
            "Designation",
            "Address",
            "City",
        ]));
        let labels: Vec<&str> = m.columns.iter().map(|c| c.target.label()).collect();
        assert_eq!(
            labels,
            [
                "Name",
                "Phone number",
                "Email",
                "Company",
                "Date of birth",
                "Job title",
                "Address",
                "Not used"
            ]
        );
        assert_eq!(m.problems(), []);
    }

    #[test]
    fn a_field_used_twice_is_a_problem() {
        let mut m = propose(&headers(&["Phone", "Name", "Full name", "full_name"]));
        for c in &mut m.columns[2..] {
            c.target = known(KnownField::Name);
        }
        assert_eq!(
            m.problems(),
            [MappingProblem {
                column: Some(2),
                message: "Columns “Name”, “Full name” and “full_name” all go to Name. Keep one and set the others to Not used.".into()
            }]
        );
    }

    #[test]
    fn only_the_number_changes_nothing() {
        let m = propose(&headers(&["Phone", "Notes"]));
        assert_eq!(m.problems().len(), 1);
        assert!(m.problems()[0]
            .message
            .starts_with("No column changes anything"));
    }

    #[test]
    fn a_custom_field_column_by_the_editors_name_rule() {
        let mut m = propose(&headers(&["Phone", "Preferred language"]));
        assert_eq!(m.columns[1].target, Target::NotUsed);
        m.columns[1].target = Target::custom(" preferred_language ").unwrap();
        assert_eq!(m.problems(), []);
        assert_eq!(
            m.columns[1].target,
            Target::Field(ContactField::Custom("preferred_language".into()))
        );
        // The editor's sentences, word for word.
        for bad in ["two words", "vip", "token", ""] {
            assert_eq!(
                Target::custom(bad),
                Err(form::custom_field_name(bad).unwrap()),
                "{bad}"
            );
        }
        // Set directly (as the UI might), the rule is still applied.
        m.columns[1].target = Target::Field(ContactField::Custom("Lead Source".into()));
        let p = m.problems();
        assert_eq!(p[0].column, Some(1));
        assert_eq!(
            p[0].message,
            format!(
                "Column “Preferred language”: {}",
                form::custom_field_name("Lead Source").unwrap()
            )
        );
    }
}
