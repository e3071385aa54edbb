//! Applying a line-up, and anything shaped like one: group by group, each
//! read, compared, sent as one complete assignment through the recorded
//! path a single switch takes ([`send`]), and read again. Undo, "Off
//! everywhere" and "Back as before" are line-ups too: of only the members
//! they put back or switch.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;

use crate::deepcall::group::{ChangeOutcome, GroupId, GroupMembers};
use crate::deepcall::{Client, DeepCallError};
use crate::lineups::{difference, GroupDifference, LineupGroup, LineupMember};

use super::backoff::backoff;
use super::send::{SendError, Sender, Why};

/// How many times a group is tried when DeepCall turns it away for now (a
/// busy server's 429, a gateway's error, a dropped connection): a line-up
/// due at 09:00 should not fail for a moment's rush.
const TRIES: u32 = 4;
/// The first wait, and the longest, between tries without a `Retry-After`;
/// a `Retry-After` is kept up to the longest.
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// How long to wait before trying again after `e`, the `tries`-th refusal.
fn wait_after(e: &DeepCallError, tries: u32) -> Duration {
    match e {
        DeepCallError::RateLimited {
            retry_after: Some(wait),
        } => (*wait).min(LONGEST_WAIT),
        _ => backoff(FIRST_WAIT, LONGEST_WAIT, tries),
    }
}

/// Runs `attempt` until it succeeds, fails for good, or has been tried
/// [`TRIES`] times; `again` says which errors are worth another try.
async fn patiently<T, F, Fut>(
    again: impl Fn(&DeepCallError) -> bool,
    mut attempt: F,
) -> Result<T, DeepCallError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DeepCallError>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(e) if tries + 1 < TRIES && again(&e) => {
                tracing::info!("line-up: DeepCall turned a request away ({e}); trying again");
                tokio::time::sleep(wait_after(&e, tries)).await;
                tries += 1;
            }
            done => return done,
        }
    }
}

/// A group read: reading twice changes nothing, so any error that may pass
/// is tried again.
pub async fn read_patiently(
    client: &Client,
    group: u64,
) -> Result<(GroupId, GroupMembers), DeepCallError> {
    let id = GroupId::new(group)?;
    let read = patiently(DeepCallError::is_retryable, || client.group_members(id)).await?;
    Ok((id, read))
}

/// One group of a line-up, read for its preview.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum GroupPreview {
    /// What applying would change.
    #[serde(rename_all = "camelCase")]
    Read { difference: GroupDifference },
    /// The group could not be read, so what would change is not known.
    #[serde(rename_all = "camelCase")]
    NotRead {
        group: u64,
        group_name: String,
        message: String,
    },
}

/// Reads each group of `groups`, one after another (a read DeepCall turns
/// away for now is tried again), and compares it with the line-up.
pub async fn preview(client: &Client, groups: &[LineupGroup]) -> Vec<GroupPreview> {
    let mut out = Vec::with_capacity(groups.len());
    for target in groups {
        out.push(match read_patiently(client, target.group).await {
            Ok((_, current)) => GroupPreview::Read {
                difference: difference(target, &current),
            },
            Err(e) => GroupPreview::NotRead {
                group: target.group,
                group_name: target.group_name.clone(),
                message: e.to_string(),
            },
        });
    }
    out
}

/// How one group of an application ended.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum GroupApplied {
    /// Sent, and a fresh read shows it.
    #[serde(rename_all = "camelCase")]
    Applied { difference: GroupDifference },
    /// Already as the line-up has it: nothing was sent.
    #[serde(rename_all = "camelCase")]
    Unchanged { difference: GroupDifference },
    /// Not sent: nobody would have received the group's calls, and the
    /// manager had not said yes to that.
    #[serde(rename_all = "camelCase")]
    NobodyWouldReceive { difference: GroupDifference },
    /// Not read, not sent, refused, or not confirmed by a fresh read.
    #[serde(rename_all = "camelCase")]
    Failed {
        group: u64,
        group_name: String,
        message: String,
        /// DeepCall may have applied it: History's Check now reads it again.
        unsure: bool,
    },
}

/// A line-up applied: how each group ended, and what Undo puts back.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub groups: Vec<GroupApplied>,
    /// For each group that changed, its changed members as they were:
    /// applying this (as a line-up) is the whole application's Undo.
    pub undo: Vec<LineupGroup>,
}

impl Application {
    /// How many groups were sent and confirmed.
    pub fn applied_count(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| matches!(g, GroupApplied::Applied { .. }))
            .count()
    }
}

