//! The Groups screen: open a group, change who receives its calls, export.

use serde::Serialize;
use tauri::{Runtime, State, Window};

use super::AppState;
use super::{blocking, save, AppError};
use crate::deepcall::group::{ChangeOutcome, GroupId, GroupMembers, GroupSummary, ReceivingChange};
use crate::export;
use crate::history::Purpose;
use crate::recent::RecentGroup;
use crate::sending::send::{self, NotChanged};

/// A group with its members and who receives its calls. Remembered as a
/// recent group of the active account.
#[tauri::command]
#[specta::specta]
pub async fn group_members(
    state: State<'_, AppState>,
    group: GroupId,
) -> Result<GroupMembers, AppError> {
    let members = state.client().await?.group_members(group).await?;
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

/// A change of who receives calls that failed: why, and the group as last
/// read (`null` when it could not be read), which the screen shows instead
/// of reading it again.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ChangeFailed {
    #[serde(flatten)]
    pub error: AppError,
    pub group: Option<Box<GroupMembers>>,
}

impl From<AppError> for ChangeFailed {
    fn from(error: AppError) -> Self {
        Self { error, group: None }
    }
}

impl From<NotChanged> for ChangeFailed {
    fn from(e: NotChanged) -> Self {
        Self {
            error: e.error.into(),
            group: e.last_read,
        }
    }
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
    group: GroupId,
    changes: Vec<ReceivingChange>,
    allow_nobody: bool,
    purpose: Purpose,
) -> Result<ChangeOutcome, ChangeFailed> {
    if changes.is_empty() {
        return Err(AppError::field("changes", "Choose at least one agent to change.").into());
    }
    let history = state.history().await?;
    let (client, sender) = state.sender_for(account).await?;
    let _one_at_a_time = state.assignment_lock().lock().await;
    Ok(send::change_receiving(
        &history,
        &client,
        &sender,
        purpose,
        group,
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
    group: GroupId,
) -> Result<Option<ExportDone>, AppError> {
    let members = state.client().await?.group_members(group).await?;
    let Some(path) = save::choose(
        &window,
        "Save the member list",
        &format!("group-{}-members.csv", group.get()),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::commands::ErrorKind;
    use crate::deepcall::group::{Group, Member};
    use crate::deepcall::DeepCallError;
    use crate::sending::send::SendError;

    /// Group 28 as DeepCall had it after a change that did not apply.
    fn last_read() -> GroupMembers {
        GroupMembers {
            group: Group {
                id: 28,
                name: "Mahipal singh".into(),
                status: Some(1),
                created_at: None,
                created_by: None,
            },
            members: vec![Member {
                agent_id: 8,
                name: Some("manoj".into()),
                in_agent_list: true,
                receives_calls: true,
            }],
            other_agents: vec![],
        }
    }

    #[test]
    fn a_failed_change_answers_its_error_with_the_group_as_last_read() {
        let failed: ChangeFailed = NotChanged {
            error: SendError::DeepCall(DeepCallError::NotApplied),
            last_read: Some(Box::new(last_read())),
        }
        .into();
        assert_eq!(failed.group, Some(Box::new(last_read())));
        // The window reads it as an AppError that also has the group.
        let sent = serde_json::to_value(&failed).unwrap();
        let error = serde_json::to_value(AppError::from(DeepCallError::NotApplied)).unwrap();
        for field in ["kind", "message", "field", "retryable"] {
            assert_eq!(sent[field], error[field], "{field}");
        }
        assert_eq!(sent["kind"], "Rejected");
        assert_eq!(sent["retryable"], true);
        assert_eq!(sent["group"]["group"]["id"], 28);
        assert_eq!(
            sent["group"]["members"],
            json!([{"agentId": 8, "name": "manoj", "inAgentList": true, "receivesCalls": true}])
        );
    }

    #[test]
    fn a_change_refused_before_any_read_carries_no_group() {
        let refused: ChangeFailed =
            AppError::field("changes", "Choose at least one agent to change.").into();
        let sent = serde_json::to_value(&refused).unwrap();
        assert_eq!(sent["kind"], "InvalidInput");
        assert_eq!(sent["field"], "changes");
        assert_eq!(sent["group"], json!(null));
        let unread: ChangeFailed = NotChanged {
            error: SendError::DeepCall(DeepCallError::Timeout { seconds: 30 }),
            last_read: None,
        }
        .into();
        assert_eq!(unread.group, None);
        assert_eq!(unread.error.kind, ErrorKind::Timeout);
    }
}
