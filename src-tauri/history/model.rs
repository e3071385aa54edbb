//! What History records: a change and what kind it is, why it was sent,
//! what came of it, and who sent it; how a page of entries is asked for.

use rusqlite::Row;
use serde::{Deserialize, Serialize};

use crate::deepcall::directory::form::FieldChange;

use super::*;

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
    pub(super) fn key(self) -> &'static str {
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
    /// A line-up the manager applied (its name is in the change).
    Lineup,
    /// A line-up applied on its schedule.
    Scheduled,
    /// One agent switched off in every group (on leave).
    OffEverywhere,
    /// One agent put back as they were before "Off everywhere".
    BackAsBefore,
}

impl Purpose {
    pub const ALL: [Purpose; 9] = [
        Purpose::Change,
        Purpose::Undo,
        Purpose::TryAgain,
        Purpose::Revert,
        Purpose::Resend,
        Purpose::Lineup,
        Purpose::Scheduled,
        Purpose::OffEverywhere,
        Purpose::BackAsBefore,
    ];

    pub(super) fn key(self) -> &'static str {
        match self {
            Purpose::Change => "change",
            Purpose::Undo => "undo",
            Purpose::TryAgain => "tryAgain",
            Purpose::Revert => "revert",
            Purpose::Resend => "resend",
            Purpose::Lineup => "lineup",
            Purpose::Scheduled => "scheduled",
            Purpose::OffEverywhere => "offEverywhere",
            Purpose::BackAsBefore => "backAsBefore",
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
            Purpose::Lineup => "Line-up",
            Purpose::Scheduled => "Scheduled line-up",
            Purpose::OffEverywhere => "Off everywhere",
            Purpose::BackAsBefore => "Back as before",
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

    pub(super) fn key(self) -> &'static str {
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

pub(super) fn parse_key<T: Copy>(all: &[T], key: fn(T) -> &'static str, text: &str) -> Option<T> {
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
    pub(super) fn read(row: &Row<'_>, first: usize) -> rusqlite::Result<Self> {
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
        /// The line-up it was part of, when a line-up sent it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lineup: Option<String>,
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

    /// What search looks through, in lower case (with why it was sent:
    /// [`Change::purpose_words`], which names a line-up).
    pub(super) fn search_text(&self) -> String {
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

    /// Why it was sent, as History words it: the purpose's words, with the
    /// line-up's name when a line-up sent it.
    pub fn purpose_words(&self, purpose: Purpose) -> String {
        match self {
            Change::Receiving {
                lineup: Some(name), ..
            } if !purpose.words().is_empty() => format!("{} “{name}”", purpose.words()),
            _ => purpose.words().to_owned(),
        }
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
    /// Why it was sent, in words ("" for a plain change): "Undo",
    /// "Line-up “Morning”".
    pub purpose_words: String,
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
