//! The Bulk update screen: choose a CSV file (Rust's open dialog; the
//! webview gets no file access), map its columns, preview every row, then
//! run it as a recorded batch, a few rows at a time, with progress, Pause,
//! Resume and Cancel. The file and its preview stay here; the screen gets
//! counts and pages of rows, never the whole 100,000-row preview.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{Runtime, State, Window};

use super::AppState;
use super::{blocking, save, AppError, ErrorKind};
use crate::bulk::Runs;
use crate::bulk::{
    self, Counts, FileError, Mapping, MappingProblem, Preview, RowPreview, RowState, SameCaller,
};
use crate::bulk::{Separator, Table};
use crate::deepcall::directory::ContactNumber;
use crate::history::batch::{BatchState, BatchSummary, NewBatch, ResultPage};
use crate::history::{tidy, AccountRef, History};
use crate::sending::run::{Control, RunProgress, Start};

/// The chosen file and the bulk runs under way in this app. Managed state.
#[derive(Default)]
pub struct BulkSession {
    file: Mutex<Option<Arc<Loaded>>>,
    runs: Runs,
}

/// A file read, and its latest preview.
struct Loaded {
    /// Which choice of file this is: a screen still showing an older file
    /// cannot start a run of this one.
    id: u32,
    name: String,
    table: Table,
    preview: Mutex<Previews>,
}

/// A file's latest preview, by its number: each preview made of the file
/// has the next, so a confirmation given to one cannot start another.
#[derive(Default)]
struct Previews {
    made: u32,
    latest: Option<Arc<Preview>>,
}

impl Previews {
    /// Keeps `preview` (or none, when the columns need changing) as the
    /// latest; returns its number.
    fn replace(&mut self, preview: Option<Preview>) -> u32 {
        self.made = self.made.wrapping_add(1);
        self.latest = preview.map(Arc::new);
        self.made
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl BulkSession {
    fn loaded(&self, file: u32) -> Result<Arc<Loaded>, AppError> {
        lock(&self.file)
            .clone()
            .filter(|l| l.id == file)
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::NotFound,
                    "A different file has been chosen since. Choose the file again.",
                )
            })
    }
}

/// A file as the mapping step shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BulkFile {
    /// Names this choice of file in the calls that follow.
    pub file: u32,
    /// The file's name (no folder).
    pub name: String,
    pub rows: u32,
    /// Empty rows, left out.
    pub blank_rows: u32,
    pub separator: Separator,
    /// How the separator is named to the manager: "commas (“,”)".
    pub separator_words: String,
    pub headers: Vec<String>,
    /// The first few rows' cells, so each column can be recognised.
    pub examples: Vec<Vec<String>>,
    /// The fields proposed for the columns, from their headers.
    pub mapping: Mapping,
}

/// How many example rows the mapping step shows.
const EXAMPLES: usize = 3;

/// Opens the system's file dialog; reads the chosen CSV file in full and
/// proposes a field for each column. `null` when the manager cancels.
#[tauri::command]
#[specta::specta]
pub async fn bulk_choose_file<R: Runtime>(
    session: State<'_, BulkSession>,
    window: Window<R>,
) -> Result<Option<BulkFile>, AppError> {
    let Some(path) = choose_file(&window).await? else {
        return Ok(None);
    };
    let name = path
        .file_name()
        .map_or_else(|| "the file".into(), |n| n.to_string_lossy().into_owned());
    let table = blocking(move || bulk::read_file(&path).map_err(file_error)).await?;
    let id = lock(&session.file)
        .as_ref()
        .map_or(1, |l| l.id.wrapping_add(1));
    let shown = BulkFile {
        file: id,
        name: name.clone(),
        rows: u32::try_from(table.rows.len()).unwrap_or(u32::MAX),
        blank_rows: table.blank_rows,
        separator: table.separator,
        separator_words: table.separator.words().into(),
        headers: table.headers.clone(),
        examples: table
            .rows
            .iter()
            .take(EXAMPLES)
            .map(|r| r.cells.clone())
            .collect(),
        mapping: bulk::propose(&table.headers),
    };
    *lock(&session.file) = Some(Arc::new(Loaded {
        id,
        name,
        table,
        preview: Mutex::default(),
    }));
    Ok(Some(shown))
}

async fn choose_file<R: Runtime>(window: &Window<R>) -> Result<Option<PathBuf>, AppError> {
    let dialog = save::csv_dialog(window, "Choose a CSV file");
    let Some(chosen) = blocking(move || Ok(dialog.blocking_pick_file())).await? else {
        return Ok(None);
    };
    save::local_path(
        chosen,
        ErrorKind::FileNotRead,
        "That file cannot be opened from here. Choose a file on this computer.",
    )
    .map(Some)
}

