//! History's SQLite file: writing a change down before it is sent,
//! settling it by its answer, and reading entries back.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use super::*;

/// The History file, open. Cheap to clone; every call blocks on the disk,
/// so async callers run it off the async threads (see [`send`]).
#[derive(Clone)]
pub struct History(pub(super) Arc<Inner>);

pub(super) struct Inner {
    pub(super) conn: Mutex<Connection>,
    /// The file, for its notes (`None` in memory).
    pub(super) path: Option<PathBuf>,
    /// Said to the manager until seen: files set aside at opening.
    pub(super) notes: Mutex<Option<String>>,
    /// Entries found *sending* at opening, now *outcome unknown*.
    pub(super) interrupted: u32,
    /// This opening of History: which copy of the app sends a bulk run.
    pub(super) owner: String,
    /// History is this process's while held.
    pub(super) _lock: Option<lock::Lock>,
}

/// Milliseconds since 1970, UTC.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub(super) const COLUMNS: &str =
    "id, submission, at_ms, resolved_ms, account_id, account_name, sandbox, \
                       host, purpose, detail, outcome, message";

pub(super) const INTERRUPTED: &str =
    "DeepCall Desk stopped before DeepCall answered, so whether this \
                           change was applied is not known. Check now reads DeepCall again.";

