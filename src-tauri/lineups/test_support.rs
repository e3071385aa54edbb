//! What the line-up tests share: a saved group from (agent, receives calls).

use super::{LineupGroup, LineupMember};

/// Group `id` as a line-up keeps it; agent N is named "agent N".
pub(crate) fn saved_group(id: u64, name: &str, members: &[(u64, bool)]) -> LineupGroup {
    LineupGroup {
        group: id,
        group_name: name.into(),
        members: members
            .iter()
            .map(|&(agent_id, receives_calls)| LineupMember {
                agent_id,
                name: Some(format!("agent {agent_id}")),
                receives_calls,
            })
            .collect(),
    }
}
