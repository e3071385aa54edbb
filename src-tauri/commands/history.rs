//! The History screen: the recorded changes, filtered and searched; *Check
//! now* for one whose outcome is unknown; the entries shown as CSV.

use serde::Serialize;
use tauri::{Runtime, State, Window};

use super::{blocking, save, AppError};
use crate::app::AppState;
use crate::history::{self, check, AccountRef, Entry, Page, Query};

/// What the History screen needs besides its entries.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryOverview {
    /// Every account with entries, for the filter.
    pub accounts: Vec<AccountRef>,
    /// Entries whose outcome is unknown: *Check now* can settle them.
    pub unknown: u32,
    /// An earlier History file was set aside: why, and where it is.
    pub note: Option<String>,
}

/// The accounts, the count of unknown outcomes, and any note.
#[tauri::command]
#[specta::specta]
pub async fn history_overview(state: State<'_, AppState>) -> Result<HistoryOverview, AppError> {
    let history = state.history().await?;
    blocking(move || {
        Ok(HistoryOverview {
            accounts: history.accounts()?,
            unknown: history.open_count()?,
            note: history.note(),
        })
    })
    .await
}

/// The manager has read the note about a set-aside History file: it is
/// not shown again.
#[tauri::command]
#[specta::specta]
pub async fn history_note_seen(state: State<'_, AppState>) -> Result<(), AppError> {
    let history = state.history().await?;
    blocking(move || Ok(history.note_seen()?)).await
}

/// The entries `query` matches, newest first: `limit` (at most 1,000) from `offset`.
#[tauri::command]
#[specta::specta]
pub async fn history_page(
    state: State<'_, AppState>,
    query: Query,
    offset: u32,
    limit: u32,
) -> Result<Page, AppError> {
    let history = state.history().await?;
    blocking(move || Ok(history.page(&query, offset, limit)?)).await
}

/// Reads DeepCall again for an entry whose outcome is unknown (and the
/// entries sent with it) and settles them. Sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn check_history(state: State<'_, AppState>, entry: i64) -> Result<Vec<Entry>, AppError> {
    let history = state.history().await?;
    let found = {
        let history = history.clone();
        blocking(move || Ok(history.entry(entry)?)).await?
    };
    let Some(found) = found else {
        return Err(AppError::new(
            super::ErrorKind::NotFound,
            "That History entry is no longer there.",
        ));
    };
    let client = state.reader_for(&found.account).await?;
    Ok(check::check(&history, &client, entry).await?)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryExported {
    pub path: String,
    /// How many entries the file holds.
    pub entries: u32,
}

/// Saves the entries `query` matches (those the screen shows) as CSV where
/// the manager chooses. `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn export_history<R: Runtime>(
    state: State<'_, AppState>,
    window: Window<R>,
    query: Query,
) -> Result<Option<HistoryExported>, AppError> {
    let history = state.history().await?;
    let Some(path) =
        save::choose(&window, "Save the History entries", "deepcall-history.csv").await?
    else {
        return Ok(None);
    };
    let entries = blocking(move || Ok(history.matching(&query)?)).await?;
    let count = entries.len() as u32;
    let csv = history::entries_csv(&entries);
    let path = save::write(path, csv.into_bytes(), "The History entries").await?;
    Ok(Some(HistoryExported {
        path,
        entries: count,
    }))
}