impl History {
    /// Opens the file at `path`: see [`open`] for what is set aside and
    /// what is refused. Entries left *sending* become *outcome unknown*.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        let opened = open::open(path)?;
        Self::from_connection(opened.conn, Some(path), opened.notes, opened.lock)
    }

    #[cfg(test)]
    pub(crate) fn in_memory() -> Self {
        Self::from_connection(schema::open_in_memory(), None, None, None).expect("history")
    }

    pub(super) fn from_connection(
        conn: Connection,
        path: Option<&Path>,
        notes: Option<String>,
        lock: Option<lock::Lock>,
    ) -> Result<Self, HistoryError> {
        let interrupted = conn
            .execute(
                "UPDATE entries SET outcome = 'unknown', message = ?1, resolved_ms = ?2 \
                 WHERE outcome = 'sending'",
                params![INTERRUPTED, now_ms()],
            )
            .map_err(HistoryError::write)? as u32;
        if interrupted > 0 {
            tracing::warn!("history: {interrupted} change(s) were cut off; outcome unknown");
        }
        if lock.is_some() {
            owner::all_orphaned(&conn).map_err(HistoryError::write)?;
        }
        Ok(Self(Arc::new(Inner {
            conn: Mutex::new(conn),
            path: path.map(Path::to_owned),
            notes: Mutex::new(notes),
            interrupted,
            owner: owner::new_owner(),
            _lock: lock,
        })))
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.0.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What happened to earlier files set aside, until the manager has
    /// seen it.
    pub fn note(&self) -> Option<String> {
        self.0
            .notes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The manager has seen the note: it is not shown again.
    pub fn note_seen(&self) -> Result<(), HistoryError> {
        if let Some(path) = &self.0.path {
            set_aside::seen(path)?;
        }
        *self.0.notes.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    /// How many entries were found cut off when the file was opened.
    pub fn interrupted_at_start(&self) -> u32 {
        self.0.interrupted
    }

    /// Writes `changes` down as one request's entries, *sending*, and
    /// commits them. Returns the submission to settle them by.
    pub fn record(
        &self,
        account: &AccountRef,
        purpose: Purpose,
        changes: &[Change],
    ) -> Result<i64, HistoryError> {
        self.record_at(account, purpose, changes, now_ms())
    }

    pub(crate) fn record_at(
        &self,
        account: &AccountRef,
        purpose: Purpose,
        changes: &[Change],
        at_ms: i64,
    ) -> Result<i64, HistoryError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(HistoryError::write)?;
        let mut submission = None;
        for change in changes {
            let id = insert(
                &tx,
                NewEntry {
                    account,
                    purpose,
                    change,
                    at_ms,
                    submission,
                    outcome: Outcome::Sending,
                    batch: None,
                },
            )?;
            submission.get_or_insert(id);
        }
        let submission = submission.ok_or_else(|| {
            HistoryError("There was no change to record, so nothing was sent.".into())
        })?;
        tx.commit().map_err(HistoryError::write)?;
        Ok(submission)
    }

    /// Writes entries whose outcome is already known, in one transaction,
    /// each its own submission: for benchmarks and tests that need a long
    /// History quickly (see [`sample`]).
    pub fn record_settled(&self, entries: &[Settled]) -> Result<(), HistoryError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(HistoryError::write)?;
        for e in entries {
            insert(
                &tx,
                NewEntry {
                    account: &e.account,
                    purpose: e.purpose,
                    change: &e.change,
                    at_ms: e.at_ms,
                    submission: None,
                    outcome: e.outcome,
                    batch: None,
                },
            )?;
        }
        tx.commit().map_err(HistoryError::write)
    }

    /// Settles a submission's entries that are still *sending*.
    pub fn settle(
        &self,
        submission: i64,
        outcome: Outcome,
        message: Option<&str>,
    ) -> Result<(), HistoryError> {
        self.set_outcome(
            "submission = ?1 AND outcome = 'sending'",
            submission,
            outcome,
            message,
        )
    }

    /// Settles one entry, whatever it said before (a check's finding).
    pub fn resolve(
        &self,
        id: i64,
        outcome: Outcome,
        message: Option<&str>,
    ) -> Result<(), HistoryError> {
        self.set_outcome("id = ?1", id, outcome, message)
    }

    pub(super) fn set_outcome(
        &self,
        which: &str,
        key: i64,
        outcome: Outcome,
        message: Option<&str>,
    ) -> Result<(), HistoryError> {
        let conn = self.conn();
        // An outcome need not wait for the disk: one lost to a power cut
        // leaves its entry *sending*, found *outcome unknown* at the next
        // start and settled by a fresh read, never by sending again. What is
        // recorded before a request leaves always waits (FULL): the next such
        // commit's sync takes this one to the disk too. Half the syncs of a
        // bulk run.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(HistoryError::write)?;
        let updated = conn.execute(
            &format!(
                "UPDATE entries SET outcome = ?2, message = ?3, resolved_ms = ?4 WHERE {which}"
            ),
            params![key, outcome.key(), message, now_ms()],
        );
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(HistoryError::write)?;
        updated.map_err(HistoryError::write)?;
        Ok(())
    }

    /// One entry by its id.
    pub fn entry(&self, id: i64) -> Result<Option<Entry>, HistoryError> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE id = ?1"),
                params![id],
                read_entry,
            )
            .optional()
            .map_err(HistoryError::read)
    }

    /// The entries sent in one request with `id`'s, `id`'s own included.
    pub fn sent_with(&self, id: i64) -> Result<Vec<Entry>, HistoryError> {
        select(
            &self.conn(),
            &format!(
                "SELECT {COLUMNS} FROM entries WHERE submission = \
                 (SELECT submission FROM entries WHERE id = ?1) ORDER BY id"
            ),
            &[SqlValue::Integer(id)],
        )
    }

    /// The entries `query` matches, newest first: `limit` of them from `offset`.
    pub fn page(&self, query: &Query, offset: u32, limit: u32) -> Result<Page, HistoryError> {
        let (filter, args) = where_clause(query);
        let conn = self.conn();
        let total: u32 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM entries {filter}"),
                params_from_iter(args.iter()),
                |r| r.get(0),
            )
            .map_err(HistoryError::read)?;
        let entries = select(
            &conn,
            &format!(
                "SELECT {COLUMNS} FROM entries {filter} ORDER BY at_ms DESC, id DESC \
                 LIMIT {} OFFSET {}",
                limit.min(1_000),
                offset
            ),
            &args,
        )?;
        Ok(Page {
            total,
            offset,
            entries,
        })
    }

    /// Every entry `query` matches, newest first (for the export).
    pub fn matching(&self, query: &Query) -> Result<Vec<Entry>, HistoryError> {
        let (filter, args) = where_clause(query);
        select(
            &self.conn(),
            &format!("SELECT {COLUMNS} FROM entries {filter} ORDER BY at_ms DESC, id DESC"),
            &args,
        )
    }

    /// Every account that has entries, with the name it had last.
    pub fn accounts(&self) -> Result<Vec<AccountRef>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT e.account_id, e.account_name, e.sandbox, e.host FROM entries e \
                 JOIN (SELECT account_id, MAX(id) AS last FROM entries GROUP BY account_id) l \
                 ON e.id = l.last ORDER BY e.sandbox, e.account_name",
            )
            .map_err(HistoryError::read)?;
        let rows = stmt
            .query_map([], |r| AccountRef::read(r, 0))
            .map_err(HistoryError::read)?;
        rows.collect::<Result<_, _>>().map_err(HistoryError::read)
    }

    /// How many entries are *outcome unknown* (or still *sending*).
    pub fn open_count(&self) -> Result<u32, HistoryError> {
        self.conn()
            .query_row(
                "SELECT COUNT(*) FROM entries WHERE outcome IN ('sending', 'unknown')",
                [],
                |r| r.get(0),
            )
            .map_err(HistoryError::read)
    }
}

/// An entry to write with its outcome known (see [`History::record_settled`]).
#[derive(Debug, Clone)]
pub struct Settled {
    pub account: AccountRef,
    pub purpose: Purpose,
    pub change: Change,
    pub at_ms: i64,
    pub outcome: Outcome,
}

/// One entry to insert.
pub(super) struct NewEntry<'a> {
    pub(super) account: &'a AccountRef,
    pub(super) purpose: Purpose,
    pub(super) change: &'a Change,
    pub(super) at_ms: i64,
    /// The submission it belongs to; `None`: its own.
    pub(super) submission: Option<i64>,
    pub(super) outcome: Outcome,
    /// The bulk run it is a row of.
    pub(super) batch: Option<i64>,
}

