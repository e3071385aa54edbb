use rusqlite::Connection;

use super::test_support::*;
use super::*;

/// What the export writes for `query`, as text.
fn export_text(h: &History, query: &Query) -> String {
    let mut out = Vec::new();
    entries_csv(h, query, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_export_read_a_few_hundred_at_a_time_holds_every_entry_in_the_screens_order() {
    let h = History::in_memory();
    // Entries sharing a moment too: the reads must not skip or repeat one.
    let mut entries = sample::entries(1_234, 1_764_000_000_000);
    for (i, e) in entries.iter_mut().enumerate() {
        e.at_ms = 1_764_000_000_000 - 60_000 * (i as i64 / 7);
    }
    h.record_settled(&entries).unwrap();
    for query in [
        Query::default(),
        Query {
            kind: Some(Kind::Contacts),
            search: "ravi".into(),
            ..Query::default()
        },
    ] {
        let csv = export_text(&h, &query);
        let mut ids: Vec<i64> = csv
            .split("\r\n")
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').next().unwrap().parse().unwrap())
            .collect();
        ids.dedup();
        let shown: Vec<i64> = h.matching(&query).unwrap().iter().map(|e| e.id).collect();
        assert!(shown.len() > 100, "{}", shown.len());
        assert_eq!(ids, shown);
    }
}

fn version_of(path: &std::path::Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_empty_file_is_migrated_to_the_latest_version_in_wal_mode() {
    let path = scratch("empty");
    std::fs::write(&path, b"").unwrap();
    let h = History::open(&path).unwrap();
    assert_eq!(h.note(), None);
    let mode: String = h
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(h);
    assert_eq!(version_of(&path), schema::LATEST as i64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only this computer user may read it");
    }
}

// Not on Windows: Unix file modes (Windows: AppData's access list, files.rs).
#[cfg(unix)]
#[test]
fn the_folder_the_file_and_its_wal_are_private_from_the_first_start() {
    let mode = crate::files::mode_of;
    // A folder that does not exist yet, as at the first start.
    let dir = scratch("private").parent().unwrap().join("data");
    let path = dir.join(FILE_NAME);
    let h = History::open(&path).unwrap();
    h.record(&head_office(), Purpose::Change, &[switch(3, true, false)])
        .unwrap();
    // While it is open: the WAL and shared-memory files are there.
    assert_eq!(mode(&dir), 0o700);
    let mut names = Vec::new();
    for file in std::fs::read_dir(&dir).unwrap() {
        let file = file.unwrap().path();
        names.push(file.file_name().unwrap().to_string_lossy().into_owned());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    names.sort();
    assert_eq!(
        names,
        [
            FILE_NAME,
            &format!("{FILE_NAME}-shm"),
            &format!("{FILE_NAME}-wal"),
            &format!("{FILE_NAME}.lock")
        ]
    );
}

#[test]
fn a_file_of_an_earlier_version_keeps_its_entries() {
    let path = scratch("previous");
    {
        let mut conn = Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(schema::MIGRATIONS[0]).unwrap();
        tx.pragma_update(None, "user_version", 1).unwrap();
        tx.commit().unwrap();
        conn.execute(
            "INSERT INTO entries (submission, at_ms, account_id, account_name, sandbox, host, \
             kind, purpose, target, detail, search, outcome) VALUES \
             (1, 1000, 'acc-1', 'Head office', 0, 'https://x', 'groups', 'change', '28', ?1, \
             '28 evening', 'confirmed')",
            [serde_json::to_string(&switch(3, true, false)).unwrap()],
        )
        .unwrap();
    }
    assert_eq!(
        schema::LATEST,
        7,
        "this test migrates from version 1 through every later one"
    );
    let h = History::open(&path).unwrap();
    let page = h.page(&Query::default(), 0, 10).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.entries[0].change, switch(3, true, false));
    assert_eq!(page.entries[0].outcome, Outcome::Confirmed);
    // Version 2's batch column and the later versions' columns are there.
    h.conn()
        .execute("UPDATE entries SET batch = NULL WHERE id = 1", [])
        .unwrap();
    h.conn()
        .execute_batch(
            "SELECT headers FROM batches; SELECT cells FROM batch_skipped; \
             SELECT held, held_message, blacklists FROM batch_rows; SELECT note FROM batches; \
             SELECT separator FROM batches; SELECT owner, heartbeat_ms FROM batches;",
        )
        .unwrap();
    drop(h);
    assert_eq!(version_of(&path), schema::LATEST as i64);
}

#[test]
fn an_unfinished_run_of_version_three_still_knows_which_rows_blacklist() {
    use crate::deepcall::directory::field::{ContactField, FieldValue, KnownField};
    use crate::deepcall::directory::form::FieldChange;
    let path = scratch("version-three-run");
    let row = |field: KnownField| Change::Contact {
        number: "9876543210".into(),
        name: None,
        changes: vec![FieldChange {
            field: ContactField::Known(field),
            before: FieldValue::NotKnown,
            after: FieldValue::Flag(true),
        }],
    };
    {
        let mut conn = Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &schema::MIGRATIONS[..3] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 3).unwrap();
        tx.commit().unwrap();
        conn.execute(
            "INSERT INTO batches (id, created_ms, account_id, account_name, sandbox, host, \
             source, state) VALUES (1, 1000, 'sandbox', 'Sandbox', 1, 'http://x', 'a.csv', 'paused')",
            [],
        )
        .unwrap();
        for (line, field) in [(2, KnownField::Blacklist), (3, KnownField::Vip)] {
            conn.execute(
                "INSERT INTO batch_rows (batch, line, number, detail) VALUES (1, ?1, '9876543210', ?2)",
                rusqlite::params![line, serde_json::to_string(&row(field)).unwrap()],
            )
            .unwrap();
        }
    }
    let h = History::open(&path).unwrap();
    let run = h.batch(1).unwrap().unwrap();
    assert_eq!((run.rows, run.pending, run.blacklisting_left), (2, 2, 1));
    // Its results file is written with commas, as before.
    assert_eq!(
        h.batch_columns(1).unwrap().unwrap().separator,
        crate::csv_guard::Separator::Comma
    );
}

#[test]
fn a_damaged_file_is_set_aside_untouched_and_a_new_one_started() {
    let path = scratch("damaged");
    let junk = b"this is not a database, but it is somebody's file\n".repeat(100);
    std::fs::write(&path, &junk).unwrap();
    let h = History::open(&path).unwrap();
    let note = h.note().expect("the manager is told").to_owned();
    assert!(note.contains("damaged"), "{note}");
    let kept: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".unreadable-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), junk, "kept byte for byte");
    assert!(note.contains(&*kept[0].file_name().unwrap().to_string_lossy()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the copy set aside is private too");
    }
    // The new one works.
    h.record(&head_office(), Purpose::Change, &[switch(3, true, false)])
        .unwrap();
    assert_eq!(h.page(&Query::default(), 0, 5).unwrap().total, 1);
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_as_it_is() {
    let path = scratch("newer");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let refused = History::open(&path).err().expect("refused").to_string();
    assert!(
        refused.contains("newer version") && refused.contains("format 99"),
        "{refused}"
    );
    assert!(refused.contains("sends none"), "{refused}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "left byte for byte");
    assert_eq!(version_of(&path), 99);
    let names = crate::files::names_in(path.parent().unwrap());
    assert!(
        !names
            .iter()
            .any(|n| n.contains("unreadable") || n.contains("set-aside")),
        "nothing set aside: {names:?}"
    );
}

#[test]
fn the_note_about_a_damaged_file_survives_restarts_until_seen() {
    let path = scratch("note-kept");
    std::fs::write(&path, b"not a database".repeat(200)).unwrap();
    let note = History::open(&path).unwrap().note().expect("told");
    // Closed before the manager looked: the next start says it again.
    let again = History::open(&path).unwrap();
    assert_eq!(again.note().as_deref(), Some(note.as_str()));
    again.note_seen().unwrap();
    assert_eq!(again.note(), None);
    drop(again);
    assert_eq!(
        History::open(&path).unwrap().note(),
        None,
        "seen: not again"
    );
}

#[test]
fn a_second_damaged_file_adds_its_note_to_the_first_one_not_yet_seen() {
    let path = scratch("two-notes");
    std::fs::write(&path, b"first junk".repeat(200)).unwrap();
    let first = History::open(&path).unwrap().note().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::remove_file(&path).unwrap();
    let _ = std::fs::remove_file(format!("{}-wal", path.display()));
    let _ = std::fs::remove_file(format!("{}-shm", path.display()));
    std::fs::write(&path, b"second junk".repeat(200)).unwrap();
    let both = History::open(&path).unwrap().note().unwrap();
    assert!(
        both.starts_with(&first) && both.len() > first.len() + 20,
        "{both}"
    );
}

#[test]
fn a_second_opening_is_refused_while_the_first_holds_history() {
    let path = scratch("second-copy");
    let first = History::open(&path).unwrap();
    first
        .record(&head_office(), Purpose::Change, &[switch(3, true, false)])
        .unwrap();
    // The first copy's change is in flight: the second must not touch it.
    let refused = History::open(&path).err().expect("refused").to_string();
    assert!(
        refused.contains("Another copy of DeepCall Desk"),
        "{refused}"
    );
    assert_eq!(
        first.page(&Query::default(), 0, 5).unwrap().entries[0].outcome,
        Outcome::Sending,
        "the first copy's change in flight is left alone"
    );
    drop(first);
    let later = History::open(&path).unwrap();
    assert_eq!(later.interrupted_at_start(), 1);
}

/// The test binary run again as another process that holds History's file
/// in an exclusive SQLite transaction until its standard input closes.
#[test]
#[ignore = "run by another test as a separate process"]
fn hold_history_locked() {
    let Some(path) = std::env::var_os("DEEPCALL_DESK_HOLD_HISTORY") else {
        return;
    };
    let conn = Connection::open(path).unwrap();
    // Exclusive locking mode: in WAL mode, the only way another process
    // keeps readers out too.
    conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
        .unwrap();
    println!("held");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[test]
fn history_locked_by_another_process_refuses_to_send_keeps_the_file_and_says_why() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let path = scratch("locked");
    // A History with a change in it, as an earlier start left it.
    drop(History::open(&path).unwrap());
    let before = std::fs::read(&path).unwrap();
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "history::tests::hold_history_locked",
            "--ignored",
            "--nocapture",
        ])
        .env("DEEPCALL_DESK_HOLD_HISTORY", &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(holder.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("held") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the holder did not start"
        );
    }
    let refused = History::open(&path).err().map(|e| e.to_string());
    drop(holder.stdin.take());
    holder.wait().unwrap();
    let refused = refused.expect("refused while the other process holds it");
    assert!(
        refused.contains("another program is using its file")
            && refused.contains("No change can be sent"),
        "{refused}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is kept as it was"
    );
    let names = crate::files::names_in(path.parent().unwrap());
    assert!(!names.iter().any(|n| n.contains("unreadable")), "{names:?}");
    // Once the other process lets go, History opens as before.
    History::open(&path).unwrap();
}

#[test]
fn entries_left_sending_become_unknown_at_the_next_opening() {
    let path = scratch("crash");
    let h = History::open(&path).unwrap();
    let sub = h
        .record(&head_office(), Purpose::Change, &[switch(3, true, false)])
        .unwrap();
    let done = h
        .record(&head_office(), Purpose::Change, &[switch(8, true, false)])
        .unwrap();
    h.settle(done, Outcome::Confirmed, None).unwrap();
    drop(h); // the app dies here
    let h = History::open(&path).unwrap();
    assert_eq!(h.interrupted_at_start(), 1);
    let e = h.entry(sub).unwrap().unwrap();
    assert_eq!(e.outcome, Outcome::Unknown);
    assert!(e.can_check && e.can_try_again);
    assert!(e.message.unwrap().contains("Check now"));
    assert_eq!(h.entry(done).unwrap().unwrap().outcome, Outcome::Confirmed);
    assert_eq!(h.open_count().unwrap(), 1);
}

#[test]
fn filters_and_search_select_the_entries_shown() {
    let h = History::in_memory();
    let sandbox = AccountRef::sandbox("http://127.0.0.1:1");
    h.record_at(
        &head_office(),
        Purpose::Change,
        &[switch(3, true, false)],
        1_000,
    )
    .unwrap();
    let s = h
        .record_at(
            &head_office(),
            Purpose::Undo,
            &[switch(3, false, true)],
            2_000,
        )
        .unwrap();
    h.settle(s, Outcome::Failed, Some("refused")).unwrap();
    h.record_at(
        &sandbox,
        Purpose::Change,
        &[blacklisting("9876543210", "Ravi Verma")],
        3_000,
    )
    .unwrap();
    let ids = |q: Query| -> Vec<i64> {
        h.page(&q, 0, 100)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.id)
            .collect()
    };
    assert_eq!(ids(Query::default()), [3, 2, 1], "newest first");
    assert_eq!(
        ids(Query {
            account: Some(SANDBOX_ACCOUNT.into()),
            ..Query::default()
        }),
        [3]
    );
    assert_eq!(
        ids(Query {
            kind: Some(Kind::Groups),
            ..Query::default()
        }),
        [2, 1]
    );
    assert_eq!(
        ids(Query {
            outcome: Some(Outcome::Failed),
            ..Query::default()
        }),
        [2]
    );
    assert_eq!(
        ids(Query {
            from_ms: Some(2_000),
            to_ms: Some(3_000),
            ..Query::default()
        }),
        [2]
    );
    for (search, want) in [
        ("98765 43210", vec![3]),
        ("+91 98765-43210", vec![]),
        ("ravi", vec![3]),
        ("VERMA", vec![3]),
        ("evening", vec![2, 1]),
        ("28", vec![2, 1]),
        ("100%", vec![]),
        ("agent_3", vec![]),
    ] {
        assert_eq!(
            ids(Query {
                search: search.into(),
                ..Query::default()
            }),
            want,
            "{search}"
        );
    }
    let page = h.page(&Query::default(), 1, 1).unwrap();
    assert_eq!(
        (page.total, page.entries.len(), page.entries[0].id),
        (3, 1, 2)
    );
    let accounts = h.accounts().unwrap();
    assert_eq!(accounts, [head_office(), sandbox]);
}

#[test]
fn the_export_holds_exactly_the_entries_given() {
    let h = History::in_memory();
    h.record_at(
        &head_office(),
        Purpose::Change,
        &[switch(3, true, false), switch(8, false, true)],
        1_764_000_000_000,
    )
    .unwrap();
    h.record_at(
        &head_office(),
        Purpose::Revert,
        &[blacklisting("9876543210", "=Ravi, \"V\"")],
        1_764_000_060_000,
    )
    .unwrap();
    let csv = export_text(&h, &Query::default());
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(lines[0], export::HEADER.join(","));
    assert_eq!(
        lines.len(),
        1 + 3 + 1,
        "a row per member or field, then the last CRLF"
    );
    assert_eq!(
        lines[1],
        "3,2025-11-24 16:01:00,Head office,No,Contact,Revert,9876543210,\"'=Ravi, \"\"V\"\"\",blacklist,off,on,sending,"
    );
    assert!(lines[2].starts_with("2,2025-11-24 16:00:00,Head office,No,Group,,28,Evening,agent 8 (#8), receives calls,off,on,sending,")
        || lines[2].starts_with("2,2025-11-24 16:00:00,Head office,No,Group,,28,Evening,\"agent 8 (#8), receives calls\",off,on,sending,"), "{}", lines[2]);
}

#[test]
fn the_export_starts_no_formula_after_a_separator_either() {
    let h = History::in_memory();
    let e = h
        .record_at(
            &head_office(),
            Purpose::Change,
            &[
                blacklisting("9876543210", "x;=1+1"),
                blacklisting("9876543211", "y, =HYPERLINK(\"http://a\")"),
            ],
            1_764_000_000_000,
        )
        .unwrap();
    h.settle(e, Outcome::Failed, Some("DeepCall said: “bad;@value”"))
        .unwrap();
    let csv = export_text(&h, &Query::default());
    crate::csv_guard::assert_no_formula_in_any_reading(&csv);
}

#[test]
fn revert_is_offered_for_confirmed_contact_changes_with_known_values() {
    let h = History::in_memory();
    let s = h
        .record(
            &head_office(),
            Purpose::Change,
            &[blacklisting("9876543210", "Ravi")],
        )
        .unwrap();
    assert!(
        !h.entry(s).unwrap().unwrap().can_revert,
        "not while sending"
    );
    h.settle(s, Outcome::Confirmed, None).unwrap();
    let e = h.entry(s).unwrap().unwrap();
    assert!(e.can_revert && !e.can_try_again && !e.can_check);
    let g = h
        .record(&head_office(), Purpose::Change, &[switch(3, true, false)])
        .unwrap();
    h.settle(g, Outcome::Failed, Some("no")).unwrap();
    let e = h.entry(g).unwrap().unwrap();
    assert!(!e.can_revert && e.can_try_again);
}

#[test]
fn a_run_whose_copy_stopped_is_offered_at_the_next_start_without_waiting() {
    use super::batch::{NewBatch, RunRow};
    let path = scratch("orphan");
    {
        let h = History::open(&path).unwrap();
        let b = h
            .create_batch(&NewBatch {
                account: &head_office(),
                source: "b.csv",
                separator: crate::csv_guard::Separator::Comma,
                headers: &[],
                rows: &[RunRow {
                    line: 2,
                    cells: vec![],
                    change: blacklisting("9000000001", "Ravi"),
                }],
                left_out: &[],
            })
            .unwrap();
        assert!(h.claim_batch(b).unwrap());
        h.beat(b).unwrap();
        // The app is killed here: its heartbeat is seconds old.
    }
    // The next start holds History's lock, so no other copy can be sending it.
    let h = History::open(&path).unwrap();
    assert_eq!(h.unfinished_batches().unwrap().len(), 1);
}
