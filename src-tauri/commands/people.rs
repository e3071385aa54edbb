//! The People screen: one agent across the account's groups, switched off
//! everywhere while on leave, and back as before.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use super::lineups::{active_key, owner_of, progress, send_groups, GroupProgress};
use super::{blocking, AppError, AppState, ErrorKind};
use crate::deepcall::group::GroupMembers;
use crate::deepcall::Client;
use crate::history::{now_ms, on_disk, Purpose};
use crate::lineups::across::{agents_across, AgentPlaces, Place};
use crate::lineups::leave::{Leave, LeftGroup};
use crate::lineups::{LineupGroup, LineupMember};
use crate::sending::lineup::{self, Application, GroupApplied, GroupPreview, Nobody};
use crate::sending::send::Why;

/// A group People could not read, and why.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NotRead {
    pub group: u64,
    pub group_name: String,
    pub message: String,
}

/// Every agent of the account's groups, with where they are.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct People {
    /// The groups are DeepCall's list of the account's groups; `false`: that
    /// list did not answer, and they are the groups opened on this computer.
    pub from_list: bool,
    pub groups_read: u32,
    pub not_read: Vec<NotRead>,
    pub agents: Vec<AgentPlaces>,
    /// Agents switched off everywhere by this computer and not yet back.
    pub on_leave: Vec<Leave>,
}

/// Reads every group of the account (Group/list, else the recent groups),
/// one after another, and lists their agents.
#[tauri::command]
#[specta::specta]
pub async fn people_overview(state: State<'_, AppState>) -> Result<People, AppError> {
    let key = active_key(&state).await?;
    let client = state.client().await?;
    let listed = client.group_list().await.ok().flatten();
    let from_list = listed.is_some();
    let groups: Vec<(u64, String)> = match listed {
        Some(list) => list.into_iter().map(|g| (g.id, g.name)).collect(),
        None => {
            let (state, key) = (state.inner().clone(), key.clone());
            blocking(move || Ok(state.recent().list(&key)))
                .await?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect()
        }
    };
    let mut read = Vec::new();
    let mut not_read = Vec::new();
    for (id, name) in groups {
        match read_group(&client, id).await {
            Ok(g) => read.push(g),
            Err(message) => not_read.push(NotRead {
                group: id,
                group_name: name,
                message,
            }),
        }
    }
    let history = state.history().await?;
    let on_leave = on_disk(&history, move |h| {
        h.on_leave(&key)?
            .into_iter()
            .filter_map(|agent| h.leave(&key, agent).transpose())
            .collect()
    })
    .await?;
    Ok(People {
        from_list,
        groups_read: read.len() as u32,
        not_read,
        agents: agents_across(&read),
        on_leave,
    })
}

async fn read_group(client: &Client, id: u64) -> Result<GroupMembers, String> {
    lineup::read_patiently(client, id)
        .await
        .map(|(_, read)| read)
        .map_err(|e| e.to_string())
}

/// One agent set to `on` in each of `places`, as line-up groups.
fn only_agent(
    agent: u64,
    name: &Option<String>,
    places: &[(u64, String)],
    on: bool,
) -> Vec<LineupGroup> {
    places
        .iter()
        .map(|(group, group_name)| LineupGroup {
            group: *group,
            group_name: group_name.clone(),
            members: vec![LineupMember {
                agent_id: agent,
                name: name.clone(),
                receives_calls: on,
            }],
        })
        .collect()
}

fn groups_of(places: &[Place]) -> Vec<(u64, String)> {
    places
        .iter()
        .map(|p| (p.group, p.group_name.clone()))
        .collect()
}

/// What "Off everywhere" would change: `agent` switched off in each of
/// `places`, each group read now.
#[tauri::command]
#[specta::specta]
pub async fn people_off_preview(
    state: State<'_, AppState>,
    agent: u64,
    places: Vec<Place>,
) -> Result<Vec<GroupPreview>, AppError> {
    let client = state.client().await?;
    let targets = only_agent(agent, &None, &groups_of(&places), false);
    Ok(lineup::preview(&client, &targets).await)
}