fn file_error(e: FileError) -> AppError {
    if let FileError::Unreadable { reason } = &e {
        tracing::warn!("bulk: the chosen file could not be read: {reason}");
    }
    AppError::new(ErrorKind::FileNotRead, e.to_string())
}

/// The preview's answer: the mapping's problems, or the counts.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BulkPreview {
    /// The column choices must be changed first; nothing was checked.
    #[serde(rename_all = "camelCase")]
    Mapping { problems: Vec<MappingProblem> },
    /// Every row checked.
    #[serde(rename_all = "camelCase")]
    Checked {
        /// This preview's number: the start names it, with the blacklisting
        /// rows the manager confirmed, and is refused once another is made.
        preview: u32,
        counts: Counts,
        blank_rows: u32,
        /// The numbers the ready rows blacklist, in the file's order.
        blacklisting: Vec<ContactNumber>,
        /// What was done with rows whose numbers may be the same caller.
        same_caller: SameCaller,
    },
}

/// Checks every row of the chosen file as `mapping` reads it, with the
/// contact editor's rules; rows whose numbers may be the same caller are
/// treated as `same_caller` says. The rows are then read a page at a time.
#[tauri::command]
#[specta::specta]
pub async fn bulk_preview(
    session: State<'_, BulkSession>,
    file: u32,
    mapping: Mapping,
    same_caller: SameCaller,
) -> Result<BulkPreview, AppError> {
    let loaded = session.loaded(file)?;
    blocking(move || {
        Ok(match bulk::preview(&loaded.table, &mapping, same_caller) {
            Err(problems) => {
                lock(&loaded.preview).replace(None);
                BulkPreview::Mapping { problems }
            }
            Ok(preview) => {
                let (counts, blank_rows, blacklisting) = (
                    preview.counts,
                    preview.blank_rows,
                    preview.blacklisting.clone(),
                );
                BulkPreview::Checked {
                    preview: lock(&loaded.preview).replace(Some(preview)),
                    counts,
                    blank_rows,
                    blacklisting,
                    same_caller,
                }
            }
        })
    })
    .await
}

/// Which rows of the preview to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RowFilter {
    All,
    Problems,
    /// Rows not sent because a later row has the same number.
    Replaced,
    Blacklisting,
    /// Rows whose numbers may be the same caller, each set together.
    SameCaller,
}

impl RowFilter {
    fn shows(self, row: &RowPreview) -> bool {
        match self {
            RowFilter::All => true,
            RowFilter::Problems => row.state == RowState::Problems,
            RowFilter::Replaced => row.state == RowState::Replaced,
            RowFilter::Blacklisting => row.state == RowState::Ready && row.blacklists,
            RowFilter::SameCaller => !row.same_caller.is_empty(),
        }
    }

