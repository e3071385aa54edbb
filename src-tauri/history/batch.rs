//! Bulk runs as recorded batches: every row of a CSV file is written down
//! when the run starts, and gets its History entry (*sending*, committed)
//! just before it is sent. A run the app did not finish is found at the
//! next start with each row's state: not sent yet, settled, or in flight
//! when the app stopped (to be checked, never re-sent blindly).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::bulk::Separator;

use super::owner::{stale_before, ORPHANED};
use super::{
    now_ms, AccountRef, Change, ExportError, History, HistoryError, NewEntry, Outcome, Purpose,
};

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum BatchState {
    Running,
    Paused,
    Finished,
    Cancelled,
}

impl BatchState {
    const ALL: [BatchState; 4] = [
        BatchState::Running,
        BatchState::Paused,
        BatchState::Finished,
        BatchState::Cancelled,
    ];

    fn key(self) -> &'static str {
        match self {
            BatchState::Running => "running",
            BatchState::Paused => "paused",
            BatchState::Finished => "finished",
            BatchState::Cancelled => "cancelled",
        }
    }
}

/// Why a row of a run was not sent, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Held {
    /// DeepCall holds values for the contact that are neither the row's
    /// nor those from before it: someone changed it since, and the row is
    /// not sent over their change.
    ChangedSince,
    /// The row was on its way when the run stopped, and DeepCall now holds
    /// other values than the row's: whether the row never arrived or the
    /// contact was changed since cannot be told, so it is not sent over a
    /// possible newer change.
    Unsure,
    /// The row blacklists, and blacklisting was not confirmed at Resume.
    BlacklistNotConfirmed,
}

impl Held {
    const ALL: [Held; 3] = [
        Held::ChangedSince,
        Held::Unsure,
        Held::BlacklistNotConfirmed,
    ];

    fn key(self) -> &'static str {
        match self {
            Held::ChangedSince => "changedSince",
            Held::Unsure => "unsure",
            Held::BlacklistNotConfirmed => "blacklistNotConfirmed",
        }
    }

    /// The row's result in a manager's words.
    pub fn words(self) -> &'static str {
        match self {
            Held::ChangedSince => "changed since — not sent",
            Held::Unsure => "not sent — DeepCall has other values",
            Held::BlacklistNotConfirmed => "not sent — blacklisting not confirmed",
        }
    }
}

const BLACKLIST_NOT_CONFIRMED_AT_RESUME: &str = "Not sent: this row blacklists the contact, \
     and blacklisting was not confirmed again when the run was resumed.";

/// A run and how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    pub id: i64,
    pub created_ms: i64,
    pub account: AccountRef,
    /// The file's name.
    pub source: String,
    pub state: BatchState,
    pub rows: u32,
    /// Rows not sent yet.
    pub pending: u32,
    pub confirmed: u32,
    pub failed: u32,
    /// Sent, and whether DeepCall applied them is not known (yet).
    pub unknown: u32,
    pub not_applied: u32,
    /// Not sent: the contact was changed since the run started.
    pub changed_since: u32,
    /// Not sent: on its way when the run stopped, and the contact now holds
    /// other values than the row's.
    pub other_values: u32,
    /// Not sent: they blacklist, and that was not confirmed at Resume.
    pub not_confirmed: u32,
    /// Rows not settled yet (not sent, found not applied, or on their way
    /// when the run stopped) that blacklist: Resume asks about them again,
    /// since a check may send them again.
    pub blacklisting_left: u32,
    /// Why the run paused itself (the sign-in refused, DeepCall out of
    /// reach), in the manager's words.
    pub note: Option<String>,
}

/// One row of a run and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BatchRow {
    /// The row's line in the file.
    pub line: u32,
    /// What the row sets (a contact change).
    pub change: Change,
    /// Its latest History entry; `None` while it has not been sent.
    pub entry: Option<i64>,
    pub outcome: Option<Outcome>,
    pub message: Option<String>,
    /// Not sent, on purpose.
    pub held: Option<Held>,
}

/// A row a run sends: its line, its cells as the file has them (for the
/// results file), and the contact change it makes.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub line: u32,
    pub cells: Vec<String>,
    pub change: Change,
}

/// A row of the file a run does not send, and why (in the manager's words).
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    pub line: u32,
    /// The number as the preview read it, when it could.
    pub number: Option<String>,
    pub cells: Vec<String>,
    pub reason: String,
}

/// A run to write down.
#[derive(Debug, Clone, Copy)]
pub struct NewBatch<'a> {
    pub account: &'a AccountRef,
    /// The file's name (no folder).
    pub source: &'a str,
    /// What separates the file's cells: its results file uses it too.
    pub separator: Separator,
    /// The file's header row.
    pub headers: &'a [String],
    pub rows: &'a [RunRow],
    pub left_out: &'a [LeftOut],
}

/// What became of one row of the file, for the results list and file.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    pub line: u32,
    pub number: Option<String>,
    /// `None` while the row has not been sent (or when it is left out).
    pub outcome: Option<Outcome>,
    /// The preview left it out: it is never sent.
    pub left_out: bool,
    /// The result in a manager's words: "confirmed", "failed", "not sent"…
    pub words: String,
    /// Why it failed or was left out; what a check found.
    pub message: Option<String>,
}

impl RowResult {
    fn with_held(
        line: u32,
        number: Option<String>,
        outcome: Option<Outcome>,
        left_out: bool,
        held: Option<Held>,
        message: Option<String>,
    ) -> Self {
        let words = match (left_out, held, outcome) {
            (true, _, _) => "left out",
            (false, Some(h), _) => h.words(),
            (false, None, None) => "not sent",
            (false, None, Some(o)) => o.words(),
        };
        Self {
            line,
            number,
            outcome,
            left_out,
            words: words.into(),
            message,
        }
    }
}

/// A page of a run's results, in the file's order.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultPage {
    /// Rows of the file in all (sent and left out).
    pub total: u32,
    pub rows: Vec<RowResult>,
}

/// A run's file as its results file repeats it: separator and header.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub separator: Separator,
    pub headers: Vec<String>,
}

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
mod tests {
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
}
