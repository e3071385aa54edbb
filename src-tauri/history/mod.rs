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
mod model;
mod open;
mod owner;
pub mod run;
pub mod sample;
mod schema;
pub mod send;
mod set_aside;
mod store;
pub mod tidy;

pub use error::HistoryError;
pub use export::{entries_csv, ExportError};
pub use model::*;
pub use owner::SENT_ELSEWHERE;
use store::{insert, select, where_clause, NewEntry, COLUMNS};
pub use store::{now_ms, History, Settled};

/// The file's name in the app's data folder.
pub const FILE_NAME: &str = "history.sqlite3";

/// The account id the Sandbox's own entries are kept under.
pub const SANDBOX_ACCOUNT: &str = "sandbox";

#[cfg(test)]
mod tests;
