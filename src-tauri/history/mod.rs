//! History: every change this computer sent to DeepCall, in a SQLite file
//! in the app's data folder. No Tauri here.
//!
//! A change is written down (outcome *sending*, committed) before its request
//! leaves, and settled when the answer comes ([`send`]). An entry still
//! *sending* when the app starts was cut off by a crash or a closed window:
//! it becomes *outcome unknown*, and only re-reading DeepCall ([`check`])
//! settles it. Nothing here ever re-sends a change.

pub mod batch;
pub mod check;
mod error;
mod export;
mod lock;
mod open;
mod owner;
pub mod run;
pub mod sample;
mod schema;
pub mod send;
mod set_aside;
pub mod tidy;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::deepcall::directory::form::FieldChange;

pub use error::HistoryError;
pub use export::{entries_csv, ExportError};
pub use owner::SENT_ELSEWHERE;

/// The file's name in the app's data folder.
pub const FILE_NAME: &str = "history.sqlite3";

/// The account id the Sandbox's own entries are kept under.
pub const SANDBOX_ACCOUNT: &str = "sandbox";

/// Which screen a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Who receives a group's calls.
    Groups,
    /// A contact's record.
    Contacts,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Groups => "groups",
            Kind::Contacts => "contacts",
        }
    }
}

/// Why the manager sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Purpose {
    /// A change made on its screen.
    Change,
    /// Undo, offered just after a change of who receives calls.
    Undo,
    /// A change tried again from History.
    TryAgain,
    /// A contact change reverted from History.
    Revert,
    /// A bulk row sent again within its run: the answer to the first
    /// request was lost, and DeepCall could not be asked whether it applied.
    Resend,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [
        Purpose::Change,
        Purpose::Undo,
        Purpose::TryAgain,
        Purpose::Revert,
        Purpose::Resend,
    ];

    fn key(self) -> &'static str {
        match self {
            Purpose::Change => "change",
            Purpose::Undo => "undo",
            Purpose::TryAgain => "tryAgain",
            Purpose::Revert => "revert",
            Purpose::Resend => "resend",
        }
    }

    /// As the History list and its export word it: "" for a plain change.
    pub fn words(self) -> &'static str {
        match self {
            Purpose::Change => "",
            Purpose::Undo => "Undo",
            Purpose::TryAgain => "Tried again",
            Purpose::Revert => "Revert",
            Purpose::Resend => "Sent again (answer lost)",
        }
    }
}

/// How a change ended, as far as this computer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Written down; its request is on its way (or the app stopped meanwhile).
    Sending,
    /// DeepCall accepted it (and, for a group, a fresh read shows it).
    Confirmed,
    /// DeepCall refused it, or it never reached DeepCall.
    Failed,
    /// It was sent, but whether DeepCall applied it is not known.
    Unknown,
    /// Sent, but DeepCall does not have it: a fresh read shows the old value.
    NotApplied,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Sending,
        Outcome::Confirmed,
        Outcome::Failed,
        Outcome::Unknown,
        Outcome::NotApplied,
    ];

    fn key(self) -> &'static str {
        match self {
            Outcome::Sending => "sending",
            Outcome::Confirmed => "confirmed",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
            Outcome::NotApplied => "notApplied",
        }
    }

    /// The outcome in a manager's words.
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Sending => "sending",
            Outcome::Confirmed => "confirmed",
            Outcome::Failed => "failed",
            Outcome::Unknown => "outcome unknown",
            Outcome::NotApplied => "not applied",
        }
    }

    /// Whether a fresh read of DeepCall could settle it.
    pub fn can_check(self) -> bool {
        matches!(self, Outcome::Unknown)
    }
}

/// An outcome and its words, for the History screen's filter and list.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct OutcomeWords {
    pub outcome: Outcome,
    pub words: &'static str,
}

/// Every outcome with its words, in the filter's order.
pub fn outcome_words() -> Vec<OutcomeWords> {
    Outcome::ALL
        .map(|outcome| OutcomeWords {
            outcome,
            words: outcome.words(),
        })
        .to_vec()
}

/// A purpose and its words, for the History list's sentences.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct PurposeWords {
    pub purpose: Purpose,
    pub words: &'static str,
}

/// Every purpose with its words ("" for a plain change).
pub fn purpose_words() -> Vec<PurposeWords> {
    Purpose::ALL
        .map(|purpose| PurposeWords {
            purpose,
            words: purpose.words(),
        })
        .to_vec()
}

fn parse_key<T: Copy>(all: &[T], key: fn(T) -> &'static str, text: &str) -> Option<T> {
    all.iter().copied().find(|v| key(*v) == text)
}

/// The account a change was sent with: never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    /// The account's id on this computer, or [`SANDBOX_ACCOUNT`].
    pub id: String,
    pub name: String,
    pub sandbox: bool,
    /// The DeepCall address (no credentials).
    pub host: String,
}

impl AccountRef {
    /// The account in four columns of `row` (id, name, sandbox, host), from `first`.
    fn read(row: &Row<'_>, first: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(first)?,
            name: row.get(first + 1)?,
            sandbox: row.get(first + 2)?,
            host: row.get(first + 3)?,
        })
    }

    pub fn sandbox(host: &str) -> Self {
        Self {
            id: SANDBOX_ACCOUNT.into(),
            name: "Sandbox".into(),
            sandbox: true,
            host: host.into(),
        }
    }
}

