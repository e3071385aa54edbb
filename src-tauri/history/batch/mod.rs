//! Bulk runs as recorded batches: every row of a CSV file is written down
//! when the run starts, and gets its History entry (*sending*, committed)
//! just before it is sent. A run the app did not finish is found at the
//! next start with each row's state: not sent yet, settled, or in flight
//! when the app stopped (to be checked, never re-sent blindly).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::csv_guard::Separator;

use super::owner::{stale_before, ORPHANED};
use super::{
    now_ms, AccountRef, Change, ExportError, History, HistoryError, NewEntry, Outcome, Purpose,
};

mod model;

pub use model::*;

/// How many of a run's rows are read at a time for its results file: the
/// file is written as they come, and other History work goes on between.
const RESULTS_AT_A_TIME: u32 = 500;

/// A run's rows are kept by their line: two rows on one line would make
/// the run impossible to record. The file reader numbers each row on a
/// later line than the one before, so this only names a mistake plainly
/// instead of as a write failure.
fn one_row_per_line(new: &NewBatch<'_>) -> Result<(), HistoryError> {
    let mut seen = std::collections::HashSet::new();
    let lines = new.rows.iter().map(|r| r.line);
    match lines
        .chain(new.left_out.iter().map(|r| r.line))
        .find(|&line| !seen.insert(line))
    {
        Some(line) => Err(HistoryError(format!(
            "Two rows of this file were read as row {line}, so nothing was sent. Save the \
             file again from your spreadsheet as “CSV UTF-8” and choose it again."
        ))),
        None => Ok(()),
    }
}

fn json_of<T: Serialize>(value: &T, line: u32) -> Result<String, HistoryError> {
    serde_json::to_string(value)
        .map_err(|e| HistoryError(format!("History could not record row {line} ({e}).")))
}

fn bad_json(col: usize, e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, e.into())
}

/// Both kinds of row of a run after line `?2`, in the file's order: the
/// sent ones with their latest entry's outcome (or why they are held), then
/// the left-out ones.
const RESULTS: &str = "SELECT r.line, r.number, e.outcome, 0, \
     COALESCE(r.held_message, e.message), r.cells, r.held \
     FROM batch_rows r LEFT JOIN entries e ON e.id = r.entry WHERE r.batch = ?1 AND r.line > ?2 \
     UNION ALL SELECT s.line, s.number, NULL, 1, s.reason, s.cells, NULL FROM batch_skipped s \
     WHERE s.batch = ?1 AND s.line > ?2 ORDER BY 1";

fn read_result(r: &rusqlite::Row<'_>) -> rusqlite::Result<(RowResult, String)> {
    let outcome: Option<String> = r.get(2)?;
    let held: Option<String> = r.get(6)?;
    Ok((
        RowResult::with_held(
            r.get(0)?,
            r.get(1)?,
            outcome.and_then(|o| super::parse_key(&Outcome::ALL, Outcome::key, &o)),
            r.get(3)?,
            held.and_then(|h| super::parse_key(&Held::ALL, Held::key, &h)),
            r.get(4)?,
        ),
        r.get(5)?,
    ))
}

impl History {
    /// Writes a run down: its account, the file's name and header, each
    /// row it sends (line, cells, the contact change) and each row it
    /// leaves out. Nothing is sent yet.
    pub fn create_batch(&self, new: &NewBatch<'_>) -> Result<i64, HistoryError> {
        self.create_batch_at(new, now_ms())
    }

