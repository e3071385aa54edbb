//! Why History could not be opened, read or written, in words for the
//! manager: what went wrong and what to do about it. Every change is
//! written down before it is sent, so each of these also means nothing
//! was sent.

use std::path::Path;

/// Why History could not be read or written, in words for the manager.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HistoryError(pub(super) String);

impl HistoryError {
    pub(super) fn write(e: rusqlite::Error) -> Self {
        tracing::error!("history: write failed: {e}");
        let (cause, advice) = cause_and_advice(&e);
        Self(format!(
            "History could not be written ({cause}), so nothing was sent. {advice}"
        ))
    }

    pub(super) fn read(e: rusqlite::Error) -> Self {
        tracing::error!("history: read failed: {e}");
        let (cause, advice) = cause_and_advice(&e);
        Self(format!("History could not be read ({cause}). {advice}"))
    }

    /// History could not be opened because of `e`, which is not damage.
    pub(super) fn not_opened(e: &rusqlite::Error) -> Self {
        tracing::error!("history: cannot open: {e}");
        let (cause, advice) = cause_and_advice(e);
        Self::cannot_open(cause, advice)
    }

    pub(super) fn cannot_open(cause: &str, advice: &str) -> Self {
        Self(format!(
            "History cannot be opened: {cause}. No change can be sent until it can, because \
             every change is written down before it is sent. {advice}"
        ))
    }

    /// The folder History lives in cannot be made or written.
    pub(super) fn folder(folder: &Path, e: &std::io::Error) -> Self {
        tracing::error!("history: folder {}: {e}", folder.display());
        let cause = match e.kind() {
            std::io::ErrorKind::StorageFull => "the disk is full",
            _ => "its folder cannot be written",
        };
        let advice = match e.kind() {
            std::io::ErrorKind::StorageFull => FREE_SPACE.to_owned(),
            _ => format!(
                "Ask your IT contact to let your computer user write to the folder {}.",
                folder.display()
            ),
        };
        Self::cannot_open(cause, &advice)
    }

    /// Another copy of the app holds History.
    pub(super) fn another_copy() -> Self {
        Self(
            "Another copy of DeepCall Desk is already open on this computer, and it keeps \
             History. So that no change is sent twice or left unrecorded, this copy sends \
             nothing. Close this window and use the other one (look for it on the taskbar)."
                .into(),
        )
    }

    /// The file was written by a newer version of the app.
    pub(super) fn newer(format: i64, latest: usize) -> Self {
        Self(format!(
            "History was written by a newer version of DeepCall Desk (format {format}; this \
             version reads up to format {latest}), so this version cannot record changes and \
             sends none. Install the newer version again. History was left as it is."
        ))
    }

    /// A line-up, or an agent's leave, could not be written: nothing was
    /// sent, and the screen keeps what the manager entered.
    pub(super) fn not_kept(what: &str, e: rusqlite::Error) -> Self {
        tracing::error!("history: {what} not written: {e}");
        let (cause, advice) = cause_and_advice(&e);
        Self(format!("{what} could not be saved ({cause}). {advice}"))
    }

    /// Disk work the app cancelled as it closed.
    pub(super) fn closing() -> Self {
        Self("DeepCall Desk was closing, so this was not written to History and not sent.".into())
    }

    pub fn unavailable(why: &str) -> Self {
        Self::cannot_open(why, TRY_AGAIN)
    }

    /// A refusal already in the manager's words, said as it is (a run
    /// another copy sends, a run no longer in History).
    pub(crate) fn said(words: impl Into<String>) -> Self {
        Self(words.into())
    }
}

const FREE_SPACE: &str = "Free some space on the disk, then try again.";
const TRY_AGAIN: &str = "Try again; if this stays, close DeepCall Desk and open it again, and \
                         if it still stays, tell your IT contact.";

/// What went wrong with the file, and what to do: true for that cause.
pub(super) fn cause_and_advice(e: &rusqlite::Error) -> (&'static str, &'static str) {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DiskFull) => ("the disk is full", FREE_SPACE),
        Some(C::ReadOnly) | Some(C::PermissionDenied) | Some(C::CannotOpen) => (
            "its file may not be written",
            "Ask your IT contact to let your computer user write to DeepCall Desk's data \
             folder: the one that holds the log folder About shows.",
        ),
        Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => (
            "another program is using its file, perhaps a backup",
            "Wait a moment, then try again. If this stays, restart the computer.",
        ),
        Some(C::SystemIoFailure) => (
            "the disk could not read or write it",
            "Try again. If this stays, tell your IT contact: the disk may be failing.",
        ),
        Some(C::NotADatabase) | Some(C::DatabaseCorrupt) => (
            "the file is damaged",
            "Close DeepCall Desk and open it again: a damaged History is set aside, kept, and \
             a new one started.",
        ),
        _ => ("an unexpected file error", TRY_AGAIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn sqlite(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn each_cause_gets_advice_that_fits_it() {
        let full = HistoryError::write(sqlite(ffi::SQLITE_FULL)).to_string();
        assert!(
            full.contains("disk is full") && full.contains("Free some space"),
            "{full}"
        );
        let busy = HistoryError::write(sqlite(ffi::SQLITE_BUSY)).to_string();
        assert!(
            busy.contains("another program") && !busy.contains("disk"),
            "{busy}"
        );
        let io = HistoryError::not_opened(&sqlite(ffi::SQLITE_IOERR)).to_string();
        assert!(
            io.contains("may be failing") && io.contains("No change can be sent"),
            "{io}"
        );
        let ro = HistoryError::read(sqlite(ffi::SQLITE_READONLY)).to_string();
        assert!(
            ro.contains("IT contact") && !ro.contains("Free some space"),
            "{ro}"
        );
    }
}
