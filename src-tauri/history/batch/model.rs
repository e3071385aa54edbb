//! What a recorded run is: its state, its rows, those it left out and
//! why, and each row's result.

use serde::Serialize;

use crate::csv_guard::Separator;

use super::super::{AccountRef, Change, Outcome};

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
    pub(super) const ALL: [BatchState; 4] = [
        BatchState::Running,
        BatchState::Paused,
        BatchState::Finished,
        BatchState::Cancelled,
    ];

    pub(super) fn key(self) -> &'static str {
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
    pub(super) const ALL: [Held; 3] = [
        Held::ChangedSince,
        Held::Unsure,
        Held::BlacklistNotConfirmed,
    ];

    pub(super) fn key(self) -> &'static str {
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

pub(super) const BLACKLIST_NOT_CONFIRMED_AT_RESUME: &str =
    "Not sent: this row blacklists the contact, \
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
    pub(super) fn with_held(
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