    pub(crate) fn create_batch_at(
        &self,
        new: &NewBatch<'_>,
        created_ms: i64,
    ) -> Result<i64, HistoryError> {
        one_row_per_line(new)?;
        let account = new.account;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(HistoryError::write)?;
        tx.execute(
            "INSERT INTO batches (created_ms, account_id, account_name, sandbox, host, source, \
             state, headers, separator) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8)",
            params![
                created_ms,
                account.id,
                account.name,
                account.sandbox,
                account.host,
                new.source,
                json_of(&new.headers, 1)?,
                new.separator.shown(),
            ],
        )
        .map_err(HistoryError::write)?;
        let batch = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO batch_rows (batch, line, number, detail, cells, blacklists) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(HistoryError::write)?;
            for row in new.rows {
                insert
                    .execute(params![
                        batch,
                        row.line,
                        row.change.target(),
                        json_of(&row.change, row.line)?,
                        json_of(&row.cells, row.line)?,
                        row.change.blacklists(),
                    ])
                    .map_err(HistoryError::write)?;
            }
            let mut skip = tx
                .prepare_cached(
                    "INSERT INTO batch_skipped (batch, line, number, cells, reason) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(HistoryError::write)?;
            for row in new.left_out {
                skip.execute(params![
                    batch,
                    row.line,
                    row.number,
                    json_of(&row.cells, row.line)?,
                    row.reason,
                ])
                .map_err(HistoryError::write)?;
            }
        }
        tx.commit().map_err(HistoryError::write)?;
        Ok(batch)
    }

