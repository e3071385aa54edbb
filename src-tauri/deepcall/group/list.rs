//! `Group/list`, when its undocumented answer can be read.

use serde::Serialize;
use serde_json::Value;

use super::super::wire;

/// One entry of `Group/list`, when its undocumented answer can be read.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    pub id: u64,
    pub name: String,
}

/// Reads `Group/list`'s `response` leniently: an array of objects with an id
/// and a name under any of the names DeepCall uses elsewhere, directly or
/// under a wrapper key. `None` when nothing in it can be read that way.
pub fn read_group_list(response: &Value) -> Option<Vec<GroupSummary>> {
    fn items(v: &Value) -> Option<&Vec<Value>> {
        match v {
            Value::Array(a) => Some(a),
            Value::Object(o) => ["groups", "groupData", "data", "list", "rows"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_array)),
            _ => None,
        }
    }
    let list = items(response)?;
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(o) = item else { continue };
        let id = ["unique_id", "group_id", "groupId", "groupid", "id"]
            .iter()
            .find_map(|k| o.get(*k).and_then(wire::id_from_value));
        let name = ["name", "group_name", "groupName"]
            .iter()
            .find_map(|k| o.get(*k).and_then(wire::text_from_value));
        if let (Some(id), Some(name)) = (id, name) {
            out.push(GroupSummary { id, name });
        }
    }
    (!out.is_empty() || list.is_empty()).then_some(out)
}
