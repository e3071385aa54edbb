//! The thin seam to the webview: check input, call the domain, map errors.
//! Each command is written once, in `list.rs`: its permission, its grant to
//! the window, its handler and its TypeScript binding all come from there.

pub mod about;
pub mod accounts;
mod bindings;
pub mod bulk;
pub mod contacts;
mod error;
pub mod groups;
pub mod history;
pub mod lineups;
pub mod people;
mod sandbox_place;
mod save;
pub mod schedule;
mod state;

use serde::Serialize;
use tauri::State;

pub use bindings::{specta_builder, typescript, COMMANDS};
pub use error::{AppError, ErrorKind};

pub(crate) use sandbox_place::SandboxPlace;
pub(crate) use state::{blocking, AppState};

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
    /// The DeepCall address in use (no credentials); empty in Sandbox mode
    /// while the Sandbox could not start (the screen that needs it says why).
    pub host: String,
}

/// What the window frame shows: version, mode and the active account.
#[tauri::command]
#[specta::specta]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    let state = state.inner().clone();
    let active = {
        let state = state.clone();
        blocking(move || Ok(state.accounts().active())).await?
    };
    let (mode, account_name, host) = match active {
        Some(a) => (Mode::Account, a.name, a.host),
        // The frame stays usable (to choose a real account) even when the
        // Sandbox cannot start.
        None => (
            Mode::Sandbox,
            "Sandbox".into(),
            state.sandbox_url().await.unwrap_or_default(),
        ),
    };
    Ok(AppStatus {
        version: env!("CARGO_PKG_VERSION").into(),
        mode,
        account_name,
        host,
    })
}