/// Inserts one entry. Returns its id.
pub(super) fn insert(tx: &rusqlite::Transaction<'_>, e: NewEntry<'_>) -> Result<i64, HistoryError> {
    let detail = serde_json::to_string(e.change).map_err(|err| {
        HistoryError(format!(
            "History could not record this change ({err}), so nothing was sent."
        ))
    })?;
    tx.prepare_cached(
        "INSERT INTO entries (submission, at_ms, account_id, account_name, sandbox, host, \
         kind, purpose, target, detail, search, outcome, batch) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .and_then(|mut insert| {
        insert.execute(params![
            e.submission.unwrap_or(0),
            e.at_ms,
            e.account.id,
            e.account.name,
            e.account.sandbox,
            e.account.host,
            e.change.kind().key(),
            e.purpose.key(),
            e.change.target(),
            detail,
            // Why it was sent is searchable too: "scheduled", "off everywhere".
            format!(
                "{} {}",
                e.change.search_text(),
                e.change.purpose_words(e.purpose).to_lowercase()
            ),
            e.outcome.key(),
            e.batch,
        ])
    })
    .map_err(HistoryError::write)?;
    let id = tx.last_insert_rowid();
    if e.submission.is_none() {
        tx.execute(
            "UPDATE entries SET submission = ?1 WHERE id = ?1",
            params![id],
        )
        .map_err(HistoryError::write)?;
    }
    Ok(id)
}

pub(super) fn select(
    conn: &Connection,
    sql: &str,
    args: &[SqlValue],
) -> Result<Vec<Entry>, HistoryError> {
    let mut stmt = conn.prepare_cached(sql).map_err(HistoryError::read)?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), read_entry)
        .map_err(HistoryError::read)?;
    rows.collect::<Result<_, _>>().map_err(HistoryError::read)
}

/// `LIKE` text for `text` anywhere, with `%`, `_` and `\` taken literally.
pub(super) fn anywhere(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub(super) fn where_clause(q: &Query) -> (String, Vec<SqlValue>) {
    let mut parts = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    let mut arg = |v: SqlValue| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(a) = &q.account {
        parts.push(format!("account_id = {}", arg(SqlValue::Text(a.clone()))));
    }
    if let Some(k) = q.kind {
        parts.push(format!("kind = {}", arg(SqlValue::Text(k.key().into()))));
    }
    if let Some(o) = q.outcome {
        parts.push(format!("outcome = {}", arg(SqlValue::Text(o.key().into()))));
    }
    if let Some(from) = q.from_ms {
        parts.push(format!("at_ms >= {}", arg(SqlValue::Integer(from))));
    }
    if let Some(to) = q.to_ms {
        parts.push(format!("at_ms < {}", arg(SqlValue::Integer(to))));
    }
    let search = q.search.trim().to_lowercase();
    if !search.is_empty() {
        // A number is found however it was typed: "98765 43210", "+91-98…".
        let digits: String = search.chars().filter(char::is_ascii_digit).collect();
        let number_like = !digits.is_empty()
            && search
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().#".contains(c));
        let text = arg(SqlValue::Text(anywhere(&search)));
        if number_like {
            let number = arg(SqlValue::Text(anywhere(&digits)));
            parts.push(format!(
                "(search LIKE {text} ESCAPE '\\' OR search LIKE {number} ESCAPE '\\')"
            ));
        } else {
            parts.push(format!("search LIKE {text} ESCAPE '\\'"));
        }
    }
    let filter = if parts.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", parts.join(" AND "))
    };
    (filter, args)
}

pub(super) fn read_entry(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let text_error = |i: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
    };
    let purpose: String = r.get(8)?;
    let purpose = parse_key(&Purpose::ALL, Purpose::key, &purpose)
        .ok_or_else(|| text_error(8, format!("unknown purpose {purpose}")))?;
    let outcome: String = r.get(10)?;
    let outcome = parse_key(&Outcome::ALL, Outcome::key, &outcome)
        .ok_or_else(|| text_error(10, format!("unknown outcome {outcome}")))?;
    let detail: String = r.get(9)?;
    let change: Change = serde_json::from_str(&detail).map_err(|e| text_error(9, e.to_string()))?;
    Ok(Entry {
        id: r.get(0)?,
        submission: r.get(1)?,
        at_ms: r.get(2)?,
        resolved_ms: r.get(3)?,
        account: AccountRef::read(r, 4)?,
        purpose,
        can_check: outcome.can_check(),
        can_try_again: matches!(
            outcome,
            Outcome::Failed | Outcome::Unknown | Outcome::NotApplied
        ),
        can_revert: outcome == Outcome::Confirmed && change.can_revert(),
        purpose_words: change.purpose_words(purpose),
        change,
        outcome,
        message: r.get(11)?,
    })
}
