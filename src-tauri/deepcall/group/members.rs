//! What the app works with: a group, its members, and who receives calls.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: u64,
    pub name: String,
    /// DeepCall's status number (1 = active in the vendor's example).
    pub status: Option<i64>,
    /// Unix seconds.
    pub created_at: Option<i64>,
    /// The user id that created the group.
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub agent_id: u64,
    /// From `agentData`, else from the group's own "#id name" labels.
    pub name: Option<String>,
    /// False when the account's agent list does not include this member.
    pub in_agent_list: bool,
    pub receives_calls: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub agent_id: u64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembers {
    pub group: Group,
    /// In the order DeepCall lists them.
    pub members: Vec<Member>,
    /// The account's agents who are not members.
    pub other_agents: Vec<Agent>,
}

impl GroupMembers {
    pub fn receiving_count(&self) -> usize {
        self.members.iter().filter(|m| m.receives_calls).count()
    }
}