/// "Off everywhere": keeps where `agent` receives calls now, then switches
/// them off in each of `places`, group by group.
#[tauri::command]
#[specta::specta]
pub async fn people_off(
    state: State<'_, AppState>,
    account: Option<String>,
    agent: u64,
    agent_name: Option<String>,
    places: Vec<Place>,
    allow_nobody: Vec<u64>,
    on_group: Channel<GroupProgress>,
) -> Result<Application, AppError> {
    let places = groups_of(&places);
    let targets = only_agent(agent, &agent_name, &places, false);
    // What they have now, read fresh, is kept before anything is sent:
    // "Back as before" puts back exactly that.
    let client = state.client().await?;
    let mut had = Vec::new();
    for p in lineup::preview(&client, &targets).await {
        // The line-up of one member off: they are a stop where they
        // receive calls now, and unchanged where they do not.
        if let GroupPreview::Read { difference } = p {
            let receives_calls = difference.stops.iter().any(|n| n.agent_id == agent);
            if receives_calls || difference.unchanged > 0 {
                had.push(LeftGroup {
                    group: difference.group,
                    group_name: difference.group_name,
                    receives_calls,
                });
            }
        }
    }
    let leave = Leave {
        agent_id: agent,
        agent_name,
        groups: had,
        since_ms: now_ms(),
    };
    let key = owner_of(&account);
    let history = state.history().await?;
    on_disk(&history, move |h| h.start_leave(&key, &leave)).await?;
    let why = Why::from(Purpose::OffEverywhere);
    send_groups(
        &state,
        account,
        &why,
        &targets,
        Nobody::Confirmed(&allow_nobody),
        progress(&on_group),
    )
    .await
}

async fn leave_of(state: &AppState, key: String, agent: u64) -> Result<Leave, AppError> {
    let history = state.history().await?;
    on_disk(&history, move |h| h.leave(&key, agent))
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::NotFound,
                "This computer has no record of where this agent received calls before their \
                 leave, so they cannot be put back as before. Switch them on in each group \
                 instead.",
            )
        })
}

fn back_targets(leave: &Leave) -> Vec<LineupGroup> {
    let places: Vec<(u64, String)> = leave
        .received_in()
        .map(|g| (g.group, g.group_name.clone()))
        .collect();
    only_agent(leave.agent_id, &leave.agent_name, &places, true)
}

/// What "Back as before" would change, each group read now.
#[tauri::command]
#[specta::specta]
pub async fn people_back_preview(
    state: State<'_, AppState>,
    agent: u64,
) -> Result<Vec<GroupPreview>, AppError> {
    let leave = leave_of(&state, active_key(&state).await?, agent).await?;
    let client = state.client().await?;
    Ok(lineup::preview(&client, &back_targets(&leave)).await)
}

/// "Back as before": switches `agent` on again wherever they received calls
/// before their leave. The leave is forgotten once every group is done.
#[tauri::command]
#[specta::specta]
pub async fn people_back(
    state: State<'_, AppState>,
    account: Option<String>,
    agent: u64,
    on_group: Channel<GroupProgress>,
) -> Result<Application, AppError> {
    let key = owner_of(&account);
    let leave = leave_of(&state, key.clone(), agent).await?;
    let why = Why::from(Purpose::BackAsBefore);
    let application = send_groups(
        &state,
        account,
        &why,
        &back_targets(&leave),
        Nobody::Always,
        progress(&on_group),
    )
    .await?;
    let done = !application
        .groups
        .iter()
        .any(|g| matches!(g, GroupApplied::Failed { .. }));
    if done {
        let history = state.history().await?;
        on_disk(&history, move |h| h.end_leave(&key, agent)).await?;
    }
    Ok(application)
}
