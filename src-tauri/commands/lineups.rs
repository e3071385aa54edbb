//! The Line-ups screen: save what is on now, edit a line-up, see what
//! applying it would change, apply it with progress, undo it, export it.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{Runtime, State, Window};

use super::groups::ExportDone;
use super::{blocking, save, AppError, AppState};
use crate::deepcall::group::GroupId;
use crate::history::{on_disk, History, HistoryError, Purpose};
use crate::lineups::csv::lineup_csv;
use crate::lineups::schedule::Slot;
use crate::lineups::{checked_name, Lineup, LineupGroup, NO_GROUPS};
use crate::sending::lineup::{self, Application, GroupApplied, GroupPreview, Nobody};
use crate::sending::send::{Sender, Why};

/// The key line-ups are kept under: the account's id, or the Sandbox's.
pub(super) fn owner_of(account: &Option<String>) -> String {
    account
        .clone()
        .unwrap_or_else(|| crate::history::SANDBOX_ACCOUNT.into())
}

/// The active account's key (blocking: reads the accounts file).
pub(super) async fn active_key(state: &AppState) -> Result<String, AppError> {
    let state = state.clone();
    blocking(move || Ok(state.account_key())).await
}

/// Runs `work` on History's disk thread with the active account's key: the
/// one way these commands read and write the line-ups kept there.
pub(super) async fn kept<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&History, &str) -> Result<T, HistoryError> + Send + 'static,
) -> Result<T, AppError> {
    let key = active_key(state).await?;
    let history = state.history().await?;
    Ok(on_disk(&history, move |h| work(h, &key)).await?)
}

/// The active account's line-ups, in the manager's order.
#[tauri::command]
#[specta::specta]
pub async fn lineups_list(state: State<'_, AppState>) -> Result<Vec<Lineup>, AppError> {
    kept(&state, |h, key| h.lineups(key)).await
}

/// Reads `groups` now and keeps who receives their calls as a new line-up
/// called `name`.
#[tauri::command]
#[specta::specta]
pub async fn lineup_save_current(
    state: State<'_, AppState>,
    name: String,
    groups: Vec<GroupId>,
) -> Result<Lineup, AppError> {
    // What the manager typed is checked before DeepCall is read.
    let name = checked_name(&name).map_err(|e| AppError::field("name", e))?;
    if groups.is_empty() {
        return Err(AppError::field("groups", NO_GROUPS));
    }
    let client = state.client().await?;
    let mut read = Vec::with_capacity(groups.len());
    for g in groups {
        read.push(LineupGroup::from_read(&client.group_members(g).await?));
    }
    let key = active_key(&state).await?;
    let history = state.history().await?;
    on_disk(&history, move |h| h.create_lineup(&key, &name, &read))
        .await
        .map_err(|e| AppError::field("name", e.to_string()))
}

