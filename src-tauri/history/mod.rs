//! History: every change this computer sent to DeepCall, in a SQLite file
//! in the app's data folder. No Tauri here.
//!
//! A change is written down (outcome *sending*, committed) before its request
//! leaves, and settled when the answer comes ([`send`]). An entry still
//! *sending* when the app starts was cut off by a crash or a closed window:
//! it becomes *outcome unknown*, and only re-reading DeepCall ([`check`])
//! settles it. Nothing here ever re-sends a change.

pub mod batch;
mod error;
mod export;
mod leave;
mod lineups;
mod lock;
mod model;
mod open;
pub(crate) mod owner;
pub mod sample;
mod schema;
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

/// Runs History's disk work off the async threads. Work that never ran
/// (the app is closing, and the runtime cancelled it before it started) is
/// an error like any other History error: whatever waited on it was not
/// written, so it is not sent.
pub(crate) async fn on_disk<T: Send + 'static>(
    history: &History,
    work: impl FnOnce(&History) -> Result<T, HistoryError> + Send + 'static,
) -> Result<T, HistoryError> {
    let history = history.clone();
    match tokio::task::spawn_blocking(move || work(&history)).await {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(HistoryError::closing()),
    }
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
