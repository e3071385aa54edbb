//! A damaged History file is set aside, untouched, and a new one started;
//! the manager is told, and the note stays on disk, beside History, until
//! the manager has seen it. A set-aside file is kept by whoever may be able
//! to recover it: nothing here deletes one.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::HistoryError;
use crate::files::{self, Access};

/// The file and its WAL and shared-memory files beside it.
pub(super) fn with_sides(path: &Path) -> [PathBuf; 3] {
    let side = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display()));
    [path.to_owned(), side("-wal"), side("-shm")]
}

fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || super::FILE_NAME.into(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The file beside the History file at `path` named as it is plus `suffix`
/// (its lock, its notes, a copy set aside).
pub(super) fn beside(path: &Path, suffix: &str) -> PathBuf {
    path.with_file_name(format!("{}{suffix}", name_of(path)))
}

/// The notes not yet seen, beside the History file at `path`.
fn notes_path(path: &Path) -> PathBuf {
    beside(path, ".set-aside.txt")
}

/// Renames the damaged file at `path` (and its WAL and shared-memory
/// files) beside itself, after writing down the note that says so: should
/// the next opening fail too, the note is still there.
pub(super) fn set_aside(path: &Path) -> Result<(), HistoryError> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let kept = beside(path, &format!(".unreadable-{stamp}"));
    let before = read_notes(path);
    let note = note_for(&kept);
    let notes = match &before {
        Some(earlier) => format!("{earlier}\n\n{note}"),
        None => note.clone(),
    };
    files::write_atomically(&notes_path(path), notes.as_bytes(), Access::OwnerOnly)
        .map_err(|e| HistoryError::folder(path.parent().unwrap_or(Path::new(".")), &e))?;
    if let Err(e) = std::fs::rename(path, &kept) {
        tracing::error!("history: could not set aside {}: {e}", path.display());
        restore_notes(path, before);
        return Err(HistoryError::cannot_open(
            "its file is damaged, and it could not be set aside",
            "Tell your IT contact: the file may be held by another program or the folder may \
             not be written.",
        ));
    }
    let _ = files::make_private(&kept);
    for (side, kept_side) in with_sides(path).into_iter().zip(with_sides(&kept)).skip(1) {
        if side.exists() && std::fs::rename(&side, &kept_side).is_ok() {
            let _ = files::make_private(&kept_side);
        }
    }
    tracing::warn!("history: {note}");
    Ok(())
}

fn restore_notes(path: &Path, before: Option<String>) {
    let _ = match before {
        Some(earlier) => {
            files::write_atomically(&notes_path(path), earlier.as_bytes(), Access::OwnerOnly)
        }
        None => std::fs::remove_file(notes_path(path)),
    };
}

/// Every note about a set-aside file the manager has not seen yet.
pub(super) fn read_notes(path: &Path) -> Option<String> {
    std::fs::read_to_string(notes_path(path))
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The manager has seen the notes: they go.
pub(super) fn seen(path: &Path) -> Result<(), HistoryError> {
    match std::fs::remove_file(notes_path(path)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(HistoryError(format!(
            "The note could not be removed ({}); it will be shown again.",
            e.kind()
        ))),
        _ => Ok(()),
    }
}

fn note_for(kept: &Path) -> String {
    let file = name_of(kept);
    let folder = kept
        .parent()
        .map_or_else(String::new, |d| d.display().to_string());
    format!(
        "The earlier History file could not be read: it is damaged. It was kept, untouched, \
         as {file} in {folder}, and a new History was started. Your IT contact may be able to \
         recover it."
    )
}
