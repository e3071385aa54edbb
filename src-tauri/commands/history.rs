//! The History screen: the recorded changes, filtered and searched; *Check
//! now* for one whose outcome is unknown; the entries shown as CSV.

use serde::Serialize;
use tauri::{Runtime, State, Window};

use super::AppState;
use super::{blocking, save, AppError};
use crate::history::tidy::{self, Tidied, TidyEstimate};
use crate::history::{self, AccountRef, Entry, Page, Query};
use crate::sending::check;

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
    let (path, entries) = save::write_from_history(path, "The History entries", move |out| {
        history::entries_csv(&history, &query, out)
    })
    .await?;
    Ok(Some(HistoryExported { path, entries }))
}

/// `days` as the manager chose it: one of [`tidy::DAY_CHOICES`].
fn tidy_days(days: u32) -> Result<u32, AppError> {
    if tidy::DAY_CHOICES.contains(&days) {
        Ok(days)
    } else {
        Err(AppError::field(
            "days",
            format!(
                "Choose how old a bulk run must be: {} days.",
                tidy::DAY_CHOICES.map(|d| d.to_string()).join(", ")
            ),
        ))
    }
}

/// How many bulk runs that ended more than `days` days ago still keep a
/// copy of their file's rows, and roughly how much room it takes.
#[tauri::command]
#[specta::specta]
pub async fn history_tidy_estimate(
    state: State<'_, AppState>,
    days: u32,
) -> Result<TidyEstimate, AppError> {
    let days = tidy_days(days)?;
    let history = state.history().await?;
    blocking(move || Ok(history.tidy_estimate(days)?)).await
}

/// Removes those copies and makes History's file smaller. Every change
/// stays listed; those runs' results files can no longer be saved.
#[tauri::command]
#[specta::specta]
pub async fn history_tidy(state: State<'_, AppState>, days: u32) -> Result<Tidied, AppError> {
    let days = tidy_days(days)?;
    let history = state.history().await?;
    blocking(move || Ok(history.tidy(days)?)).await
}
