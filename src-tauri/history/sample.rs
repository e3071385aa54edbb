//! A long, varied History for benchmarks and tests: receive-calls switches
//! and contact edits on two accounts and the Sandbox, one a minute back
//! from a moment given, with every outcome; and bulk runs that ended at a
//! moment given.

use crate::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use crate::deepcall::directory::form::FieldChange;

use super::batch::{BatchState, LeftOut, NewBatch, RunRow};
use super::{AccountRef, Change, History, HistoryError, Outcome, Purpose, Settled};

const NAMES: [&str; 6] = [
    "Ravi Verma",
    "Anita Rao",
    "bhawesh",
    "Priya Sharma",
    "Amit Das",
    "Manoj Kumar",
];

/// `n` settled entries, the newest at `newest_ms`, one a minute before the other.
pub fn entries(n: usize, newest_ms: i64) -> Vec<Settled> {
    let accounts = [
        AccountRef {
            id: "sample-head-office".into(),
            name: "Head office".into(),
            sandbox: false,
            host: "https://s-ct3.sarv.com".into(),
        },
        AccountRef {
            id: "sample-branch".into(),
            name: "Branch".into(),
            sandbox: false,
            host: "https://s-ct3.sarv.com".into(),
        },
        AccountRef::sandbox("http://127.0.0.1:8080"),
    ];
    (0..n)
        .map(|i| {
            let name = NAMES[i % NAMES.len()];
            let change = if i % 3 == 0 {
                Change::Contact {
                    number: format!("98{:08}", i % 100_000_000),
                    name: Some(name.into()),
                    changes: vec![FieldChange {
                        field: ContactField::Known(if i % 2 == 0 {
                            KnownField::Vip
                        } else {
                            KnownField::Blacklist
                        }),
                        before: FieldValue::Flag(i % 4 == 0),
                        after: FieldValue::Flag(i % 4 != 0),
                    }],
                }
            } else {
                Change::Receiving {
                    group: 9000 + (i % 7) as u64,
                    group_name: format!("Shift {}", i % 7),
                    agent_id: 100_000 + (i % 10_000) as u64,
                    agent_name: Some(name.into()),
                    before: Some(i % 2 == 0),
                    after: i % 2 != 0,
                    lineup: None,
                }
            };
            Settled {
                account: accounts[i % accounts.len()].clone(),
                purpose: if i % 10 == 9 {
                    Purpose::Undo
                } else {
                    Purpose::Change
                },
                change,
                at_ms: newest_ms - 60_000 * i as i64,
                outcome: match i % 50 {
                    0 => Outcome::Failed,
                    1 => Outcome::Unknown,
                    2 => Outcome::NotApplied,
                    _ => Outcome::Confirmed,
                },
            }
        })
        .collect()
}

/// A bulk run on `account` that started and ended at `at_ms`: a file of
/// `rows` rows (a number, a name, VIP and a note), every row but the last
/// sent and confirmed, the last left out. Returns the run.
pub fn ended_run(
    h: &History,
    account: &AccountRef,
    rows: u32,
    at_ms: i64,
) -> Result<i64, HistoryError> {
    let headers = ["Mobile No", "Customer Name", "VIP", "Note"].map(String::from);
    let cells = |line: u32| {
        let name = NAMES[line as usize % NAMES.len()];
        vec![
            format!("+91 98100 {line:05}"),
            name.to_owned(),
            "yes".to_owned(),
            format!("Spoke to {name} about the renewal of plan {line}; call back after 6 pm."),
        ]
    };
    let sent: Vec<RunRow> = (2..rows + 1)
        .map(|line| RunRow {
            line,
            cells: cells(line),
            change: Change::Contact {
                number: format!("9198100{line:05}"),
                name: Some(NAMES[line as usize % NAMES.len()].into()),
                changes: vec![FieldChange {
                    field: ContactField::Known(KnownField::Vip),
                    before: FieldValue::Flag(false),
                    after: FieldValue::Flag(true),
                }],
            },
        })
        .collect();
    let last = rows + 1;
    let left_out = [LeftOut {
        line: last,
        number: None,
        cells: cells(last),
        reason: format!("Row {last}: the number is too short."),
    }];
    let batch = h.create_batch_at(
        &NewBatch {
            account,
            source: "vip-customers.csv",
            separator: crate::csv_guard::Separator::Comma,
            headers: &headers,
            rows: &sent,
            left_out: &left_out,
        },
        at_ms,
    )?;
    for row in &sent {
        let entry = h.record_row_at(batch, row.line, Purpose::Change, at_ms)?;
        h.settle(entry, Outcome::Confirmed, None)?;
    }
    h.set_batch_state(batch, BatchState::Finished)?;
    Ok(batch)
}
