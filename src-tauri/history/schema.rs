//! The History file: opening it, its migrations, and setting aside a file
//! this version cannot read. SQLite in WAL mode; the schema version is
//! SQLite's `user_version`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};

use crate::files;

/// Each migration takes the file from version `i` to `i + 1`, in one
/// transaction. Append only: a released migration is never edited.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: every change sent, one row per member switched or contact updated.
    "CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        -- the entries of one request share it: the first entry's id
        submission INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        resolved_ms INTEGER,
        account_id TEXT NOT NULL,
        account_name TEXT NOT NULL,
        sandbox INTEGER NOT NULL CHECK (sandbox IN (0, 1)),
        host TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('groups', 'contacts')),
        purpose TEXT NOT NULL,
        -- the group number, or the contact's number (digits)
        target TEXT NOT NULL,
        -- what changed, before and after: JSON of history::Change
        detail TEXT NOT NULL,
        -- lower-case numbers and names, for search
        search TEXT NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('sending', 'confirmed', 'failed', 'unknown', 'notApplied')),
        message TEXT
    );
    CREATE INDEX entries_by_time ON entries (at_ms DESC, id DESC);
    CREATE INDEX entries_by_submission ON entries (submission);
    CREATE INDEX entries_by_account ON entries (account_id, id);
    CREATE INDEX entries_open ON entries (outcome) WHERE outcome IN ('sending', 'unknown');",
    // 2: bulk runs: a CSV file's rows, each sent on its own, as a batch
    // that survives the app stopping. A row gets its entry when it is sent.
    "CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        account_name TEXT NOT NULL,
        sandbox INTEGER NOT NULL CHECK (sandbox IN (0, 1)),
        host TEXT NOT NULL,
        -- the file's name as the manager chose it (no folder)
        source TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'finished', 'cancelled'))
    );
    CREATE TABLE batch_rows (
        batch INTEGER NOT NULL REFERENCES batches (id),
        -- the row's line in the file
        line INTEGER NOT NULL,
        number TEXT NOT NULL,
        -- what the row sets: JSON of history::Change (a contact change)
        detail TEXT NOT NULL,
        -- its History entry, from the moment it is sent
        entry INTEGER REFERENCES entries (id),
        PRIMARY KEY (batch, line)
    ) WITHOUT ROWID;
    ALTER TABLE entries ADD COLUMN batch INTEGER REFERENCES batches (id);
    CREATE INDEX entries_by_batch ON entries (batch) WHERE batch IS NOT NULL;",
    // 3: a run keeps its file's header and each row's cells, so its results
    // file (the input columns plus each row's outcome) can be saved at any
    // time, also after a restart; rows the preview left out are kept with
    // the reason.
    "ALTER TABLE batches ADD COLUMN headers TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE batch_rows ADD COLUMN cells TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE batch_skipped (
        batch INTEGER NOT NULL REFERENCES batches (id),
        line INTEGER NOT NULL,
        -- the number as the preview read it, when it could
        number TEXT,
        -- JSON array of the row's cells, as the file has them
        cells TEXT NOT NULL,
        -- why it is not sent, in the manager's words
        reason TEXT NOT NULL,
        PRIMARY KEY (batch, line)
    ) WITHOUT ROWID;",
    // 4: a run settles every row itself. A row it decided not to send (the
    // contact changed since the run started; blacklisting not confirmed
    // again at Resume) is held, with the reason; a run that paused itself
    // (the sign-in refused, DeepCall out of reach) keeps why; whether a row
    // blacklists is kept beside it, so Resume can ask again.
    "ALTER TABLE batch_rows ADD COLUMN held TEXT
        CHECK (held IN ('changedSince', 'unsure', 'blacklistNotConfirmed'));
    ALTER TABLE batch_rows ADD COLUMN held_message TEXT;
    ALTER TABLE batches ADD COLUMN note TEXT;
    -- whether the row blacklists its contact (history::Change's JSON)
    ALTER TABLE batch_rows ADD COLUMN blacklists INTEGER NOT NULL DEFAULT 0
        CHECK (blacklists IN (0, 1));
    UPDATE batch_rows SET blacklists = EXISTS (
        SELECT 1 FROM json_each(detail, '$.changes') c
        WHERE json_extract(c.value, '$.field') = 'blacklist'
          AND json_extract(c.value, '$.after.kind') = 'flag'
          AND json_extract(c.value, '$.after.value') = 1);",
    // 5: a run's results file is written with the separator its own file
    // used, so a spreadsheet set up for that file splits it the same way.
    "ALTER TABLE batches ADD COLUMN separator TEXT NOT NULL DEFAULT ','
        CHECK (separator IN (',', ';'));",
];