/// Renames a line-up.
#[tauri::command]
#[specta::specta]
pub async fn lineup_rename(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> Result<Lineup, AppError> {
    let key = active_key(&state).await?;
    let history = state.history().await?;
    on_disk(&history, move |h| h.rename_lineup(&key, id, &name))
        .await
        .map_err(|e| AppError::field("name", e.to_string()))
}

/// Sets whether one member receives calls in the line-up (not in DeepCall).
#[tauri::command]
#[specta::specta]
pub async fn lineup_set_member(
    state: State<'_, AppState>,
    id: i64,
    group: u64,
    agent: u64,
    receives_calls: bool,
) -> Result<Lineup, AppError> {
    kept(&state, move |h, key| {
        h.set_lineup_member(key, id, group, agent, receives_calls)
    })
    .await
}

/// Sets the times of the week the line-up is applied at.
#[tauri::command]
#[specta::specta]
pub async fn lineup_set_slots(
    state: State<'_, AppState>,
    id: i64,
    slots: Vec<Slot>,
) -> Result<Lineup, AppError> {
    if let Some(e) = slots.iter().find_map(|s| s.validate().err()) {
        return Err(AppError::field(e.field, e.message));
    }
    kept(&state, move |h, key| h.set_lineup_slots(key, id, &slots)).await
}

/// Moves a line-up one place `earlier` (or later) in the list: of two due
/// at once, the earlier is applied first. Returns the list in its order.
#[tauri::command]
#[specta::specta]
pub async fn lineup_move(
    state: State<'_, AppState>,
    id: i64,
    earlier: bool,
) -> Result<Vec<Lineup>, AppError> {
    kept(&state, move |h, key| h.move_lineup(key, id, earlier)).await
}

/// Forgets a line-up; what it sent stays in History.
#[tauri::command]
#[specta::specta]
pub async fn lineup_delete(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    kept(&state, move |h, key| h.delete_lineup(key, id)).await
}

/// Reads every group of the line-up and says what applying it would change.
#[tauri::command]
#[specta::specta]
pub async fn lineup_preview(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<GroupPreview>, AppError> {
    let lineup = kept(&state, move |h, key| h.lineup(key, id)).await?;
    let client = state.client().await?;
    Ok(lineup::preview(&client, &lineup.groups).await)
}

/// One group of an application has ended.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupProgress {
    /// Its place among the groups, from 0.
    pub index: u32,
    pub total: u32,
    pub group: GroupApplied,
}

/// Applies line-up `id` on `account` (the active one, `null` for the
/// Sandbox), group by group, telling `on_group` as each ends. Groups in
/// `allow_nobody` may be left with nobody receiving calls: the manager said
/// yes to that in the preview. `scheduled`: a line-up whose time was missed,
/// applied now that the manager said so.
#[tauri::command]
#[specta::specta]
pub async fn lineup_apply(
    state: State<'_, AppState>,
    account: Option<String>,
    id: i64,
    allow_nobody: Vec<u64>,
    scheduled: bool,
    on_group: Channel<GroupProgress>,
) -> Result<Application, AppError> {
    let key = owner_of(&account);
    let history = state.history().await?;
    let lineup = on_disk(&history, move |h| h.lineup(&key, id)).await?;
    let why = Why {
        purpose: if scheduled {
            Purpose::Scheduled
        } else {
            Purpose::Lineup
        },
        lineup: Some(lineup.name.clone()),
    };
    send_groups(
        &state,
        account,
        &why,
        &lineup.groups,
        Nobody::Confirmed(&allow_nobody),
        progress(&on_group),
    )
    .await
}

/// Undoes a whole application of the line-up `name`: `undo` is the
/// application's own, each group read again before it is put back.
#[tauri::command]
#[specta::specta]
pub async fn lineup_undo(
    state: State<'_, AppState>,
    account: Option<String>,
    name: String,
    undo: Vec<LineupGroup>,
    on_group: Channel<GroupProgress>,
) -> Result<Application, AppError> {
    let why = Why {
        purpose: Purpose::Undo,
        lineup: Some(name),
    };
    send_groups(
        &state,
        account,
        &why,
        &undo,
        Nobody::Always,
        progress(&on_group),
    )
    .await
}

/// Tells the window as each group of an application ends.
pub(super) fn progress(
    on_group: &Channel<GroupProgress>,
) -> impl FnMut(usize, usize, &GroupApplied) + '_ {
    move |index, total, group| {
        // The window may have gone; the application goes on.
        let _ = on_group.send(GroupProgress {
            index: index as u32,
            total: total as u32,
            group: group.clone(),
        });
    }
}

/// Sends `groups` as `account`, one group at a time, while no other change
/// of who receives calls is sent; `on_group(index, total, how it ended)`.
pub(crate) async fn send_groups(
    state: &AppState,
    account: Option<String>,
    why: &Why,
    groups: &[LineupGroup],
    nobody: Nobody<'_>,
    mut on_group: impl FnMut(usize, usize, &GroupApplied),
) -> Result<Application, AppError> {
    let history = state.history().await?;
    let (client, sender) = state.sender_for(account).await?;
    let _one_at_a_time = state.assignment_lock().lock().await;
    let total = groups.len();
    Ok(lineup::apply(
        Sender {
            history: &history,
            client: &client,
            account: &sender,
        },
        why,
        groups,
        nobody,
        |index, group| on_group(index, total, group),
    )
    .await)
}

/// Saves the line-up as CSV where the manager chooses. `null` when they
/// cancel.
#[tauri::command]
#[specta::specta]
pub async fn lineup_export<R: Runtime>(
    state: State<'_, AppState>,
    window: Window<R>,
    id: i64,
) -> Result<Option<ExportDone>, AppError> {
    let lineup = kept(&state, move |h, key| h.lineup(key, id)).await?;
    let Some(path) = save::choose(
        &window,
        "Save the line-up",
        &format!("line-up-{}.csv", file_safe(&lineup.name)),
    )
    .await?
    else {
        return Ok(None);
    };
    let members = lineup.groups.iter().map(|g| g.members.len()).sum::<usize>() as u32;
    let path = save::write(path, lineup_csv(&lineup).into_bytes(), "The line-up").await?;
    Ok(Some(ExportDone { path, members }))
}

/// A name as part of a file name: letters, digits and dashes.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    safe.trim_matches('-').to_owned()
}
