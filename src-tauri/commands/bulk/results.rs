//! A run's results: pages of rows, and the results file.

use serde::Serialize;
use tauri::{Runtime, State, Window};

use super::super::{blocking, save, AppError, AppState, ErrorKind};
use super::*;
use crate::bulk;
use crate::history::batch::ResultPage;
use crate::history::tidy;

/// `limit` (at most 1,000) of a run's rows from `offset`, each with its
/// result, in the file's order; left-out rows too.
#[tauri::command]
#[specta::specta]
pub async fn bulk_results(
    app_state: State<'_, AppState>,
    batch: i64,
    offset: u32,
    limit: u32,
) -> Result<ResultPage, AppError> {
    let history = app_state.history().await?;
    blocking(move || Ok(history.batch_results(batch, offset, limit)?)).await
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultsSaved {
    pub path: String,
    pub rows: u32,
}

/// Saves a run's results file where the manager chooses: the file's own
/// columns, then each row's result and its details. `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn bulk_save_results<R: Runtime>(
    app_state: State<'_, AppState>,
    window: Window<R>,
    batch: i64,
) -> Result<Option<ResultsSaved>, AppError> {
    let history = app_state.history().await?;
    let (source, columns) = {
        let history = history.clone();
        blocking(move || Ok((summary_of(&history, batch)?, history.batch_columns(batch)?))).await?
    };
    let source = source.source;
    // Said before the manager chooses a place, not after.
    let Some(columns) = columns else {
        return Err(AppError::new(ErrorKind::Removed, tidy::RESULTS_REMOVED));
    };
    let stem = source.strip_suffix(".csv").unwrap_or(&source);
    let Some(path) = save::choose(
        &window,
        "Save the results",
        &format!("{stem} - results.csv"),
    )
    .await?
    else {
        return Ok(None);
    };
    let (path, rows) = save::write_from_history(path, "The results", move |out| {
        bulk::results_csv(&history, batch, &columns, out)
    })
    .await?;
    Ok(Some(ResultsSaved { path, rows }))
}
