//! What a line-up is: for each of its groups, which members receive calls.

use serde::{Deserialize, Serialize};

use super::schedule::Slot;
use crate::deepcall::group::GroupMembers;

/// The longest name a line-up may have, in characters: it has to fit a
/// button and a History sentence.
pub const NAME_MAX: usize = 60;

/// One member's place in a line-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LineupMember {
    pub agent_id: u64,
    /// As DeepCall named the agent when the line-up was saved or edited.
    pub name: Option<String>,
    pub receives_calls: bool,
}

/// One group of a line-up, its members in the order DeepCall listed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LineupGroup {
    pub group: u64,
    /// As DeepCall named the group when the line-up was saved.
    pub group_name: String,
    pub members: Vec<LineupMember>,
}

impl LineupGroup {
    /// The group as just read: "Save what's on now".
    pub fn from_read(read: &GroupMembers) -> Self {
        Self {
            group: read.group.id,
            group_name: read.group.name.clone(),
            members: read
                .members
                .iter()
                .map(|m| LineupMember {
                    agent_id: m.agent_id,
                    name: m.name.clone(),
                    receives_calls: m.receives_calls,
                })
                .collect(),
        }
    }
}

/// A named set of who receives calls in one or more groups, kept per
/// account on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Lineup {
    pub id: i64,
    pub name: String,
    pub groups: Vec<LineupGroup>,
    /// The times of the week it is applied at, in the computer's own time.
    pub slots: Vec<Slot>,
    /// Each of `slots` as the screens word it: "Weekdays 09:00".
    pub slot_words: Vec<String>,
    /// Milliseconds since 1970 (UTC).
    pub updated_ms: i64,
}

/// Why a line-up without groups is refused.
pub const NO_GROUPS: &str = "Choose at least one group for the line-up.";

/// A line-up's name, trimmed, or why it cannot be used.
pub fn checked_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Give the line-up a name, for example “Morning”.".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!(
            "A line-up's name can be at most {NAME_MAX} characters long."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("A line-up's name cannot hold a line break or a tab.".into());
    }
    Ok(name.to_owned())
}
