//! A long, varied History for benchmarks and tests: receive-calls switches
//! and contact edits on two accounts and the Sandbox, one a minute back
//! from a moment given, with every outcome.

use crate::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use crate::deepcall::directory::form::FieldChange;

use super::{AccountRef, Change, Outcome, Purpose, Settled};

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
