//! The only way the app sends a change: written down first, then sent,
//! then settled by the answer. The commands call these; neither screen has
//! another way to change DeepCall.

use crate::deepcall::directory::form::Save;
use crate::deepcall::directory::ContactNumber;
use crate::deepcall::group::{
    self, Assignment, ChangeOutcome, GroupId, GroupMembers, Plan, ReceivingChange,
};
use crate::deepcall::{Client, DeepCallError};

use crate::history::{on_disk, AccountRef, Change, History, HistoryError, Outcome, Purpose};

/// Why a recorded change did not go through.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    DeepCall(#[from] DeepCallError),
    /// History could not write it down, so it was not sent.
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// A change of who receives calls that did not go through, with the group
/// as it was last read on the way (`None`: it could not be read at all), so
/// that the screen shows that instead of reading it again.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct NotChanged {
    pub error: SendError,
    /// Boxed: a group of 10,000 members is no weight for every error.
    pub last_read: Option<Box<GroupMembers>>,
}

impl NotChanged {
    fn new(error: impl Into<SendError>, last_read: Option<GroupMembers>) -> Self {
        Self {
            error: error.into(),
            last_read: last_read.map(Box::new),
        }
    }
}

/// How a request that went wrong leaves its entries: whether DeepCall may
/// have applied it decides between *failed* and *outcome unknown*.
pub fn settled_by(e: &DeepCallError) -> (Outcome, String) {
    match e {
        DeepCallError::NotApplied => (Outcome::NotApplied, e.to_string()),
        e if e.may_have_been_applied() => (
            Outcome::Unknown,
            format!(
                "{e} Whether DeepCall applied the change is not known: Check now reads it again."
            ),
        ),
        // Refused, with DeepCall's own words.
        DeepCallError::Api { server_message, .. } if !server_message.trim().is_empty() => (
            Outcome::Failed,
            format!("{e} DeepCall said: “{}”.", server_message.trim()),
        ),
        // Refused, or it never reached DeepCall: not applied.
        e => (Outcome::Failed, e.to_string()),
    }
}

/// Settles a submission; a History that cannot be written now leaves the
/// entries *sending*, which the next start turns into *outcome unknown*.
async fn settle(history: &History, submission: i64, outcome: Outcome, message: Option<String>) {
    let done = on_disk(history, move |h| {
        h.settle(submission, outcome, message.as_deref())
    })
    .await;
    if let Err(e) = done {
        tracing::error!("history: entry {submission} not settled as {outcome:?}: {e}");
    }
}

async fn settle_error(history: &History, submission: i64, e: &DeepCallError) {
    let (outcome, message) = settled_by(e);
    settle(history, submission, outcome, Some(message)).await;
}

/// Writes `changes` down, committed, and only then runs `send`.
pub async fn recorded<T, F>(
    history: &History,
    account: &AccountRef,
    purpose: Purpose,
    changes: Vec<Change>,
    send: impl FnOnce(i64) -> F,
) -> Result<T, SendError>
where
    F: std::future::Future<Output = Result<T, SendError>>,
{
    let account = account.clone();
    let submission = on_disk(history, move |h| h.record(&account, purpose, &changes)).await?;
    send(submission).await
}

/// Why a change of who receives calls is sent, as History records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Why {
    pub purpose: Purpose,
    /// The line-up that sends it, if one does.
    pub lineup: Option<String>,
}

impl From<Purpose> for Why {
    fn from(purpose: Purpose) -> Self {
        Self {
            purpose,
            lineup: None,
        }
    }
}

/// Changes who receives a group's calls on `client`'s account: reads the
/// group, records one entry per member whose switch changes, sends the
/// complete lists, and reads again to confirm. A change that fails carries
/// the group as last read: the read before it when DeepCall refused it (so
/// nothing changed), else a read after it.
pub async fn change_receiving(
    history: &History,
    client: &Client,
    account: &AccountRef,
    purpose: Purpose,
    group: GroupId,
    changes: &[ReceivingChange],
    allow_nobody: bool,
) -> Result<ChangeOutcome, NotChanged> {
    let current = client
        .group_members(group)
        .await
        .map_err(|e| NotChanged::new(e, None))?;
    let sender = Sender {
        history,
        client,
        account,
    };
    sender
        .change_read(&purpose.into(), group, current, changes, allow_nobody)
        .await
}

