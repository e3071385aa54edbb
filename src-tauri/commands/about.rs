//! About & help: the version a manager reads out to support, where the log
//! is (and opening that folder, only that one), and the keyring in use.

use serde::Serialize;
use tauri::State;

use super::accounts::KeyringNotice;
use super::AppState;
use super::{blocking, AppError, ErrorKind};
use crate::credentials::vault::PLATFORM_STORE;
use crate::logging;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct About {
    /// The folder of the log files; `None` when no log could be written.
    pub log_folder: Option<String>,
    /// How many days of log are kept.
    pub log_days: u32,
    /// The keyring saved sign-ins are kept in, in plain words.
    pub keyring: String,
    /// Set when that keyring cannot be used right now.
    pub keyring_problem: Option<KeyringNotice>,
}

/// What the About & help screen shows (the version comes with `app_status`).
#[tauri::command]
#[specta::specta]
pub async fn about(state: State<'_, AppState>) -> Result<About, AppError> {
    let state = state.inner().clone();
    blocking(move || {
        Ok(About {
            log_folder: logging::folder().map(|f| f.display().to_string()),
            log_days: logging::KEEP_DAYS as u32,
            keyring: PLATFORM_STORE.into(),
            keyring_problem: state.accounts().vault().err().map(KeyringNotice::from),
        })
    })
    .await
}

/// Opens the log folder in the file manager. The window names no path: it
/// can open this folder and nothing else.
#[tauri::command]
#[specta::specta]
pub async fn open_log_folder() -> Result<(), AppError> {
    let folder = logging::folder().ok_or_else(|| {
        AppError::new(
            ErrorKind::Internal,
            "DeepCall Desk could not write its log on this computer, so there is no log folder to open.",
        )
    })?;
    blocking(move || {
        tauri_plugin_opener::open_path(folder, None::<&str>).map_err(|e| {
            tracing::warn!(
                "the log folder {} could not be opened: {e}",
                folder.display()
            );
            AppError::new(
                ErrorKind::Internal,
                format!(
                    "This computer has no file manager that could open the log folder. It is {}.",
                    folder.display()
                ),
            )
        })
    })
    .await
}
