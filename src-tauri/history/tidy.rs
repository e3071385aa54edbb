//! Keeping History from growing without end. A bulk run keeps a copy of
//! every row of its file (the cells, and the header) so its results file
//! can be saved at any time; over months of runs those copies are most of
//! the file. For runs that ended long ago the copies can be removed: each
//! row keeps its number, what it changed, its History entries and its
//! outcome, so History still lists every change and the run's counts stay
//! as they were. Only its results file can no longer be made.
//!
//! A run still running or paused is never touched: Resume needs its rows.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::{History, HistoryError};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The ages the manager may choose from, in days: a run's results file is
/// worth keeping for a while after it ends.
pub const DAY_CHOICES: [u32; 4] = [30, 90, 180, 365];

/// The age offered first.
pub const DEFAULT_DAYS: u32 = 90;

/// Runs that ended (finished, or stopped), still keep their file's rows
/// (their header is a JSON array; [`History::tidy`] makes it `null`), and
/// were last at work (started, or a row sent) before `?1`. A run's last
/// entry is its highest id, found in the index by run without reading the
/// run's other entries.
const OLD_RUNS: &str = "SELECT b.id FROM batches b \
     WHERE b.state IN ('finished', 'cancelled') AND json_type(b.headers) = 'array' \
     AND MAX(b.created_ms, COALESCE((SELECT e.at_ms FROM entries e WHERE e.id = \
         (SELECT MAX(l.id) FROM entries l WHERE l.batch = b.id)), 0)) < ?1";

/// How many rows a sample of a run's rows is: their cells' average size
/// stands for the run's, so the estimate reads a few pages, not the runs.
const SAMPLE: u32 = 100;

/// What the manager is told when a run's results file is asked for after
/// its rows were removed (the screen adds that every change is still in
/// History: see the UI's words for `Removed`).
pub const RESULTS_REMOVED: &str = "This run ended long ago, and the copy of its file's rows \
     was removed to keep History small, so its results file can no longer be made.";

/// What removing the copies of runs that ended more than `days` days ago
/// would free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TidyEstimate {
    pub days: u32,
    /// Runs whose copies would be removed.
    pub runs: u32,
    /// Rows of their files (sent and left out).
    pub rows: u32,
    /// Roughly what the copies take in History's file, in bytes.
    pub bytes: u64,
}

/// What was removed, and History's file before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Tidied {
    pub runs: u32,
    pub rows: u32,
    /// History's file before, in bytes.
    pub file_before: u64,
    /// And after (smaller by about what the copies took).
    pub file_after: u64,
}

/// The moment `days` days before `now_ms`.
fn cutoff(days: u32, now_ms: i64) -> i64 {
    now_ms - i64::from(days) * DAY_MS
}

/// What the runs [`OLD_RUNS`] finds keep. Quick on a long History: a run's
/// rows are counted by its last line (its rows are numbered by their line
/// in the file, the header being line 1), and their size is estimated from
/// a sample of [`SAMPLE`] rows.
fn estimate(conn: &Connection, days: u32, before_ms: i64) -> rusqlite::Result<TidyEstimate> {
    conn.query_row(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(rows), 0), \
             COALESCE(SUM(headers + rows * COALESCE(cells, 0)), 0) FROM ( \
               SELECT length(CAST(b.headers AS BLOB)) AS headers, \
                 MAX(COALESCE((SELECT MAX(line) FROM batch_rows WHERE batch = o.id), 1), \
                     COALESCE((SELECT MAX(line) FROM batch_skipped WHERE batch = o.id), 1)) \
                   - 1 AS rows, \
                 (SELECT AVG(length(CAST(cells AS BLOB))) FROM ( \
                    SELECT cells FROM (SELECT cells FROM batch_rows WHERE batch = o.id LIMIT ?2) \
                    UNION ALL \
                    SELECT cells FROM (SELECT cells FROM batch_skipped WHERE batch = o.id \
                      LIMIT ?2))) AS cells \
               FROM ({OLD_RUNS}) o JOIN batches b ON b.id = o.id)"
        ),
        params![before_ms, SAMPLE],
        |r| {
            Ok(TidyEstimate {
                days,
                runs: r.get(0)?,
                rows: r.get(1)?,
                bytes: r.get::<_, f64>(2)?.max(0.0) as u64,
            })
        },
    )
}

