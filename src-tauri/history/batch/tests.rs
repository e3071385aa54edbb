//! Runs written down, resumed and read back, in a scratch History.

use super::*;
use crate::deepcall::directory::field::{ContactField, FieldValue};
use crate::deepcall::directory::form::FieldChange;

fn vip(number: &str) -> Change {
    Change::Contact {
        number: number.into(),
        name: None,
        changes: vec![FieldChange {
            field: ContactField::Known(crate::deepcall::directory::field::KnownField::Vip),
            before: FieldValue::NotKnown,
            after: FieldValue::Flag(true),
        }],
    }
}

#[test]
fn a_run_is_written_down_and_each_row_gets_its_entry_when_sent() {
    let h = History::in_memory();
    let account = AccountRef::sandbox("http://127.0.0.1:1");
    let rows = [
        (2, vip("9876543210")),
        (3, vip("9123456780")),
        (5, vip("9000000001")),
    ];
    let rows: Vec<RunRow> = rows
        .into_iter()
        .map(|(line, change)| RunRow {
            line,
            cells: vec![change.target(), "yes".into()],
            change,
        })
        .collect();
    let left_out = [LeftOut {
        line: 4,
        number: None,
        cells: vec!["12".into(), "yes".into()],
        reason: "Row 4: the number is too short.".into(),
    }];
    let headers = ["Phone".to_owned(), "VIP".to_owned()];
    let b = h
        .create_batch(&NewBatch {
            account: &account,
            source: "vip.csv",
            separator: Separator::Comma,
            headers: &headers,
            rows: &rows,
            left_out: &left_out,
        })
        .unwrap();
    let s = h.batch(b).unwrap().unwrap();
    assert_eq!((s.rows, s.pending, s.state), (3, 3, BatchState::Running));
    assert_eq!(
        h.page(&Default::default(), 0, 10).unwrap().total,
        0,
        "nothing sent, no entry"
    );

    let first = h.record_row(b, 2, Purpose::Change).unwrap();
    h.settle(first, Outcome::Confirmed, None).unwrap();
    let second = h.record_row(b, 3, Purpose::Change).unwrap();
    // The app stops here: row 3 is in flight.
    let s = h.batch(b).unwrap().unwrap();
    assert_eq!((s.pending, s.confirmed, s.unknown), (1, 1, 1));
    assert_eq!(h.unfinished_batches().unwrap(), [s]);
    let rows = h.batch_rows(b).unwrap();
    assert_eq!(
        rows.iter().map(|r| (r.line, r.outcome)).collect::<Vec<_>>(),
        [
            (2, Some(Outcome::Confirmed)),
            (3, Some(Outcome::Sending)),
            (5, None)
        ]
    );
    assert_eq!(rows[1].entry, Some(second));
    // Checked and found not applied, it is sent again: a new entry.
    h.resolve(second, Outcome::NotApplied, None).unwrap();
    let again = h.record_row(b, 3, Purpose::TryAgain).unwrap();
    assert_ne!(again, second);
    assert_eq!(h.batch_rows(b).unwrap()[1].entry, Some(again));
    h.set_batch_state(b, BatchState::Cancelled).unwrap();
    assert!(h.unfinished_batches().unwrap().is_empty());

    // The results: every row of the file in its order, left out too.
    let page = h.batch_results(b, 0, 10).unwrap();
    assert_eq!(page.total, 4);
    let words: Vec<(u32, &str)> = page
        .rows
        .iter()
        .map(|r| (r.line, r.words.as_str()))
        .collect();
    assert_eq!(
        words,
        [
            (2, "confirmed"),
            (3, "sending"),
            (4, "left out"),
            (5, "not sent")
        ]
    );
    assert_eq!(h.batch_results(b, 2, 1).unwrap().rows[0].line, 4);
    assert_eq!(h.batch_columns(b).unwrap().unwrap().headers, headers);
    let mut all = Vec::new();
    let count = h
        .each_result(b, |cells, row| {
            all.push((cells.to_vec(), row.clone()));
            Ok(())
        })
        .unwrap();
    assert_eq!(count, 4);
    assert_eq!(all[2].0, ["12", "yes"]);
    assert_eq!(
        all[2].1.message.as_deref(),
        Some("Row 4: the number is too short.")
    );
    assert_eq!(h.page(&Default::default(), 0, 10).unwrap().total, 3);
}

/// A run of `rows` on the sandbox, from a file with no header.
fn create(h: &History, rows: &[RunRow]) -> Result<i64, HistoryError> {
    h.create_batch(&NewBatch {
        account: &AccountRef::sandbox("http://127.0.0.1:1"),
        source: "b.csv",
        separator: Separator::Comma,
        headers: &[],
        rows,
        left_out: &[],
    })
}

