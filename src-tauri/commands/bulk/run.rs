//! A run started, resumed, followed, paused or cancelled, and the runs an
//! earlier start did not finish.

use tauri::ipc::Channel;
use tauri::State;

use super::super::{blocking, AppError, AppState, ErrorKind};
use super::*;
use crate::bulk;
use crate::history::batch::{BatchState, BatchSummary, NewBatch};
use crate::history::AccountRef;
use crate::sending::run::{Control, RunProgress, Start};

/// Starts sending the ready rows of the file's preview numbered `preview`,
/// the one the manager looked at, on `account` (the active one, or `null`
/// for the Sandbox) as a recorded batch. Rows that blacklist are sent only
/// when `blacklisting_confirmed` is that preview's number of them (the
/// manager's yes in the blacklist confirmation); with `null` (or 0) they
/// are left out. Refused when another preview has been made since. Returns
/// the batch at once: [`bulk_watch`] follows it.
#[tauri::command]
#[specta::specta]
pub async fn bulk_start(
    app_state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    file: u32,
    preview: u32,
    blacklisting_confirmed: Option<u32>,
    account: Option<String>,
) -> Result<BatchSummary, AppError> {
    let loaded = session.loaded(file)?;
    let (current, latest) = previewed(&loaded)?;
    let blacklisting = confirmed(current, &latest, preview, blacklisting_confirmed)?;
    let preview = latest;
    let reserved = session.runs.reserve()?;
    let (client, account) = app_state.sender_for(account).await?;
    let history = app_state.history().await?;
    let summary = {
        let history = history.clone();
        blocking(move || {
            let (rows, left_out) = bulk::plan(&loaded.table, &preview, blacklisting);
            if rows.is_empty() {
                return Err(AppError::new(
                    ErrorKind::Rejected,
                    "No row of this file is ready to send, so nothing was sent.",
                ));
            }
            let batch = history.create_batch(&NewBatch {
                account: &account,
                source: &loaded.name,
                separator: loaded.table.separator,
                headers: &loaded.table.headers,
                rows: &rows,
                left_out: &left_out,
            })?;
            summary_of(&history, batch)
        })
        .await?
    };
    tracing::info!("bulk: run {} of {} rows started", summary.id, summary.rows);
    session
        .runs
        .start(reserved, history, client, summary.id, Start::Fresh);
    Ok(summary)
}

/// Resumes a run this app did not finish (it was closed or stopped
/// mid-run) or that paused itself: rows confirmed are not sent again; every
/// other row is read back from DeepCall first, and one whose contact
/// changed since is not sent. `account` is the active one (`null` for the
/// Sandbox); it must be the run's own. `blacklisting` answers the blacklist
/// question again: the number of rows still to send that blacklist, as the
/// manager confirmed it, or `null` to send only the other rows.
#[tauri::command]
#[specta::specta]
pub async fn bulk_resume(
    app_state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    batch: i64,
    blacklisting: Option<u32>,
    account: Option<String>,
) -> Result<BatchSummary, AppError> {
    if session.runs.is_running(batch) {
        return Err(AppError::new(
            ErrorKind::Rejected,
            "This run is already under way.",
        ));
    }
    let reserved = session.runs.reserve()?;
    let history = app_state.history().await?;
    let summary = {
        let history = history.clone();
        blocking(move || summary_of(&history, batch)).await?
    };
    if !matches!(summary.state, BatchState::Running | BatchState::Paused) {
        return Err(AppError::new(
            ErrorKind::Rejected,
            "This run has ended; there is nothing to resume.",
        ));
    }
    let own = (!summary.account.sandbox).then(|| summary.account.id.clone());
    if own != account {
        return Err(AppError::new(
            ErrorKind::Rejected,
            format!(
                "This run was started with {}. Make it the active account in Accounts, then \
                 resume the run.",
                account_words(&summary.account)
            ),
        ));
    }
    match blacklisting {
        Some(n) if n != summary.blacklisting_left => {
            return Err(AppError::new(
                ErrorKind::Rejected,
                "The rows still to send have changed since you answered the blacklist \
                 question. Look at the run again, then resume.",
            ))
        }
        Some(_) => {}
        None if summary.blacklisting_left > 0 => {
            let history = history.clone();
            blocking(move || Ok(history.hold_blacklisting(batch)?)).await?;
        }
        None => {}
    }
    // Asked here, not only when the run starts, so the screen is told at once.
    let claimed = {
        let history = history.clone();
        blocking(move || Ok(history.claim_batch(batch)?)).await?
    };
    if !claimed {
        return Err(AppError::new(
            ErrorKind::Rejected,
            crate::history::SENT_ELSEWHERE,
        ));
    }
    let (client, _) = app_state.sender_for(account).await?;
    tracing::info!(
        "bulk: run {batch} resumed, {} of {} rows not sent yet",
        summary.pending,
        summary.rows
    );
    session
        .runs
        .start(reserved, history, client, batch, Start::Resume);
    Ok(summary)
}

fn account_words(account: &AccountRef) -> String {
    if account.sandbox {
        "the Sandbox".into()
    } else {
        format!("the account “{}”", account.name)
    }
}

/// Follows a run: its progress goes to `on_progress` (at once, then as it
/// moves, a few times a second at most) until it ends; then the run as it
/// ended. For a run not under way in this app, at once its state in History.
#[tauri::command]
#[specta::specta]
pub async fn bulk_watch(
    app_state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    batch: i64,
    on_progress: Channel<RunProgress>,
) -> Result<BatchSummary, AppError> {
    let watcher = Box::new(move |p| on_progress.send(p).is_ok());
    if let Some(outcome) = session.runs.watch(batch, watcher).await {
        return Ok(outcome?);
    }
    let history = app_state.history().await?;
    blocking(move || summary_of(&history, batch)).await
}

/// Pause (rows under way finish; no new row starts), Resume (`run`), or
/// Cancel (rows not sent stay unsent). Cancel on a run not under way in
/// this app (one offered for resuming) ends it as it is.
#[tauri::command]
#[specta::specta]
pub async fn bulk_control(
    app_state: State<'_, AppState>,
    session: State<'_, BulkSession>,
    batch: i64,
    control: Control,
) -> Result<(), AppError> {
    let history = app_state.history().await?;
    let state = match control {
        Control::Run => BatchState::Running,
        Control::Pause => BatchState::Paused,
        Control::Cancel => BatchState::Cancelled,
    };
    match session.runs.control(batch, control) {
        true => {
            // Cancel: the run writes its own end (finished when nothing was left).
            if control != Control::Cancel {
                blocking(move || Ok(history.set_batch_state(batch, state)?)).await?;
            }
            tracing::info!("bulk: run {batch}: {control:?}");
            Ok(())
        }
        false if control == Control::Cancel => {
            blocking(move || Ok(history.set_batch_state(batch, state)?)).await?;
            tracing::info!("bulk: unfinished run {batch} ended without resuming");
            Ok(())
        }
        false => Err(AppError::new(
            ErrorKind::NotFound,
            "This run is not under way. Resume it first.",
        )),
    }
}

/// Runs an earlier start of the app did not finish (closed or stopped
/// mid-run): the screen offers to resume them.
#[tauri::command]
#[specta::specta]
pub async fn bulk_unfinished(
    app_state: State<'_, AppState>,
    session: State<'_, BulkSession>,
) -> Result<Vec<BatchSummary>, AppError> {
    let history = app_state.history().await?;
    let mut unfinished = blocking(move || Ok(history.unfinished_batches()?)).await?;
    unfinished.retain(|b| !session.runs.is_running(b.id));
    Ok(unfinished)
}