    /// `limit` rows of the run's results from `offset`, in the file's order.
    pub fn batch_results(
        &self,
        batch: i64,
        offset: u32,
        limit: u32,
    ) -> Result<ResultPage, HistoryError> {
        let conn = self.conn();
        let total: u32 = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM batch_rows WHERE batch = ?1) \
                 + (SELECT COUNT(*) FROM batch_skipped WHERE batch = ?1)",
                params![batch],
                |r| r.get(0),
            )
            .map_err(HistoryError::read)?;
        let mut stmt = conn
            .prepare_cached(&format!("{RESULTS} LIMIT ?3 OFFSET ?4"))
            .map_err(HistoryError::read)?;
        let rows = stmt
            .query_map(params![batch, 0, limit.min(1000), offset], |r| {
                read_result(r).map(|(row, _)| row)
            })
            .map_err(HistoryError::read)?
            .collect::<Result<_, _>>()
            .map_err(HistoryError::read)?;
        Ok(ResultPage { total, rows })
    }

    /// The run's separator and header; `None` once its file's rows were
    /// removed ([`History::tidy`]): its results file can no longer be made.
    pub fn batch_columns(&self, batch: i64) -> Result<Option<Columns>, HistoryError> {
        let (headers, separator): (String, String) = self
            .conn()
            .query_row(
                "SELECT headers, separator FROM batches WHERE id = ?1",
                params![batch],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(HistoryError::read)?;
        let separator = if separator == Separator::Semicolon.shown() {
            Separator::Semicolon
        } else {
            Separator::Comma
        };
        let headers: Option<Vec<String>> = serde_json::from_str(&headers)
            .map_err(|e| HistoryError(format!("This run's columns cannot be read ({e}).")))?;
        Ok(headers.map(|headers| Columns { separator, headers }))
    }

    /// Hands every row's cells and result to `each`, in the file's order,
    /// a few hundred rows read at a time. Returns how many rows there were.
    pub fn each_result(
        &self,
        batch: i64,
        mut each: impl FnMut(&[String], &RowResult) -> std::io::Result<()>,
    ) -> Result<u32, ExportError> {
        let mut after = 0;
        let mut count = 0;
        loop {
            let chunk: Vec<(RowResult, String)> = {
                let conn = self.conn();
                let mut stmt = conn
                    .prepare_cached(&format!("{RESULTS} LIMIT ?3"))
                    .map_err(HistoryError::read)?;
                let rows = stmt
                    .query_map(params![batch, after, RESULTS_AT_A_TIME], read_result)
                    .map_err(HistoryError::read)?;
                rows.collect::<Result<_, _>>().map_err(HistoryError::read)?
            };
            let Some((last, _)) = chunk.last() else {
                return Ok(count);
            };
            after = last.line;
            for (row, cells) in &chunk {
                let cells: Vec<String> = serde_json::from_str(cells).map_err(|e| {
                    HistoryError(format!(
                        "Row {} of this run cannot be read ({e}).",
                        row.line
                    ))
                })?;
                each(&cells, row)?;
                count += 1;
            }
        }
    }

    /// Gives row `line` of `batch` a new entry, *sending*, committed: call
    /// it just before the row's request is sent. Returns the submission to
    /// settle ([`History::settle`]).
    pub fn record_row(&self, batch: i64, line: u32, purpose: Purpose) -> Result<i64, HistoryError> {
        self.record_row_at(batch, line, purpose, now_ms())
    }

    pub(crate) fn record_row_at(
        &self,
        batch: i64,
        line: u32,
        purpose: Purpose,
        at_ms: i64,
    ) -> Result<i64, HistoryError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(HistoryError::write)?;
        let (detail, account) = tx
            .query_row(
                "SELECT r.detail, b.account_id, b.account_name, b.sandbox, b.host \
                 FROM batch_rows r JOIN batches b ON b.id = r.batch \
                 WHERE r.batch = ?1 AND r.line = ?2",
                params![batch, line],
                |r| Ok((r.get::<_, String>(0)?, AccountRef::read(r, 1)?)),
            )
            .map_err(HistoryError::read)?;
        let change: Change = serde_json::from_str(&detail)
            .map_err(|e| HistoryError(format!("Row {line} of this run cannot be read ({e}).")))?;
        let id = super::insert(
            &tx,
            NewEntry {
                account: &account,
                purpose,
                change: &change,
                at_ms,
                submission: None,
                outcome: Outcome::Sending,
                batch: Some(batch),
            },
        )?;
        tx.execute(
            "UPDATE batch_rows SET entry = ?3 WHERE batch = ?1 AND line = ?2",
            params![batch, line, id],
        )
        .map_err(HistoryError::write)?;
        tx.commit().map_err(HistoryError::write)?;
        Ok(id)
    }

    pub fn set_batch_state(&self, batch: i64, state: BatchState) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batches SET state = ?2 WHERE id = ?1",
                params![batch, state.key()],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// Says why the run paused itself (`None` clears it, at Resume).
    pub fn set_batch_note(&self, batch: i64, note: Option<&str>) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batches SET note = ?2 WHERE id = ?1",
                params![batch, note],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// Row `line` of `batch` is not sent, for `held`'s reason, said in
    /// `message`. It stays so: a later Resume does not send it either.
    pub fn hold_row(
        &self,
        batch: i64,
        line: u32,
        held: Held,
        message: &str,
    ) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batch_rows SET held = ?3, held_message = ?4 WHERE batch = ?1 AND line = ?2",
                params![batch, line, held.key(), message],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// Rows still to send that blacklist are not sent: the manager did not
    /// confirm blacklisting again at Resume.
    pub fn hold_blacklisting(&self, batch: i64) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batch_rows SET held = 'blacklistNotConfirmed', held_message = ?2 \
                 WHERE batch = ?1 AND blacklists AND held IS NULL AND (entry IS NULL \
                 OR entry IN (SELECT id FROM entries WHERE outcome IN \
                 ('notApplied', 'sending', 'unknown')))",
                params![batch, BLACKLIST_NOT_CONFIRMED_AT_RESUME],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// Keeps what a read found the row's fields to hold before it is sent
    /// (its change's `before` values): later checks, and History's entries
    /// for it, compare with them.
    pub fn set_row_change(
        &self,
        batch: i64,
        line: u32,
        change: &Change,
    ) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batch_rows SET detail = ?3 WHERE batch = ?1 AND line = ?2",
                params![batch, line, json_of(change, line)?],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// When this computer last sent another change to contact `number`,
    /// on `batch`'s account (from any screen, or another run), at or after
    /// `since_ms`, that may have been applied: a row of `batch` is then
    /// not sent over it.
    pub fn changed_elsewhere(
        &self,
        batch: i64,
        number: &str,
        since_ms: i64,
    ) -> Result<Option<i64>, HistoryError> {
        self.conn()
            .query_row(
                "SELECT MAX(e.at_ms) FROM entries e JOIN batches b ON b.id = ?1 \
                 WHERE e.kind = 'contacts' AND e.target = ?2 AND e.at_ms >= ?3 \
                 AND e.account_id = b.account_id AND e.host = b.host \
                 AND (e.batch IS NULL OR e.batch != ?1) \
                 AND e.outcome NOT IN ('failed', 'notApplied')",
                params![batch, number, since_ms],
                |r| r.get(0),
            )
            .map_err(HistoryError::read)
    }

    /// Every row of `batch`, in the file's order, with its latest outcome.
    pub fn batch_rows(&self, batch: i64) -> Result<Vec<BatchRow>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT r.line, r.detail, r.entry, e.outcome, e.message, r.held FROM batch_rows r \
                 LEFT JOIN entries e ON e.id = r.entry WHERE r.batch = ?1 ORDER BY r.line",
            )
            .map_err(HistoryError::read)?;
        let rows = stmt
            .query_map(params![batch], |r| {
                let detail: String = r.get(1)?;
                let outcome: Option<String> = r.get(3)?;
                let held: Option<String> = r.get(5)?;
                Ok(BatchRow {
                    line: r.get(0)?,
                    change: serde_json::from_str(&detail).map_err(|e| bad_json(1, e))?,
                    entry: r.get(2)?,
                    outcome: outcome
                        .and_then(|o| super::parse_key(&Outcome::ALL, Outcome::key, &o)),
                    message: r.get(4)?,
                    held: held.and_then(|h| super::parse_key(&Held::ALL, Held::key, &h)),
                })
            })
            .map_err(HistoryError::read)?;
        rows.collect::<Result<_, _>>().map_err(HistoryError::read)
    }

    /// A run with its counts.
    pub fn batch(&self, batch: i64) -> Result<Option<BatchSummary>, HistoryError> {
        self.conn()
            .query_row(
                &format!("{SUMMARY} WHERE b.id = ?1 GROUP BY b.id"),
                params![batch],
                read_summary,
            )
            .optional()
            .map_err(HistoryError::read)
    }

    /// Runs not finished (running or paused when the app stopped, or
    /// paused now) that no other copy of the app is sending: Resume is
    /// offered for them.
    pub fn unfinished_batches(&self) -> Result<Vec<BatchSummary>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(&format!(
                "{SUMMARY} WHERE b.state IN ('running', 'paused') AND {ORPHANED} \
                 GROUP BY b.id ORDER BY b.id"
            ))
            .map_err(HistoryError::read)?;
        let rows = stmt
            .query_map(params![self.owner(), stale_before(now_ms())], read_summary)
            .map_err(HistoryError::read)?;
        rows.collect::<Result<_, _>>().map_err(HistoryError::read)
    }
}

