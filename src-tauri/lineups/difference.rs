//! What applying a line-up would change in one group, against the group as
//! DeepCall has it now. Pure: the preview shows it, and the send builds its
//! changes from it after reading the group again.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::deepcall::group::{GroupMembers, ReceivingChange};

use super::model::LineupGroup;

/// A member the difference names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    pub agent_id: u64,
    pub name: Option<String>,
    /// Whether the member receives the group's calls now (for one who left
    /// the group: whether the line-up has them receiving).
    pub receives_calls: bool,
}

/// One group's part of a line-up, against the group as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupDifference {
    pub group: u64,
    /// As DeepCall names the group now.
    pub group_name: String,
    /// Members the line-up has receiving calls who do not now.
    pub starts: Vec<Named>,
    /// Members receiving calls now whom the line-up has not.
    pub stops: Vec<Named>,
    /// Members already as the line-up has them.
    pub unchanged: u32,
    /// In the line-up, but no longer members of the group: skipped.
    pub left: Vec<Named>,
    /// Members the line-up does not know (they joined since it was saved):
    /// they keep their current setting.
    pub not_in_lineup: Vec<Named>,
    /// How many members would receive calls afterwards.
    pub receiving_after: u32,
    /// The group has members and none would receive its calls afterwards.
    pub nobody_left: bool,
}

impl GroupDifference {
    /// Whether applying changes anything in this group.
    pub fn changes_anything(&self) -> bool {
        !self.starts.is_empty() || !self.stops.is_empty()
    }

    /// The switches to send: starts, then stops, in the group's order.
    pub fn changes(&self) -> Vec<ReceivingChange> {
        let change = |m: &Named, on: bool| ReceivingChange {
            agent_id: m.agent_id,
            receives_calls: on,
        };
        self.starts
            .iter()
            .map(|m| change(m, true))
            .chain(self.stops.iter().map(|m| change(m, false)))
            .collect()
    }

    /// The switches that put back what this difference changes, as it was
    /// read: what Undo sends.
    pub fn reversed(&self) -> Vec<ReceivingChange> {
        self.changes()
            .into_iter()
            .map(|c| ReceivingChange {
                receives_calls: !c.receives_calls,
                ..c
            })
            .collect()
    }
}

/// What applying `lineup` to `current` (the same group, as read now) would do.
pub fn difference(lineup: &LineupGroup, current: &GroupMembers) -> GroupDifference {
    let wanted: HashMap<u64, bool> = lineup
        .members
        .iter()
        .map(|m| (m.agent_id, m.receives_calls))
        .collect();
    let mut d = GroupDifference {
        group: lineup.group,
        group_name: current.group.name.clone(),
        starts: Vec::new(),
        stops: Vec::new(),
        unchanged: 0,
        left: Vec::new(),
        not_in_lineup: Vec::new(),
        receiving_after: 0,
        nobody_left: false,
    };
    for m in &current.members {
        let named = Named {
            agent_id: m.agent_id,
            name: m.name.clone(),
            receives_calls: m.receives_calls,
        };
        let after = match wanted.get(&m.agent_id) {
            None => {
                d.not_in_lineup.push(named);
                m.receives_calls
            }
            Some(&on) if on == m.receives_calls => {
                d.unchanged += 1;
                on
            }
            Some(&true) => {
                d.starts.push(named);
                true
            }
            Some(&false) => {
                d.stops.push(named);
                false
            }
        };
        d.receiving_after += u32::from(after);
    }
    let members: HashSet<u64> = current.members.iter().map(|m| m.agent_id).collect();
    d.left = lineup
        .members
        .iter()
        .filter(|m| !members.contains(&m.agent_id))
        .map(|m| Named {
            agent_id: m.agent_id,
            name: m.name.clone(),
            receives_calls: m.receives_calls,
        })
        .collect();
    d.nobody_left = !current.members.is_empty() && d.receiving_after == 0;
    d
}

#[cfg(test)]
mod tests;