/// The version this build writes and reads.
pub(super) const LATEST: usize = MIGRATIONS.len();

/// Why a file was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unreadable {
    Damaged,
    Newer(i64),
}

/// Opens (creating) the History file at `path`, migrated to [`LATEST`]. A
/// file that cannot be read, or that a newer version wrote, is renamed
/// beside it and a new one started: the returned note says so, in words
/// for the manager.
pub(super) fn open(path: &Path) -> Result<(Connection, Option<String>), String> {
    if let Some(dir) = path.parent() {
        files::create_private_dir(dir).map_err(|e| {
            format!(
                "the folder {} could not be created ({})",
                dir.display(),
                e.kind()
            )
        })?;
    }
    let opened = match open_checked(path) {
        Ok(conn) => Ok((conn, None)),
        Err(why) => {
            let kept = set_aside(path, why)?;
            let conn = open_checked(path)
                .map_err(|w| format!("a new History file could not be started either ({w:?})"))?;
            let note = note_for(why, &kept);
            tracing::warn!("history: {note}");
            Ok((conn, Some(note)))
        }
    };
    opened
}

/// The file and its WAL and shared-memory files beside it.
fn with_sides(path: &Path) -> [PathBuf; 3] {
    let side = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display()));
    [path.to_owned(), side("-wal"), side("-shm")]
}

/// A History in memory, for tests.
#[cfg(test)]
pub(super) fn open_in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().expect("memory");
    migrate(&mut conn).expect("migrations");
    conn
}

fn open_checked(path: &Path) -> Result<Connection, Unreadable> {
    // Names and numbers of real customers: this computer user's only, from
    // the first byte. SQLite gives the WAL and shared-memory files the mode
    // of the file itself, so it is made before SQLite opens it. (Should that
    // fail, SQLite's own error says more.)
    let _ = files::open_private(path);
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| Unreadable::Damaged)?;
    // Another copy never writes at the same time (single instance), but a
    // checkpoint or a backup tool might hold it for a moment.
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|_| Unreadable::Damaged)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|_| Unreadable::Damaged)?;
    if version > LATEST as i64 {
        return Err(Unreadable::Newer(version));
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|_| Unreadable::Damaged)?;
    if check != "ok" {
        return Err(Unreadable::Damaged);
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|_| Unreadable::Damaged)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!("history: journal mode is {mode}, not WAL");
    }
    // Ones an earlier version left readable by others.
    for file in with_sides(path) {
        let _ = files::make_private(&file);
    }
    // WAL with NORMAL is durable across an app crash (only a power cut can
    // lose the last commits); FULL also survives that, and a change is
    // rare next to a commit's cost.
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(|_| Unreadable::Damaged)?;
    migrate(&mut conn).map_err(|_| Unreadable::Damaged)?;
    Ok(conn)
}

/// Runs every migration the file has not had, each in its own transaction.
pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Renames the file (and its WAL and shared-memory files) beside itself.
/// Returns the new name.
fn set_aside(path: &Path, why: Unreadable) -> Result<PathBuf, String> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let tag = match why {
        Unreadable::Damaged => "unreadable",
        Unreadable::Newer(_) => "newer-version",
    };
    let name = path.file_name().map_or_else(
        || "history.sqlite3".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let kept = path.with_file_name(format!("{name}.{tag}-{stamp}"));
    std::fs::rename(path, &kept).map_err(|e| {
        format!(
            "it could not be read, and it could not be set aside as {} ({})",
            kept.display(),
            e.kind()
        )
    })?;
    let _ = files::make_private(&kept);
    for (side, kept_side) in with_sides(path).into_iter().zip(with_sides(&kept)).skip(1) {
        if side.exists() && std::fs::rename(&side, &kept_side).is_ok() {
            let _ = files::make_private(&kept_side);
        }
    }
    Ok(kept)
}

fn note_for(why: Unreadable, kept: &Path) -> String {
    let file = kept
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let folder = kept
        .parent()
        .map_or_else(String::new, |d| d.display().to_string());
    match why {
        Unreadable::Damaged => format!(
            "The earlier History file could not be read: it is damaged. It was kept, \
             untouched, as {file} in {folder}, and a new History was started. Your IT \
             contact may be able to recover it."
        ),
        Unreadable::Newer(v) => format!(
            "The earlier History was written by a newer version of DeepCall Desk (format {v}; \
             this version reads up to format {LATEST}). It was kept, untouched, as {file} in \
             {folder}, and a new History was started. Install the newer version again to see it."
        ),
    }
}
