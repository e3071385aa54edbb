//! The Bulk update screen: choose a CSV file (Rust's open dialog; the
//! webview gets no file access), map its columns, preview every row, then
//! run it as a recorded batch, a few rows at a time, with progress, Pause,
//! Resume and Cancel. The file and its preview stay here; the screen gets
//! counts and pages of rows, never the whole 100,000-row preview.

pub mod file;
pub mod results;
pub mod run;

use std::sync::{Arc, Mutex, MutexGuard};

use super::{AppError, ErrorKind};
use crate::bulk::Preview;
use crate::bulk::Runs;
use crate::bulk::Table;
use crate::history::batch::BatchSummary;
use crate::history::History;

/// The chosen file and the bulk runs under way in this app. Managed state.
#[derive(Default)]
pub struct BulkSession {
    file: Mutex<Option<Arc<Loaded>>>,
    runs: Runs,
}

/// A file read, and its latest preview.
pub(super) struct Loaded {
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
pub(super) struct Previews {
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

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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

/// The latest preview of the file, with its number.
pub(super) fn previewed(loaded: &Loaded) -> Result<(u32, Arc<Preview>), AppError> {
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
pub(super) const PREVIEW_CHANGED: &str =
    "The preview changed since you confirmed. Look at it again, then send.";

/// Whether a start may go ahead: `shown` is the preview the manager looked
/// at and `blacklisting_confirmed` the number of blacklisting rows they
/// confirmed (`None` or 0: they chose to send only the other rows); `latest`
/// is the preview now, numbered `current`. `Ok(true)`: its blacklisting
/// rows are sent; `Ok(false)`: they are left out.
pub(super) fn confirmed(
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

/// A run as History has it now.
pub(super) fn summary_of(history: &History, batch: i64) -> Result<BatchSummary, AppError> {
    history
        .batch(batch)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, "This run is no longer in History."))
}

#[cfg(test)]
mod tests;
