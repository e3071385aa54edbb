//! An agent on leave: switched off in every group at once ("Off
//! everywhere"), with what they had before kept, so that "Back as before"
//! restores exactly that.

use serde::{Deserialize, Serialize};

/// A group the agent was in when they went on leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LeftGroup {
    pub group: u64,
    pub group_name: String,
    /// Whether they received its calls before.
    pub receives_calls: bool,
}

/// An agent on leave, as kept on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Leave {
    pub agent_id: u64,
    pub agent_name: Option<String>,
    pub groups: Vec<LeftGroup>,
    /// When they were switched off, ms since 1970 (UTC).
    pub since_ms: i64,
}

impl Leave {
    /// The groups "Back as before" switches on again.
    pub fn received_in(&self) -> impl Iterator<Item = &LeftGroup> {
        self.groups.iter().filter(|g| g.receives_calls)
    }
}
