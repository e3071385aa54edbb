//! Choosing the file (Rust's open dialog: the webview gets no file
//! access), its preview, and pages of its rows.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tauri::{Runtime, State, Window};

use super::super::{blocking, save, AppError, ErrorKind};
use super::*;
use crate::bulk::Separator;
use crate::bulk::{
    self, Counts, FileError, Mapping, MappingProblem, Preview, RowPreview, RowState, SameCaller,
};
use crate::deepcall::directory::ContactNumber;

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
