//! Opening the History file: its lock, SQLite's own checks, the
//! migrations, and telling a damaged file from one that cannot be opened
//! now.
//!
//! Only proof of damage (SQLite says the file is not a database or is
//! corrupt, or its integrity check fails) sets a file aside and starts a
//! new one. Anything else (busy, locked, an I/O error, a full disk, a file
//! that may not be written, a newer version's format, a migration that
//! failed) leaves the file as it is, with its unfinished runs and unknown
//! outcomes, and nothing is sent until it opens: the manager is told why.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::lock::{self, Lock, NotLocked};
use super::set_aside::{self, with_sides};
use super::{schema, HistoryError};
use crate::files;

/// How long an open waits for a backup tool or a checkpoint holding the
/// file for a moment.
const BUSY_WAIT: Duration = Duration::from_secs(5);

/// The History file, open and migrated to [`schema::LATEST`].
pub(super) struct Opened {
    pub conn: Connection,
    /// `None` where the file system cannot lock.
    pub lock: Option<Lock>,
    /// Notes about set-aside files the manager has not seen yet.
    pub notes: Option<String>,
}

/// Why a file did not open.
enum Failure {
    /// Proven damage: set it aside.
    Damaged,
    /// Anything else: leave it, send nothing, say why.
    Refused(HistoryError),
}

/// Opens (creating) the History file at `path`, having taken its lock.
pub(super) fn open(path: &Path) -> Result<Opened, HistoryError> {
    if let Some(dir) = path.parent() {
        files::create_private_dir(dir).map_err(|e| HistoryError::folder(dir, &e))?;
    }
    let lock = lock::take(path).map_err(|why| match why {
        NotLocked::Held => {
            tracing::warn!("history: held by another copy of the app");
            HistoryError::another_copy()
        }
        NotLocked::Unopenable(e) => {
            HistoryError::folder(path.parent().unwrap_or(Path::new(".")), &e)
        }
    })?;
    let conn = match checked(path) {
        Ok(conn) => conn,
        Err(Failure::Refused(e)) => return Err(e),
        Err(Failure::Damaged) => {
            set_aside::set_aside(path)?;
            checked(path).map_err(|f| match f {
                Failure::Refused(e) => e,
                Failure::Damaged => HistoryError::cannot_open(
                    "its file was damaged and set aside, and a new one could not be started",
                    "Tell your IT contact: the disk may be failing.",
                ),
            })?
        }
    };
    Ok(Opened {
        conn,
        lock,
        notes: set_aside::read_notes(path),
    })
}

/// Damage, or the error's own words.
fn failure(e: rusqlite::Error) -> Failure {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::NotADatabase | C::DatabaseCorrupt) => {
            tracing::error!("history: damaged: {e}");
            Failure::Damaged
        }
        _ => Failure::Refused(HistoryError::not_opened(&e)),
    }
}

fn checked(path: &Path) -> Result<Connection, Failure> {
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
    .map_err(failure)?;
    conn.busy_timeout(BUSY_WAIT).map_err(failure)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(failure)?;
    if version > schema::LATEST as i64 {
        tracing::warn!("history: format {version}, newer than {}", schema::LATEST);
        return Err(Failure::Refused(HistoryError::newer(
            version,
            schema::LATEST,
        )));
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(failure)?;
    if check != "ok" {
        tracing::error!("history: integrity check: {check}");
        return Err(Failure::Damaged);
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(failure)?;
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
        .map_err(failure)?;
    // Each migration is one transaction: one that fails leaves the file as
    // the earlier version wrote it.
    schema::migrate(&mut conn).map_err(failure)?;
    Ok(conn)
}
