//! The Groups screen: open a group, change who receives its calls, export.

use serde::Serialize;
use tauri::{Runtime, State, Window};

use super::AppState;
use super::{blocking, save, AppError};
use crate::deepcall::group::{ChangeOutcome, GroupId, GroupMembers, GroupSummary, ReceivingChange};
use crate::export;
use crate::history::Purpose;
use crate::recent::RecentGroup;
use crate::sending::send;

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
/// `null` for the Sandbox): reads the group, records the change in History,
/// sends the complete lists with `changes` applied, reads again to confirm.
/// Changes are applied one at a time, in the order they arrive.
#[tauri::command]
#[specta::specta]
pub async fn change_receiving(
    state: State<'_, AppState>,
    account: Option<String>,
    group: String,
    changes: Vec<ReceivingChange>,
    allow_nobody: bool,
    purpose: Purpose,
) -> Result<ChangeOutcome, AppError> {
    let id = GroupId::parse(&group)?;
    if changes.is_empty() {
        return Err(AppError::field(
            "changes",
            "Choose at least one agent to change.",
        ));
    }
    let history = state.history().await?;
    let (client, sender) = state.sender_for(account).await?;
    let _one_at_a_time = state.assignment_lock().lock().await;
    Ok(send::change_receiving(
        &history,
        &client,
        &sender,
        purpose,
        id,
        &changes,
        allow_nobody,
    )
    .await?)
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
    let Some(path) = save::choose(
        &window,
        "Save the member list",
        &format!("group-{}-members.csv", id.get()),
    )
    .await?
    else {
        return Ok(None);
    };
    let csv = export::members_csv(&members);
    let count = members.members.len() as u32;
    let path = save::write(path, csv.into_bytes(), "The member list").await?;
    Ok(Some(ExportDone {
        path,
        members: count,
    }))
}