/// A row's counts: a held row counts as held, whatever its last entry.
const SUMMARY: &str = "SELECT b.id, b.created_ms, b.account_id, b.account_name, b.sandbox, \
     b.host, b.source, b.state, COUNT(r.line), \
     SUM(r.entry IS NULL AND r.held IS NULL), \
     SUM(e.outcome = 'confirmed' AND r.held IS NULL), \
     SUM(e.outcome = 'failed' AND r.held IS NULL), \
     SUM(e.outcome IN ('sending', 'unknown') AND r.held IS NULL), \
     SUM(e.outcome = 'notApplied' AND r.held IS NULL), \
     SUM(r.held = 'changedSince'), \
     SUM(r.held = 'unsure'), \
     SUM(r.held = 'blacklistNotConfirmed'), \
     SUM((r.entry IS NULL OR e.outcome IN ('notApplied', 'sending', 'unknown')) \
         AND r.held IS NULL AND r.blacklists), \
     b.note \
     FROM batches b LEFT JOIN batch_rows r ON r.batch = b.id \
     LEFT JOIN entries e ON e.id = r.entry";

fn read_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<BatchSummary> {
    let state: String = r.get(7)?;
    let count =
        |i: usize| -> rusqlite::Result<u32> { Ok(r.get::<_, Option<u32>>(i)?.unwrap_or(0)) };
    Ok(BatchSummary {
        id: r.get(0)?,
        created_ms: r.get(1)?,
        account: AccountRef::read(r, 2)?,
        source: r.get(6)?,
        state: super::parse_key(&BatchState::ALL, BatchState::key, &state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                7,
                rusqlite::types::Type::Text,
                format!("unknown batch state {state}").into(),
            )
        })?,
        rows: count(8)?,
        pending: count(9)?,
        confirmed: count(10)?,
        failed: count(11)?,
        unknown: count(12)?,
        not_applied: count(13)?,
        changed_since: count(14)?,
        other_values: count(15)?,
        not_confirmed: count(16)?,
        blacklisting_left: count(17)?,
        note: r.get(18)?,
    })
}

#[cfg(test)]
mod tests;
