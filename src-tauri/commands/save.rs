//! Saving a file the manager asked for (an export): the native save dialog,
//! then an atomic write. The webview gets no file-system access.

use std::io::Write;
use std::path::PathBuf;

use tauri::{Manager, Runtime, Window};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};

use super::{blocking, AppError, ErrorKind};
use crate::files::{self, Access};
use crate::history::ExportError;

/// The system's file dialog over `window`, titled `title`, for CSV files,
/// starting in Documents (else the home folder), not wherever the app was
/// started from.
pub fn csv_dialog<R: Runtime>(window: &Window<R>, title: &str) -> FileDialogBuilder<R> {
    let start = window
        .path()
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| window.path().home_dir().ok());
    let dialog = window
        .dialog()
        .file()
        .set_parent(window)
        .set_title(title)
        .add_filter("CSV spreadsheet", &["csv", "CSV"]);
    match start {
        Some(dir) => dialog.set_directory(dir),
        None => dialog,
    }
}

/// A chosen place as a path on this computer; else `refused`, of `kind`.
pub fn local_path(chosen: FilePath, kind: ErrorKind, refused: &str) -> Result<PathBuf, AppError> {
    chosen.into_path().map_err(|_| AppError::new(kind, refused))
}

/// Asks where to save a CSV file (see [`csv_dialog`]). `None`: cancelled.
pub async fn choose<R: Runtime>(
    window: &Window<R>,
    title: &str,
    file_name: &str,
) -> Result<Option<PathBuf>, AppError> {
    let dialog = csv_dialog(window, title).set_file_name(file_name);
    let Some(chosen) = blocking(move || Ok(dialog.blocking_save_file())).await? else {
        return Ok(None);
    };
    local_path(
        chosen,
        ErrorKind::FileNotSaved,
        "That place cannot be saved to. Choose a folder on this computer.",
    )
    .map(Some)
}

/// Writes `body` to `path` in one piece. Returns the path to show the
/// manager; `what` names the file in an error ("The member list").
pub async fn write(path: PathBuf, body: Vec<u8>, what: &'static str) -> Result<String, AppError> {
    let (path, ()) = write_from_history(path, what, move |out| Ok(out.write_all(&body)?)).await?;
    Ok(path)
}

/// Writes the file `fill` makes from History to `path`, as it reads it,
/// in one piece all the same (see [`files::write_atomically_with`]).
/// Returns the path to show the manager and what `fill` returned.
pub async fn write_from_history<T: Send + 'static>(
    path: PathBuf,
    what: &'static str,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, ExportError> + Send + 'static,
) -> Result<(String, T), AppError> {
    blocking(
        move || match files::write_atomically_with(&path, Access::Document, fill) {
            Ok(done) => Ok((path.display().to_string(), done)),
            Err(ExportError::Read(e)) => Err(e.into()),
            Err(ExportError::Write(e)) => Err(AppError::new(
                ErrorKind::FileNotSaved,
                format!(
                    "{what} could not be saved to {}: {}.",
                    path.display(),
                    plain_io(&e)
                ),
            )),
        },
    )
    .await
}

fn plain_io(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "this computer user may not write there",
        K::NotFound => "that folder does not exist",
        K::StorageFull => "the disk is full",
        K::ReadOnlyFilesystem => "that disk is read-only",
        _ => "the file could not be written",
    }
}
