//! The thin seam to the webview: check input, call the domain, map errors.
//! Each command here is also listed in `src-tauri/build.rs` (its permission)
//! and in `app::specta_builder` (its TypeScript binding).

mod error;

use serde::Serialize;
use tauri::State;

pub use error::{AppError, ErrorKind};

use crate::app::AppState;
use crate::deepcall::group::{GroupId, GroupMembers};

/// Which DeepCall the app is talking to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum Mode {
    /// The built-in sandbox: sample data, nothing reaches DeepCall.
    Sandbox,
    /// A real DeepCall account.
    Account,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub version: String,
    pub mode: Mode,
    /// The active account's name as the manager sees it.
    pub account_name: String,
    /// The DeepCall address in use (no credentials).
    pub host: String,
}

/// What the window frame shows: version, mode and the active account.
#[tauri::command]
#[specta::specta]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    let client = state.client()?;
    Ok(AppStatus {
        version: env!("CARGO_PKG_VERSION").into(),
        mode: Mode::Sandbox,
        account_name: "Sandbox".into(),
        host: client.base().as_str().into(),
    })
}

/// A group with its members and who receives its calls.
#[tauri::command]
#[specta::specta]
pub async fn group_members(
    state: State<'_, AppState>,
    group: String,
) -> Result<GroupMembers, AppError> {
    let id = GroupId::parse(&group)?;
    Ok(state.client()?.group_members(id).await?)
}
