//! The Groups screen: open a group, change who receives its calls, export.

use serde::Serialize;
use tauri::{Manager, Runtime, State, Window};
use tauri_plugin_dialog::DialogExt;

use super::{blocking, AppError, ErrorKind};
use crate::app::AppState;
use crate::deepcall::group::{ChangeOutcome, GroupId, GroupMembers, GroupSummary, ReceivingChange};
use crate::export;
use crate::files::{self, Access};
use crate::recent::RecentGroup;

/// A group with its members and who receives its calls. Remembered as a
/// recent group of the active account.
#[tauri::command]
#[specta::specta]
pub async fn group_members(
    state: State<'_, AppState>,
    group: String,
) -> Result<GroupMembers, AppError> {
    let id = GroupId::parse(&group)?;
    let members = state.client().await?.group_members(id).await?;
    let state = state.inner().clone();
    let recent = RecentGroup {
        id: members.group.id,
        name: members.group.name.clone(),
    };
    // A convenience: failing to remember it never fails the opening.
    let _ = blocking(move || {
        let _ = state.recent().record(&state.account_key(), recent);
        Ok(())
    })
    .await;
    Ok(members)
}

/// The active account's recently opened groups, most recent first.
#[tauri::command]
#[specta::specta]
pub async fn recent_groups(state: State<'_, AppState>) -> Result<Vec<RecentGroup>, AppError> {
    let state = state.inner().clone();
    blocking(move || Ok(state.recent().list(&state.account_key()))).await
}

/// The account's groups from `Group/list`, or `null` when that list is not
/// available (it failed, or its answer could not be read): the screen then
/// simply asks for a number.
#[tauri::command]
#[specta::specta]
pub async fn group_choices(
    state: State<'_, AppState>,
) -> Result<Option<Vec<GroupSummary>>, AppError> {
    let Ok(client) = state.client().await else {
        return Ok(None);
    };
    Ok(client.group_list().await.ok().flatten())
}

/// Changes who receives a group's calls on `account` (the active one, or
/// `null` for the Sandbox): reads the group, sends the
/// complete lists with `changes` applied, reads again to confirm. Changes
/// are applied one at a time, in the order they arrive.
#[tauri::command]
#[specta::specta]
pub async fn change_receiving(
    state: State<'_, AppState>,
    account: Option<String>,
    group: String,
    changes: Vec<ReceivingChange>,
    allow_nobody: bool,
) -> Result<ChangeOutcome, AppError> {
    let id = GroupId::parse(&group)?;
    if changes.is_empty() {
        return Err(AppError::field(
            "changes",
            "Choose at least one agent to change.",
        ));
    }
    // `account` is the account the screen showed (`null`: the Sandbox).
    let client = state.client_for(account).await?;
    let _one_at_a_time = state.assignment_lock().lock().await;
    Ok(client.change_receiving(id, &changes, allow_nobody).await?)
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    /// Where the file was saved, to show the manager.
    pub path: String,
    pub members: u32,
}

/// Saves the group's member list (read fresh from DeepCall) as CSV where
/// the manager chooses in a save dialog. `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn export_members<R: Runtime>(
    state: State<'_, AppState>,
    window: Window<R>,
    group: String,
) -> Result<Option<ExportDone>, AppError> {
    let id = GroupId::parse(&group)?;
    let members = state.client().await?.group_members(id).await?;
    // Start in Documents (else the home folder), not wherever the app was
    // started from.
    let start = window
        .path()
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| window.path().home_dir().ok());
    let mut dialog = window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("Save the member list")
        .set_file_name(format!("group-{}-members.csv", id.get()))
        .add_filter("CSV spreadsheet", &["csv"]);
    if let Some(dir) = start {
        dialog = dialog.set_directory(dir);
    }
    let chosen = blocking(move || Ok(dialog.blocking_save_file())).await?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|_| {
        AppError::new(
            ErrorKind::FileNotSaved,
            "That place cannot be saved to. Choose a folder on this computer.",
        )
    })?;
    let csv = export::members_csv(&members);
    let count = members.members.len() as u32;
    blocking(move || {
        files::write_atomically(&path, csv.as_bytes(), Access::Document).map_err(|e| {
            AppError::new(
                ErrorKind::FileNotSaved,
                format!(
                    "The member list could not be saved to {}: {}.",
                    path.display(),
                    plain_io(&e)
                ),
            )
        })?;
        Ok(Some(ExportDone {
            path: path.display().to_string(),
            members: count,
        }))
    })
    .await
}

fn plain_io(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "this computer user may not write there",
        K::NotFound => "that folder does not exist",
        K::StorageFull => "the disk is full",
        K::ReadOnlyFilesystem => "that disk is read-only",
        _ => "the file could not be written",
    }
}
