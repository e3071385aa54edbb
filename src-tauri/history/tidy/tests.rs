use super::*;
use crate::history::batch::{BatchState, LeftOut, NewBatch, RunRow};
use crate::history::{sample, AccountRef, Change, Purpose, Query};

const NOW: i64 = 1_780_000_000_000;

fn days_ago(days: i64) -> i64 {
    NOW - days * DAY_MS
}

fn sandbox() -> AccountRef {
    AccountRef::sandbox("http://127.0.0.1:1")
}

/// Each row's cells and result, as the results file has them.
fn results_of(h: &History, batch: i64) -> Vec<(Vec<String>, String, Option<String>)> {
    let mut all = Vec::new();
    h.each_result(batch, |cells, r| {
        all.push((cells.to_vec(), r.words.clone(), r.message.clone()));
        Ok(())
    })
    .unwrap();
    all
}

/// A run of two rows started `days` ago, left `state`; nothing sent.
fn unsent_run(h: &History, days: i64, state: BatchState) -> i64 {
    let row = |line: u32| RunRow {
        line,
        cells: vec![format!("98100{line:05}"), "Asha".into()],
        change: Change::Contact {
            number: format!("98100{line:05}"),
            name: None,
            changes: vec![],
        },
    };
    let b = h
        .create_batch_at(
            &NewBatch {
                account: &sandbox(),
                source: "held.csv",
                separator: crate::csv_guard::Separator::Comma,
                headers: &["Phone".into(), "Name".into()],
                rows: &[row(2), row(3)],
                left_out: &[LeftOut {
                    line: 4,
                    number: None,
                    cells: vec!["12".into(), "Sunil".into()],
                    reason: "Row 4: the number is too short.".into(),
                }],
            },
            days_ago(days),
        )
        .unwrap();
    h.set_batch_state(b, state).unwrap();
    b
}

#[test]
fn only_runs_that_ended_long_ago_lose_their_files_rows_and_history_keeps_every_change() {
    let h = History::in_memory();
    let old = sample::ended_run(&h, &sandbox(), 40, days_ago(120)).unwrap();
    let stopped = unsent_run(&h, 200, BatchState::Cancelled);
    let recent = sample::ended_run(&h, &sandbox(), 10, days_ago(30)).unwrap();
    let running = unsent_run(&h, 300, BatchState::Running);
    let paused = unsent_run(&h, 300, BatchState::Paused);
    // Started long ago, but a row was sent last week: it is recent.
    let resumed = unsent_run(&h, 300, BatchState::Finished);
    h.record_row_at(resumed, 2, Purpose::Change, days_ago(7))
        .unwrap();

    let untouched = [recent, running, paused, resumed];
    let kept_before: Vec<_> = untouched.iter().map(|&b| results_of(&h, b)).collect();
    let summaries = |h: &History| {
        [old, stopped, recent, running, paused, resumed].map(|b| h.batch(b).unwrap().unwrap())
    };
    let summaries_before = summaries(&h);
    let results_before = [old, stopped].map(|b| h.batch_results(b, 0, 100).unwrap());
    let entries_before = h.page(&Query::default(), 0, 1_000).unwrap();

    let estimate = h.tidy_estimate_at(90, NOW).unwrap();
    assert_eq!(
        (estimate.days, estimate.runs, estimate.rows),
        (90, 2, 40 + 3)
    );
    assert!(estimate.bytes > 40 * 100, "{estimate:?}");
    let done = h.tidy_at(90, NOW).unwrap();
    assert_eq!((done.runs, done.rows), (2, 43));

    // The two runs that ended long ago: no results file any more…
    for b in [old, stopped] {
        assert_eq!(h.batch_columns(b).unwrap(), None);
        assert!(results_of(&h, b).iter().all(|(cells, ..)| cells.is_empty()));
    }
    // …but every entry, every row's number and result, and the counts stay.
    assert_eq!(h.page(&Query::default(), 0, 1_000).unwrap(), entries_before);
    assert_eq!(
        h.page(&Query::default(), 0, 0).unwrap().total,
        39 + 9 + 1,
        "the rows sent of the old run, the recent one and the resumed one"
    );
    assert_eq!(
        [old, stopped].map(|b| h.batch_results(b, 0, 100).unwrap()),
        results_before
    );
    assert_eq!(summaries(&h), summaries_before);
    // The others keep their file's rows, cell for cell.
    for (b, before) in untouched.iter().zip(&kept_before) {
        assert!(h.batch_columns(*b).unwrap().is_some());
        assert_eq!(&results_of(&h, *b), before);
    }
    // Nothing is left to remove.
    assert_eq!(h.tidy_estimate_at(90, NOW).unwrap().runs, 0);
    assert_eq!(h.tidy_at(90, NOW).unwrap().runs, 0);
    // A shorter age reaches the recent run, never the running or paused one.
    assert_eq!(h.tidy_at(7, NOW).unwrap().runs, 1);
    assert!(h.batch_columns(recent).unwrap().is_none());
    for b in [running, paused, resumed] {
        assert!(h.batch_columns(b).unwrap().is_some());
    }
}

/// The History file's size on disk, with its WAL.
fn on_disk(path: &std::path::Path) -> u64 {
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    std::fs::metadata(path).map_or(0, |m| m.len()) + std::fs::metadata(wal).map_or(0, |m| m.len())
}

#[test]
fn the_file_on_disk_shrinks_by_about_what_the_copies_took() {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-tidy-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let path = dir.join(crate::history::FILE_NAME);
    let h = History::open(&path).unwrap();
    let old = sample::ended_run(&h, &sandbox(), 3_000, days_ago(100)).unwrap();
    sample::ended_run(&h, &sandbox(), 200, days_ago(1)).unwrap();
    let estimate = h.tidy_estimate_at(90, NOW).unwrap();
    let before = on_disk(&path);
    let done = h.tidy_at(90, NOW).unwrap();
    let after = on_disk(&path);
    assert!(
        before - after > estimate.bytes / 2,
        "{before} -> {after} bytes on disk; the copies took about {}",
        estimate.bytes
    );
    assert!(done.file_after < done.file_before, "{done:?}");
    assert_eq!(
        after, done.file_after,
        "the WAL is empty, the file its size"
    );
    assert_eq!(h.batch_columns(old).unwrap(), None);
    drop(h);
    // It opens again with everything but the copies.
    let h = History::open(&path).unwrap();
    assert_eq!(
        h.page(&Query::default(), 0, 0).unwrap().total,
        3_000 - 1 + 199
    );
    drop(h);
    std::fs::remove_dir_all(dir).unwrap();
}