    /// `limit` of the rows the filter lists, from `offset`, and how many it lists in all.
    fn page(self, preview: &Preview, offset: usize, limit: usize) -> PreviewRows {
        let (total, rows) = match self {
            RowFilter::SameCaller => (
                preview.same_caller_rows.len(),
                preview
                    .same_caller_rows
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .filter_map(|&i| preview.rows.get(i).cloned())
                    .collect(),
            ),
            _ => {
                let shown = preview.rows.iter().filter(|r| self.shows(r));
                let total = match self {
                    RowFilter::All => preview.rows.len(),
                    _ => shown.clone().count(),
                };
                (total, shown.skip(offset).take(limit).cloned().collect())
            }
        };
        PreviewRows {
            total: u32::try_from(total).unwrap_or(u32::MAX),
            rows,
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewRows {
    /// Rows the filter shows in all.
    pub total: u32,
    pub rows: Vec<RowPreview>,
}

/// `limit` (at most 1,000) of the preview's rows that `show` lists, from `offset`.
#[tauri::command]
#[specta::specta]
pub async fn bulk_preview_rows(
    session: State<'_, BulkSession>,
    file: u32,
    show: RowFilter,
    offset: u32,
    limit: u32,
) -> Result<PreviewRows, AppError> {
    let (_, preview) = previewed(&*session.loaded(file)?)?;
    blocking(move || Ok(show.page(&preview, offset as usize, limit.min(1000) as usize))).await
}

/// The latest preview of the file, with its number.
fn previewed(loaded: &Loaded) -> Result<(u32, Arc<Preview>), AppError> {
    let previews = lock(&loaded.preview);
    let latest = previews.latest.clone().ok_or_else(|| {
        AppError::new(
            ErrorKind::NotFound,
            "The column choices changed since the preview. Look at the preview again.",
        )
    })?;
    Ok((previews.made, latest))
}

/// What a start was refused with when the preview it answered is not the
/// latest, or the blacklisting it confirmed is not the preview's.
const PREVIEW_CHANGED: &str =
    "The preview changed since you confirmed. Look at it again, then send.";

/// Whether a start may go ahead: `shown` is the preview the manager looked
/// at and `blacklisting_confirmed` the number of blacklisting rows they
/// confirmed (`None` or 0: they chose to send only the other rows); `latest`
/// is the preview now, numbered `current`. `Ok(true)`: its blacklisting
/// rows are sent; `Ok(false)`: they are left out.
fn confirmed(
    current: u32,
    latest: &Preview,
    shown: u32,
    blacklisting_confirmed: Option<u32>,
) -> Result<bool, AppError> {
    let confirmed = blacklisting_confirmed.unwrap_or(0);
    if shown != current || (confirmed > 0 && confirmed != latest.counts.blacklisting) {
        return Err(AppError::new(ErrorKind::Rejected, PREVIEW_CHANGED));
    }
    Ok(confirmed > 0)
}

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

fn summary_of(history: &History, batch: i64) -> Result<BatchSummary, AppError> {
    history
        .batch(batch)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, "This run is no longer in History."))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screen_showing_an_older_file_cannot_use_the_new_one() {
        let session = BulkSession::default();
        let table = bulk::read(b"Phone,VIP\n9876543210,yes\n").unwrap();
        *lock(&session.file) = Some(Arc::new(Loaded {
            id: 2,
            name: "b.csv".into(),
            table,
            preview: Mutex::default(),
        }));
        assert!(session.loaded(2).is_ok());
        let old = session.loaded(1).err().unwrap();
        assert!(
            old.message.contains("Choose the file again"),
            "{}",
            old.message
        );
        let not_checked = previewed(&session.loaded(2).unwrap()).err().unwrap();
        assert!(
            not_checked.message.contains("preview"),
            "{}",
            not_checked.message
        );
    }

    /// A file with two blacklisting rows, previewed once; returns it with
    /// the preview's number.
    fn previewed_file() -> (Loaded, u32) {
        let table =
            bulk::read(b"Phone,Blacklisted\n9876543210,yes\n9876543211,yes\n9876543212,no\n")
                .unwrap();
        let loaded = Loaded {
            id: 1,
            name: "a.csv".into(),
            preview: Mutex::default(),
            table,
        };
        let p = bulk::preview(
            &loaded.table,
            &bulk::propose(&loaded.table.headers),
            SameCaller::KeepBoth,
        )
        .unwrap();
        assert_eq!(p.counts.blacklisting, 2);
        let n = lock(&loaded.preview).replace(Some(p));
        (loaded, n)
    }

    #[test]
    fn a_start_is_bound_to_the_preview_and_the_blacklisting_it_confirmed() {
        let (loaded, shown) = previewed_file();
        let (current, latest) = previewed(&loaded).unwrap();
        assert_eq!(current, shown);
        // Confirmed in the gate: the two rows it named.
        assert_eq!(confirmed(current, &latest, shown, Some(2)), Ok(true));
        // "Send only the other rows".
        assert_eq!(confirmed(current, &latest, shown, None), Ok(false));
        assert_eq!(confirmed(current, &latest, shown, Some(0)), Ok(false));
        // A count the preview does not have.
        for other in [1, 3] {
            let e = confirmed(current, &latest, shown, Some(other)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Rejected);
            assert_eq!(
                e.message,
                "The preview changed since you confirmed. Look at it again, then send."
            );
        }
    }

    #[test]
    fn a_preview_made_again_refuses_a_start_that_answered_the_one_before() {
        let (loaded, shown) = previewed_file();
        // The manager changes a choice: the same rows, a new preview.
        let again = bulk::preview(
            &loaded.table,
            &bulk::propose(&loaded.table.headers),
            SameCaller::KeepLast,
        )
        .unwrap();
        let newer = lock(&loaded.preview).replace(Some(again));
        assert_ne!(newer, shown);
        let (current, latest) = previewed(&loaded).unwrap();
        for answer in [Some(2), None] {
            let e = confirmed(current, &latest, shown, answer).unwrap_err();
            assert_eq!(e.message, PREVIEW_CHANGED);
        }
        assert_eq!(confirmed(current, &latest, newer, Some(2)), Ok(true));
        // Columns that need changing leave no preview to start from.
        lock(&loaded.preview).replace(None);
        let e = previewed(&loaded).err().unwrap();
        assert!(
            e.message.contains("Look at the preview again"),
            "{}",
            e.message
        );
    }
}
