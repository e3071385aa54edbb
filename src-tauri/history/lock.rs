//! One owner for History: an exclusive lock on a small file beside it,
//! held for as long as History is open.
//!
//! The app keeps to one copy per log-in through its single-instance plugin,
//! but that plugin needs a D-Bus session on Linux and works per log-in
//! session on Windows. A second copy that got past it would mark the first
//! one's changes in flight as *outcome unknown* and could resume the same
//! bulk run. The lock is the operating system's own (`flock` on Linux,
//! `LockFileEx` on Windows): it goes with the process, also when the
//! process is killed, so a crash never leaves History locked.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::files;

/// The lock, held: History is this process's until it is dropped.
#[derive(Debug)]
pub(super) struct Lock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub(super) enum NotLocked {
    /// Another process holds it: another copy of the app is open.
    Held,
    /// The lock file could not be opened (the folder cannot be written).
    Unopenable(std::io::Error),
}

/// The lock file beside the History file at `history`.
pub(super) fn path_beside(history: &Path) -> PathBuf {
    super::set_aside::beside(history, ".lock")
}

/// Takes the lock beside `history` without waiting. `Ok(None)`: the file
/// system cannot lock (some network shares); History is then opened
/// without it, and the bulk runs' heartbeats are what keep two copies
/// apart.
pub(super) fn take(history: &Path) -> Result<Option<Lock>, NotLocked> {
    let path = path_beside(history);
    let file = files::open_private(&path).map_err(NotLocked::Unopenable)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(TryLockError::WouldBlock) => Err(NotLocked::Held),
        Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            tracing::warn!("history: this file system cannot lock {}", path.display());
            Ok(None)
        }
        Err(TryLockError::Error(e)) => Err(NotLocked::Unopenable(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("deepcall-lock-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(super::super::FILE_NAME)
    }

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let history = scratch();
        let first = take(&history).unwrap().expect("this file system locks");
        // A second open of the file is a second owner, as another process is.
        assert!(matches!(take(&history), Err(NotLocked::Held)));
        drop(first);
        assert!(take(&history).unwrap().is_some());
    }

    // Not on Windows: Unix file modes (Windows: AppData's access list, files.rs).
    #[cfg(unix)]
    #[test]
    fn the_lock_file_is_private() {
        let history = scratch();
        let _lock = take(&history).unwrap();
        assert_eq!(files::mode_of(&path_beside(&history)) & 0o777, 0o600);
    }
}
