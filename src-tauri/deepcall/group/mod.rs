//! The Group module: `getGroupAgentRelation`, `submitAssignGroupToAgent`, `list`.
//!
//! `relationData` is the membership. `agentData` lists the account's agents
//! (more than the group's members) and may lack a member; names repeat, so a
//! member is always known by name *and* id.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

use super::{wire, Client, DeepCallError, Module};

mod answer;
mod assignment;
mod list;
mod members;

pub use answer::*;
pub use assignment::*;
pub use list::*;
pub use members::*;

/// A group number, checked: a whole number of 1 or more that a JavaScript
/// number holds exactly. The window sends it as a number (it reads what the
/// manager types itself); one out of range is refused as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, specta::Type)]
pub struct GroupId(u64);

impl GroupId {
    pub fn new(id: u64) -> Result<Self, DeepCallError> {
        if id == 0 || id > wire::MAX_ID {
            return Err(DeepCallError::invalid_input(
                "groupId",
                "A group number is a whole number of 1 or more.",
            ));
        }
        Ok(Self(id))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for GroupId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(u64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Client {
    /// `Group/getGroupAgentRelation` with `quick: true`, joined into members.
    pub async fn group_members(&self, group: GroupId) -> Result<GroupMembers, DeepCallError> {
        let mut body = Map::new();
        body.insert("groupId".into(), json!(group.get()));
        body.insert("quick".into(), Value::Bool(true));
        let raw: RawGroupRelation = self
            .call_for(Module::Group, "getGroupAgentRelation", body)
            .await?;
        Ok(raw.join())
    }

    /// `Group/submitAssignGroupToAgent` with the complete member and
    /// receive-call lists.
    pub async fn assign_group(&self, assignment: &Assignment) -> Result<(), DeepCallError> {
        assignment.validate()?;
        self.call(Module::Group, "submitAssignGroupToAgent", assignment.body())
            .await
            .map(|_| ())
    }

    /// `Group/list`. `Ok(None)` when the answer came but could not be read.
    pub async fn group_list(&self) -> Result<Option<Vec<GroupSummary>>, DeepCallError> {
        let mut body = Map::new();
        body.insert("quick".into(), Value::Bool(true));
        let answer = self.call(Module::Group, "list", body).await?;
        Ok(answer.get("response").and_then(read_group_list))
    }
}

#[cfg(test)]
mod tests;