/// The file's size as SQLite sees it (its pages, the WAL's included).
fn file_bytes(conn: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok((pages * size).max(0) as u64)
}

/// Moves what the WAL holds into the file and empties the WAL.
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

impl History {
    /// What [`History::tidy`] would remove for `days`.
    pub fn tidy_estimate(&self, days: u32) -> Result<TidyEstimate, HistoryError> {
        self.tidy_estimate_at(days, super::now_ms())
    }

    pub(crate) fn tidy_estimate_at(
        &self,
        days: u32,
        now_ms: i64,
    ) -> Result<TidyEstimate, HistoryError> {
        estimate(&self.conn(), days, cutoff(days, now_ms)).map_err(HistoryError::read)
    }

    /// Removes the copy of the file's rows of every run that ended and was
    /// last at work more than `days` days ago, then gives the space back
    /// to the disk (VACUUM). Entries, numbers, changes and outcomes stay.
    pub fn tidy(&self, days: u32) -> Result<Tidied, HistoryError> {
        self.tidy_at(days, super::now_ms())
    }

    pub(crate) fn tidy_at(&self, days: u32, now_ms: i64) -> Result<Tidied, HistoryError> {
        let before_ms = cutoff(days, now_ms);
        let mut conn = self.conn();
        let file_before = file_bytes(&conn).map_err(HistoryError::read)?;
        let found = estimate(&conn, days, before_ms).map_err(HistoryError::read)?;
        if found.runs == 0 {
            return Ok(Tidied {
                runs: 0,
                rows: 0,
                file_before,
                file_after: file_before,
            });
        }
        let tx = conn.transaction().map_err(not_removed)?;
        // The header last: the other two find the runs by it.
        let mut changed = [0; 3];
        for (n, sql) in changed.iter_mut().zip([
            format!("UPDATE batch_rows SET cells = '[]' WHERE batch IN ({OLD_RUNS})"),
            format!("UPDATE batch_skipped SET cells = '[]' WHERE batch IN ({OLD_RUNS})"),
            format!("UPDATE batches SET headers = 'null' WHERE id IN ({OLD_RUNS})"),
        ]) {
            *n = tx.execute(&sql, params![before_ms]).map_err(not_removed)? as u32;
        }
        tx.commit().map_err(not_removed)?;
        let [rows, skipped, runs] = changed;
        tracing::info!(
            "history: removed the file rows of {runs} run(s), {} row(s)",
            rows + skipped
        );
        // In WAL mode VACUUM writes the new file through the WAL: empty it
        // first, so the copy is not made beside a full WAL, and after, so
        // the file on disk is the smaller one. The copies are gone either
        // way; should this fail (a full disk), SQLite reuses their space.
        let shrunk = checkpoint(&conn)
            .and_then(|()| conn.execute_batch("VACUUM"))
            .and_then(|()| checkpoint(&conn));
        if let Err(e) = shrunk {
            tracing::warn!("history: the file could not be made smaller: {e}");
        }
        Ok(Tidied {
            runs,
            rows: rows + skipped,
            file_before,
            file_after: file_bytes(&conn).map_err(HistoryError::read)?,
        })
    }
}

fn not_removed(e: rusqlite::Error) -> HistoryError {
    tracing::error!("history: tidying failed: {e}");
    let (cause, advice) = super::error::cause_and_advice(&e);
    HistoryError(format!(
        "The copies could not be removed ({cause}); History is as it was. {advice}"
    ))
}

#[cfg(test)]
mod tests;