/// What one entry changed, with the values before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Change {
    /// Whether one member receives a group's calls.
    #[serde(rename_all = "camelCase")]
    Receiving {
        group: u64,
        group_name: String,
        agent_id: u64,
        agent_name: Option<String>,
        /// As DeepCall had it when the change was planned.
        before: Option<bool>,
        after: bool,
    },
    /// One `Directory/update`: every field it changed.
    #[serde(rename_all = "camelCase")]
    Contact {
        /// Digits, as DeepCall keys the contact.
        number: String,
        name: Option<String>,
        changes: Vec<FieldChange>,
    },
}

impl Change {
    pub fn kind(&self) -> Kind {
        match self {
            Change::Receiving { .. } => Kind::Groups,
            Change::Contact { .. } => Kind::Contacts,
        }
    }

    /// The group number, or the contact's number.
    pub fn target(&self) -> String {
        match self {
            Change::Receiving { group, .. } => group.to_string(),
            Change::Contact { number, .. } => number.clone(),
        }
    }

    /// What search looks through, in lower case.
    fn search_text(&self) -> String {
        match self {
            Change::Receiving {
                group,
                group_name,
                agent_id,
                agent_name,
                ..
            } => format!(
                "{group} {group_name} #{agent_id} {}",
                agent_name.as_deref().unwrap_or("")
            ),
            Change::Contact { number, name, .. } => {
                format!("{number} {}", name.as_deref().unwrap_or(""))
            }
        }
        .to_lowercase()
    }

    /// Whether it turns a contact's blacklist on.
    pub fn blacklists(&self) -> bool {
        match self {
            Change::Receiving { .. } => false,
            Change::Contact { changes, .. } => {
                crate::deepcall::directory::form::blacklists(changes)
            }
        }
    }

    /// Whether reverting would put back at least one known value.
    pub fn can_revert(&self) -> bool {
        match self {
            Change::Receiving { .. } => false,
            Change::Contact { changes, .. } => changes
                .iter()
                .any(|c| c.before != crate::deepcall::directory::field::FieldValue::NotKnown),
        }
    }
}

/// One recorded change, as the History screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: i64,
    /// Entries sent in one request share this (the first one's id).
    pub submission: i64,
    /// When it was recorded, in milliseconds since 1970 (UTC).
    pub at_ms: i64,
    /// When its outcome was last settled.
    pub resolved_ms: Option<i64>,
    pub account: AccountRef,
    pub purpose: Purpose,
    pub change: Change,
    pub outcome: Outcome,
    /// Why it failed (DeepCall's words), or what a check found.
    pub message: Option<String>,
    /// What the screen offers for it.
    pub can_check: bool,
    pub can_try_again: bool,
    pub can_revert: bool,
}

/// Which entries to show. Every filter left empty shows every entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct Query {
    /// An account id, or [`SANDBOX_ACCOUNT`].
    pub account: Option<String>,
    pub kind: Option<Kind>,
    pub outcome: Option<Outcome>,
    /// From this moment (ms since 1970, UTC), inclusive.
    pub from_ms: Option<i64>,
    /// Before this moment, exclusive.
    pub to_ms: Option<i64>,
    /// A number, a name or a group, any part of it, in any case.
    pub search: String,
}

/// One screenful of entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// How many entries match the query.
    pub total: u32,
    /// From `offset`, at most `limit` of them.
    pub offset: u32,
    pub entries: Vec<Entry>,
}

/// The History file, open. Cheap to clone; every call blocks on the disk,
/// so async callers run it off the async threads (see [`send`]).
#[derive(Clone)]
pub struct History(Arc<Inner>);

struct Inner {
    conn: Mutex<Connection>,
    /// The file, for its notes (`None` in memory).
    path: Option<PathBuf>,
    /// Said to the manager until seen: files set aside at opening.
    notes: Mutex<Option<String>>,
    /// Entries found *sending* at opening, now *outcome unknown*.
    interrupted: u32,
    /// This opening of History: which copy of the app sends a bulk run.
    owner: String,
    /// History is this process's while held.
    _lock: Option<lock::Lock>,
}

/// Milliseconds since 1970, UTC.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

const COLUMNS: &str = "id, submission, at_ms, resolved_ms, account_id, account_name, sandbox, \
                       host, purpose, detail, outcome, message";

const INTERRUPTED: &str = "DeepCall Desk stopped before DeepCall answered, so whether this \
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

    fn from_connection(
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

    fn conn(&self) -> MutexGuard<'_, Connection> {
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

    fn set_outcome(
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
struct NewEntry<'a> {
    account: &'a AccountRef,
    purpose: Purpose,
    change: &'a Change,
    at_ms: i64,
    /// The submission it belongs to; `None`: its own.
    submission: Option<i64>,
    outcome: Outcome,
    /// The bulk run it is a row of.
    batch: Option<i64>,
}

/// Inserts one entry. Returns its id.
fn insert(tx: &rusqlite::Transaction<'_>, e: NewEntry<'_>) -> Result<i64, HistoryError> {
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
            e.change.search_text(),
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

fn select(conn: &Connection, sql: &str, args: &[SqlValue]) -> Result<Vec<Entry>, HistoryError> {
    let mut stmt = conn.prepare_cached(sql).map_err(HistoryError::read)?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), read_entry)
        .map_err(HistoryError::read)?;
    rows.collect::<Result<_, _>>().map_err(HistoryError::read)
}

/// `LIKE` text for `text` anywhere, with `%`, `_` and `\` taken literally.
fn anywhere(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn where_clause(q: &Query) -> (String, Vec<SqlValue>) {
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

fn read_entry(r: &Row<'_>) -> rusqlite::Result<Entry> {
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
        change,
        outcome,
        message: r.get(11)?,
    })
}

#[cfg(test)]
mod tests;