/// Whether a group may be left with nobody receiving its calls.
pub enum Nobody<'a> {
    /// Only the groups the manager said yes to, in the preview.
    Confirmed(&'a [u64]),
    /// Only where the line-up itself has nobody receiving: a schedule runs
    /// with nobody to ask, so a group emptied by members who left since is
    /// not sent.
    AsSaved,
    /// Always: Undo puts back what was there.
    Always,
}

impl Nobody<'_> {
    fn allows(&self, target: &LineupGroup) -> bool {
        match self {
            Nobody::Confirmed(groups) => groups.contains(&target.group),
            Nobody::AsSaved => target.members.iter().all(|m| !m.receives_calls),
            Nobody::Always => true,
        }
    }
}

/// Applies `groups` one after another, calling `on_group` as each ends.
pub async fn apply(
    sender: Sender<'_>,
    why: &Why,
    groups: &[LineupGroup],
    nobody: Nobody<'_>,
    mut on_group: impl FnMut(usize, &GroupApplied),
) -> Application {
    let mut application = Application {
        groups: Vec::with_capacity(groups.len()),
        undo: Vec::new(),
    };
    for (i, target) in groups.iter().enumerate() {
        let applied = apply_group(sender, why, target, nobody.allows(target)).await;
        if let GroupApplied::Applied { difference } = &applied {
            application.undo.push(undoing(target, difference));
        }
        on_group(i, &applied);
        application.groups.push(applied);
    }
    application
}

/// Reads the group, compares, sends the switches that differ, reads again.
/// A send DeepCall turned away without acting on it (a 429, or the
/// connection never made) is tried again from a fresh read.
async fn apply_group(
    sender: Sender<'_>,
    why: &Why,
    target: &LineupGroup,
    allow_nobody: bool,
) -> GroupApplied {
    // `apply_once` fails only for what is worth another try.
    match patiently(|_| true, || apply_once(sender, why, target, allow_nobody)).await {
        Ok(applied) => applied,
        Err(e) => failed(target, e.to_string(), false),
    }
}

fn failed(target: &LineupGroup, message: String, unsure: bool) -> GroupApplied {
    GroupApplied::Failed {
        group: target.group,
        group_name: target.group_name.clone(),
        message,
        unsure,
    }
}

/// [`apply_group`] once; `Err`: DeepCall turned the change away, did
/// nothing, and may take it if asked again.
async fn apply_once(
    sender: Sender<'_>,
    why: &Why,
    target: &LineupGroup,
    allow_nobody: bool,
) -> Result<GroupApplied, DeepCallError> {
    let failed = |message: String, unsure: bool| Ok(failed(target, message, unsure));
    let (id, current) = match read_patiently(sender.client, target.group).await {
        Ok(read) => read,
        Err(e) => return failed(e.to_string(), false),
    };
    let difference = difference(target, &current);
    if !difference.changes_anything() {
        return Ok(GroupApplied::Unchanged { difference });
    }
    let changes = difference.changes();
    match sender
        .change_read(why, id, current, &changes, allow_nobody)
        .await
    {
        Ok(ChangeOutcome::Applied { sent: true, .. }) => Ok(GroupApplied::Applied { difference }),
        Ok(ChangeOutcome::Applied { sent: false, .. }) => {
            Ok(GroupApplied::Unchanged { difference })
        }
        Ok(ChangeOutcome::NobodyWouldReceive { .. }) => {
            Ok(GroupApplied::NobodyWouldReceive { difference })
        }
        // The changes come from this very read, so every one is a member.
        Ok(ChangeOutcome::NoLongerMembers { .. }) => failed(
            "Members left the group while it was being changed, so nothing was sent to it. \
             Apply the line-up again."
                .into(),
            false,
        ),
        Err(e) => match e.error {
            // Turned away before anything was done: worth another try.
            SendError::DeepCall(d) if d.is_retryable() && !d.may_have_been_applied() => Err(d),
            SendError::DeepCall(d) => failed(d.to_string(), d.may_have_been_applied()),
            SendError::History(h) => failed(h.to_string(), false),
        },
    }
}

/// The line-up that puts back what `difference` changed in `target`'s group.
fn undoing(target: &LineupGroup, difference: &GroupDifference) -> LineupGroup {
    let member = |n: &crate::lineups::Named, before: bool| LineupMember {
        agent_id: n.agent_id,
        name: n.name.clone(),
        receives_calls: before,
    };
    LineupGroup {
        group: target.group,
        group_name: difference.group_name.clone(),
        members: difference
            .starts
            .iter()
            .map(|n| member(n, false))
            .chain(difference.stops.iter().map(|n| member(n, true)))
            .collect(),
    }
}
