//! A change of who receives a group's calls: the complete lists to send,
//! and how the change ended.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::*;

/// The complete membership to send: every member, and which of them receive calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub group: GroupId,
    pub members: Vec<u64>,
    pub receiving: Vec<u64>,
}

impl Assignment {
    /// The assignment that keeps `current` exactly as it is.
    pub fn from_current(group: GroupId, current: &GroupMembers) -> Self {
        Self {
            group,
            members: current.members.iter().map(|m| m.agent_id).collect(),
            receiving: current
                .members
                .iter()
                .filter(|m| m.receives_calls)
                .map(|m| m.agent_id)
                .collect(),
        }
    }

    /// Sets whether `agent` receives calls; `false` if it is not a member.
    pub fn set_receiving(&mut self, agent: u64, on: bool) -> bool {
        if !self.members.contains(&agent) {
            return false;
        }
        self.receiving.retain(|a| *a != agent);
        if on {
            self.receiving.push(agent);
        }
        true
    }

    pub(super) fn validate(&self) -> Result<(), DeepCallError> {
        let members: HashSet<_> = self.members.iter().collect();
        if members.len() != self.members.len() {
            return Err(DeepCallError::invalid_input(
                "agent_unique_id",
                "An agent is listed twice.",
            ));
        }
        if let Some(a) = self.receiving.iter().find(|a| !members.contains(a)) {
            return Err(DeepCallError::invalid_input(
                "receive_call",
                format!("Agent #{a} cannot receive calls without being a member."),
            ));
        }
        Ok(())
    }

    pub(super) fn body(&self) -> Map<String, Value> {
        let ids =
            |v: &[u64]| Value::Array(v.iter().map(|i| Value::String(i.to_string())).collect());
        let mut body = Map::new();
        body.insert("groupId".into(), json!(self.group.get()));
        body.insert("agent_unique_id".into(), ids(&self.members));
        body.insert("receive_call".into(), ids(&self.receiving));
        body
    }
}

/// One switch flipped by the manager: whether `agent_id` receives calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReceivingChange {
    pub agent_id: u64,
    pub receives_calls: bool,
}

/// How a change of who receives calls ended (see
/// `sending::send::change_receiving`, the one place that sends one: it
/// reads the group, sends the complete member and receive-call lists with
/// the changes applied, because the docs do not say whether
/// `submitAssignGroupToAgent` replaces or merges, then reads again). Every variant carries the
/// group as DeepCall has it now, so the screen always shows the server.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum ChangeOutcome {
    /// Sent, and a fresh read shows it applied.
    #[serde(rename_all = "camelCase")]
    Applied { group: GroupMembers, sent: bool },
    /// Nothing sent: afterwards nobody would receive the group's calls, and
    /// the manager has not said yes to that.
    #[serde(rename_all = "camelCase")]
    NobodyWouldReceive { group: GroupMembers },
    /// Nothing sent: these agents are no longer members (someone else
    /// changed the group meanwhile).
    #[serde(rename_all = "camelCase")]
    NoLongerMembers {
        group: GroupMembers,
        agent_ids: Vec<u64>,
    },
}

/// What `changes` does to `current`: the complete assignment to send, or
/// why nothing should be sent.
pub enum Plan {
    /// The server already has every change.
    AlreadyApplied,
    Send(Assignment),
    NobodyWouldReceive,
    NoLongerMembers(Vec<u64>),
}

impl Assignment {
    /// Applies `changes` (in order) to the group as it is now.
    pub fn plan(
        group: GroupId,
        current: &GroupMembers,
        changes: &[ReceivingChange],
        allow_nobody: bool,
    ) -> Plan {
        let unchanged = Self::from_current(group, current);
        let members: HashSet<u64> = unchanged.members.iter().copied().collect();
        let missing: Vec<u64> = changes
            .iter()
            .filter(|c| !members.contains(&c.agent_id))
            .map(|c| c.agent_id)
            .collect();
        if !missing.is_empty() {
            return Plan::NoLongerMembers(missing);
        }
        // As `set_receiving` for each change in turn, in linear time (a
        // change may name all 10,000 members): the receivers no change
        // names keep their places, then those turned on, in the order of
        // their last change.
        let last = last_asked(changes);
        let mut turned_on: Vec<(usize, u64)> = last
            .iter()
            .filter(|(_, (_, on))| *on)
            .map(|(agent, (at, _))| (*at, *agent))
            .collect();
        turned_on.sort_unstable();
        let mut assignment = unchanged.clone();
        assignment.receiving.retain(|a| !last.contains_key(a));
        assignment
            .receiving
            .extend(turned_on.into_iter().map(|(_, agent)| agent));
        if assignment.same_receivers(&unchanged) {
            return Plan::AlreadyApplied;
        }
        if assignment.receiving.is_empty() && !assignment.members.is_empty() && !allow_nobody {
            return Plan::NobodyWouldReceive;
        }
        Plan::Send(assignment)
    }

    pub(super) fn same_receivers(&self, other: &Self) -> bool {
        let a: HashSet<_> = self.receiving.iter().collect();
        let b: HashSet<_> = other.receiving.iter().collect();
        a == b
    }

    /// Whether `group` (a fresh read) shows exactly this assignment.
    pub fn is_shown_by(&self, group: &GroupMembers) -> bool {
        let members: HashSet<_> = self.members.iter().copied().collect();
        let receiving: HashSet<_> = self.receiving.iter().copied().collect();
        group.members.len() == self.members.len()
            && group.members.iter().all(|m| {
                members.contains(&m.agent_id) && m.receives_calls == receiving.contains(&m.agent_id)
            })
    }
}

/// Each agent's last change among `changes`: where it is, and what it asks.
pub fn last_asked(changes: &[ReceivingChange]) -> HashMap<u64, (usize, bool)> {
    changes
        .iter()
        .enumerate()
        .map(|(at, c)| (c.agent_id, (at, c.receives_calls)))
        .collect()
}
