//! Bulk runs as recorded batches: every row of a CSV file is written down
//! when the run starts, and gets its History entry (*sending*, committed)
//! just before it is sent. A run the app did not finish is found at the
//! next start with each row's state: not sent yet, settled, or in flight
//! when the app stopped (to be checked, never re-sent blindly).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{now_ms, AccountRef, Change, History, HistoryError, NewEntry, Outcome, Purpose};

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
}

impl History {
    /// Writes a run down: its account, the file's name, and each row (its
    /// line and the contact change it makes). Nothing is sent yet.
    pub fn create_batch(
        &self,
        account: &AccountRef,
        source: &str,
        rows: &[(u32, Change)],
    ) -> Result<i64, HistoryError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(HistoryError::write)?;
        tx.execute(
            "INSERT INTO batches (created_ms, account_id, account_name, sandbox, host, source, \
             state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running')",
            params![
                now_ms(),
                account.id,
                account.name,
                account.sandbox,
                account.host,
                source
            ],
        )
        .map_err(HistoryError::write)?;
        let batch = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO batch_rows (batch, line, number, detail) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(HistoryError::write)?;
            for (line, change) in rows {
                let detail = serde_json::to_string(change).map_err(|e| {
                    HistoryError(format!("History could not record row {line} ({e})."))
                })?;
                insert
                    .execute(params![batch, line, change.target(), detail])
                    .map_err(HistoryError::write)?;
            }
        }
        tx.commit().map_err(HistoryError::write)?;
        Ok(batch)
    }

    /// Gives row `line` of `batch` a new entry, *sending*, committed: call
    /// it just before the row's request is sent. Returns the submission to
    /// settle ([`History::settle`]).
    pub fn record_row(&self, batch: i64, line: u32, purpose: Purpose) -> Result<i64, HistoryError> {
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
                at_ms: now_ms(),
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

    /// Every row of `batch`, in the file's order, with its latest outcome.
    pub fn batch_rows(&self, batch: i64) -> Result<Vec<BatchRow>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT r.line, r.detail, r.entry, e.outcome, e.message FROM batch_rows r \
                 LEFT JOIN entries e ON e.id = r.entry WHERE r.batch = ?1 ORDER BY r.line",
            )
            .map_err(HistoryError::read)?;
        let rows = stmt
            .query_map(params![batch], |r| {
                let detail: String = r.get(1)?;
                let outcome: Option<String> = r.get(3)?;
                Ok(BatchRow {
                    line: r.get(0)?,
                    change: serde_json::from_str(&detail).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            1,
                            rusqlite::types::Type::Text,
                            e.into(),
                        )
                    })?,
                    entry: r.get(2)?,
                    outcome: outcome
                        .and_then(|o| super::parse_key(&Outcome::ALL, Outcome::key, &o)),
                    message: r.get(4)?,
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

    /// Runs the app did not finish (running or paused when it stopped):
    /// the next start offers to resume them.
    pub fn unfinished_batches(&self) -> Result<Vec<BatchSummary>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(&format!(
                "{SUMMARY} WHERE b.state IN ('running', 'paused') GROUP BY b.id ORDER BY b.id"
            ))
            .map_err(HistoryError::read)?;
        let rows = stmt
            .query_map([], read_summary)
            .map_err(HistoryError::read)?;
        rows.collect::<Result<_, _>>().map_err(HistoryError::read)
    }
}

const SUMMARY: &str = "SELECT b.id, b.created_ms, b.account_id, b.account_name, b.sandbox, \
     b.host, b.source, b.state, COUNT(r.line), \
     SUM(r.entry IS NULL), \
     SUM(e.outcome = 'confirmed'), \
     SUM(e.outcome = 'failed'), \
     SUM(e.outcome IN ('sending', 'unknown')), \
     SUM(e.outcome = 'notApplied') \
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
        let b = h.create_batch(&account, "vip.csv", &rows).unwrap();
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
        assert_eq!(h.page(&Default::default(), 0, 10).unwrap().total, 3);
    }
}