/// Who sends a change, where it is written down first, and to whom it goes.
#[derive(Clone, Copy)]
pub struct Sender<'a> {
    pub history: &'a History,
    pub client: &'a Client,
    pub account: &'a AccountRef,
}

impl Sender<'_> {
    /// As [`change_receiving`], on `current`, `group` as just read.
    pub async fn change_read(
        self,
        why: &Why,
        group: GroupId,
        current: GroupMembers,
        changes: &[ReceivingChange],
        allow_nobody: bool,
    ) -> Result<ChangeOutcome, NotChanged> {
        let Sender {
            history,
            client,
            account,
        } = self;
        let assignment = match Assignment::plan(group, &current, changes, allow_nobody) {
            Plan::AlreadyApplied => {
                return Ok(ChangeOutcome::Applied {
                    group: current,
                    sent: false,
                })
            }
            Plan::NobodyWouldReceive => {
                return Ok(ChangeOutcome::NobodyWouldReceive { group: current })
            }
            Plan::NoLongerMembers(agent_ids) => {
                return Ok(ChangeOutcome::NoLongerMembers {
                    group: current,
                    agent_ids,
                })
            }
            Plan::Send(a) => a,
        };
        // One entry per member whose switch this changes, in the order asked.
        let mut entries: Vec<Change> = Vec::new();
        let last = group::last_asked(changes);
        for member in &current.members {
            let Some(&(_, on)) = last.get(&member.agent_id) else {
                continue;
            };
            if member.receives_calls != on {
                entries.push(Change::Receiving {
                    group: group.get(),
                    group_name: current.group.name.clone(),
                    agent_id: member.agent_id,
                    agent_name: member.name.clone(),
                    before: Some(member.receives_calls),
                    after: on,
                    lineup: why.lineup.clone(),
                });
            }
        }
        let current = &current;
        let sent = recorded(
            history,
            account,
            why.purpose,
            entries,
            |submission| async move {
                Ok(assign(history, client, submission, &assignment, current).await)
            },
        )
        .await;
        match sent {
            Ok(outcome) => outcome,
            // History could not write it down: nothing was sent.
            Err(e) => Err(NotChanged::new(e, Some(current.clone()))),
        }
    }
}

/// Sends `assignment`, recorded as `submission`, and reads the group again
/// to confirm; `current` is the read it was planned from.
async fn assign(
    history: &History,
    client: &Client,
    submission: i64,
    assignment: &Assignment,
    current: &GroupMembers,
) -> Result<ChangeOutcome, NotChanged> {
    if let Err(e) = client.assign_group(assignment).await {
        settle_error(history, submission, &e).await;
        // Refused, DeepCall has what it had; else it may have applied it.
        let after = if e.may_have_been_applied() {
            client.group_members(assignment.group).await.ok()
        } else {
            None
        };
        return Err(NotChanged::new(
            e,
            Some(after.unwrap_or_else(|| current.clone())),
        ));
    }
    let after = match client.group_members(assignment.group).await {
        Ok(after) => after,
        Err(e) => {
            let message = format!(
                "DeepCall accepted the change, but reading the group again failed: {e} \
                 Check now reads it again."
            );
            settle(history, submission, Outcome::Unknown, Some(message)).await;
            return Err(NotChanged::new(e, Some(current.clone())));
        }
    };
    if !assignment.is_shown_by(&after) {
        settle_error(history, submission, &DeepCallError::NotApplied).await;
        return Err(NotChanged::new(DeepCallError::NotApplied, Some(after)));
    }
    settle(history, submission, Outcome::Confirmed, None).await;
    Ok(ChangeOutcome::Applied {
        group: after,
        sent: true,
    })
}

/// Sends a contact's checked changes in one `Directory/update`, recorded.
pub async fn update_contact(
    history: &History,
    client: &Client,
    account: &AccountRef,
    purpose: Purpose,
    number: &ContactNumber,
    name: Option<String>,
    save: &Save,
) -> Result<(), SendError> {
    // Refused before it is written down: nothing would be sent.
    save.update.validate()?;
    let change = Change::Contact {
        number: number.as_str().to_owned(),
        name,
        changes: save.changes.clone(),
    };
    recorded(
        history,
        account,
        purpose,
        vec![change],
        |submission| async move {
            match client.update_contact(number, &save.update).await {
                Ok(()) => {
                    settle(history, submission, Outcome::Confirmed, None).await;
                    Ok(())
                }
                Err(e) => {
                    settle_error(history, submission, &e).await;
                    Err(e.into())
                }
            }
        },
    )
    .await
}