#[test]
fn only_a_run_no_other_live_copy_is_sending_is_offered_for_resume() {
    let h = History::in_memory();
    let rows = [RunRow {
        line: 2,
        cells: vec![],
        change: vip("9000000001"),
    }];
    let b = create(&h, &rows).unwrap();
    let offered = |h: &History| h.unfinished_batches().unwrap().len();
    assert_eq!(offered(&h), 1, "no copy has it");
    // Another copy sends it and said so just now: not offered, and it
    // cannot be claimed here.
    h.claim_as(b, "another copy", now_ms());
    assert_eq!(offered(&h), 0);
    assert!(!h.claim_batch(b).unwrap());
    // That copy stopped beating a minute ago: orphaned.
    h.claim_as(b, "another copy", now_ms() - 60_000);
    assert_eq!(offered(&h), 1);
    assert!(h.claim_batch(b).unwrap());
    // This copy's own run stays offered to it (Resume after a pause),
    // and its heartbeat keeps it from others.
    assert_eq!(offered(&h), 1);
    h.beat(b).unwrap();
    h.let_go(b).unwrap();
    assert_eq!(offered(&h), 1);
}

#[test]
fn two_rows_on_one_line_are_refused_in_plain_words_and_nothing_is_recorded() {
    let h = History::in_memory();
    let rows = [2, 2].map(|line| RunRow {
        line,
        cells: vec![],
        change: vip("9000000001"),
    });
    let e = create(&h, &rows).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Two rows of this file were read as row 2"),
        "{e}"
    );
    assert!(!e.to_string().contains("disk"), "{e}");
    assert!(h.unfinished_batches().unwrap().is_empty());
}

fn blacklist(number: &str) -> Change {
    Change::Contact {
        number: number.into(),
        name: None,
        changes: vec![FieldChange {
            field: ContactField::BLACKLIST,
            before: FieldValue::NotKnown,
            after: FieldValue::Flag(true),
        }],
    }
}

#[test]
fn resume_asks_about_every_blacklisting_row_not_settled_and_holds_them_on_a_no() {
    let h = History::in_memory();
    let rows: Vec<RunRow> = [
        (2, blacklist("9000000001")),
        (3, blacklist("9000000002")),
        (4, blacklist("9000000003")),
        (5, vip("9000000004")),
    ]
    .into_iter()
    .map(|(line, change)| RunRow {
        line,
        cells: vec![],
        change,
    })
    .collect();
    let b = create(&h, &rows).unwrap();
    // Row 2 confirmed, row 3 on its way when the app stopped, row 4 not sent.
    let done = h.record_row(b, 2, Purpose::Change).unwrap();
    h.settle(done, Outcome::Confirmed, None).unwrap();
    h.record_row(b, 3, Purpose::Change).unwrap();
    assert_eq!(h.batch(b).unwrap().unwrap().blacklisting_left, 2);
    h.hold_blacklisting(b).unwrap();
    let s = h.batch(b).unwrap().unwrap();
    assert_eq!((s.blacklisting_left, s.not_confirmed, s.pending), (0, 2, 1));
    let rows = h.batch_rows(b).unwrap();
    assert_eq!(rows[1].held, Some(Held::BlacklistNotConfirmed));
    assert_eq!(rows[2].held, Some(Held::BlacklistNotConfirmed));
    assert_eq!(rows[3].held, None);
}

#[test]
fn only_a_change_on_the_runs_own_account_that_may_have_applied_holds_a_row() {
    let h = History::in_memory();
    let account = AccountRef::sandbox("http://127.0.0.1:1");
    let rows = [RunRow {
        line: 2,
        cells: vec![],
        change: vip("9000000001"),
    }];
    let b = create(&h, &rows).unwrap();
    let since = 0;
    assert_eq!(h.changed_elsewhere(b, "9000000001", since).unwrap(), None);
    let other = AccountRef {
        id: "acc-2".into(),
        name: "Branch".into(),
        sandbox: false,
        host: "https://x".into(),
    };
    let e = h
        .record(&other, Purpose::Change, &[vip("9000000001")])
        .unwrap();
    h.settle(e, Outcome::Confirmed, None).unwrap();
    assert_eq!(
        h.changed_elsewhere(b, "9000000001", since).unwrap(),
        None,
        "another account"
    );
    let e = h
        .record(&account, Purpose::Change, &[vip("9000000001")])
        .unwrap();
    h.settle(e, Outcome::NotApplied, None).unwrap();
    assert_eq!(
        h.changed_elsewhere(b, "9000000001", since).unwrap(),
        None,
        "not applied"
    );
    let e = h
        .record(&account, Purpose::Change, &[vip("9000000001")])
        .unwrap();
    h.settle(e, Outcome::Confirmed, None).unwrap();
    assert!(h
        .changed_elsewhere(b, "9000000001", since)
        .unwrap()
        .is_some());
}
