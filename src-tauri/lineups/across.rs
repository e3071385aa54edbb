//! One agent across the account's groups: where each agent is a member,
//! and whether they receive those calls, from the groups as read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deepcall::group::GroupMembers;

/// One group an agent is a member of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    pub group: u64,
    pub group_name: String,
    pub receives_calls: bool,
}

/// An agent and every group (of those read) they are a member of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentPlaces {
    pub agent_id: u64,
    pub name: Option<String>,
    /// In the order the groups were read.
    pub places: Vec<Place>,
}

impl AgentPlaces {
    pub fn receiving_count(&self) -> usize {
        self.places.iter().filter(|p| p.receives_calls).count()
    }
}

/// Every member of `groups`, by name (then number), each with their places.
pub fn agents_across(groups: &[GroupMembers]) -> Vec<AgentPlaces> {
    let mut agents: BTreeMap<u64, AgentPlaces> = BTreeMap::new();
    for g in groups {
        for m in &g.members {
            let agent = agents.entry(m.agent_id).or_insert_with(|| AgentPlaces {
                agent_id: m.agent_id,
                name: None,
                places: Vec::new(),
            });
            // A name from any group: one read may lack it (not in agentData).
            if agent.name.is_none() {
                agent.name.clone_from(&m.name);
            }
            agent.places.push(Place {
                group: g.group.id,
                group_name: g.group.name.clone(),
                receives_calls: m.receives_calls,
            });
        }
    }
    let mut out: Vec<AgentPlaces> = agents.into_values().collect();
    out.sort_by_cached_key(|a| {
        (
            a.name.is_none(),
            a.name.as_deref().map(str::to_lowercase),
            a.agent_id,
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deepcall::group::{Group, Member};

    fn group(id: u64, name: &str, members: &[(u64, Option<&str>, bool)]) -> GroupMembers {
        GroupMembers {
            group: Group {
                id,
                name: name.into(),
                status: Some(1),
                created_at: None,
                created_by: None,
            },
            members: members
                .iter()
                .map(|&(agent_id, name, receives_calls)| Member {
                    agent_id,
                    name: name.map(str::to_owned),
                    in_agent_list: name.is_some(),
                    receives_calls,
                })
                .collect(),
            other_agents: vec![],
        }
    }

    #[test]
    fn an_agent_in_three_groups_has_three_places_in_the_order_read() {
        let agents = agents_across(&[
            group(
                28,
                "Mahipal singh",
                &[(8, Some("manoj"), true), (3, Some("bhawesh"), true)],
            ),
            group(32, "Day shift", &[(8, None, false)]),
            group(
                33,
                "Sales line",
                &[(8, Some("manoj"), true), (12, None, false)],
            ),
        ]);
        let manoj = agents.iter().find(|a| a.agent_id == 8).unwrap();
        assert_eq!(manoj.name.as_deref(), Some("manoj"));
        assert_eq!(
            manoj.places.iter().map(|p| p.group).collect::<Vec<_>>(),
            [28, 32, 33]
        );
        assert_eq!(manoj.receiving_count(), 2);
        assert_eq!(manoj.places[1].group_name, "Day shift");
        // By name, whatever its case; the unnamed after the named.
        let order: Vec<u64> = agents.iter().map(|a| a.agent_id).collect();
        assert_eq!(order, [3, 8, 12]);
    }
}
