//! The Group module: `getGroupAgentRelation`, `submitAssignGroupToAgent`, `list`.
//!
//! `relationData` is the membership. `agentData` lists the account's agents
//! (more than the group's members) and may lack a member; names repeat, so a
//! member is always known by name *and* id.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

use super::wire::{self, de_flag, de_id, de_list_or_null, de_opt_id, de_opt_int, de_opt_text};
use super::{Client, DeepCallError, Module};

/// A group number, checked: a positive whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// Reads what a manager typed ("28", " #28 ").
    pub fn parse(input: &str) -> Result<Self, DeepCallError> {
        let t = input.trim().trim_start_matches('#').trim();
        if t.is_empty() {
            return Err(DeepCallError::invalid_input(
                "groupId",
                "Enter a group number.",
            ));
        }
        match t.parse::<u64>() {
            Ok(n) => Self::new(n),
            Err(_) => Err(DeepCallError::invalid_input(
                "groupId",
                format!(
                    "\"{}\" is not a group number. Use digits only, for example 28.",
                    t
                ),
            )),
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

// ---- the answer as DeepCall sends it -------------------------------------

#[derive(Debug, Clone, Deserialize)]
pub struct RawGroupData {
    #[serde(default, deserialize_with = "de_opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_text")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "de_opt_text")]
    pub create_by: Option<String>,
    #[serde(deserialize_with = "de_id")]
    pub unique_id: u64,
    #[serde(default, deserialize_with = "de_opt_int")]
    pub status: Option<i64>,
    #[serde(default, deserialize_with = "de_opt_int")]
    pub create_date: Option<i64>,
    #[serde(default)]
    pub agents: Labels,
}

/// `groupData.agents`, the "#id name" labels, kept as one text: they are
/// only read for a member `agentData` lacks, so 10,000 of them need not be
/// 10,000 strings. Read as a list of strings that may be `null`, by the same
/// rules and with the same words in errors as a `Vec<String>` read through
/// `de_list_or_null`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    text: String,
    ends: Vec<usize>,
}

impl Labels {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let label = &self.text[start..end];
            start = end;
            label
        })
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(LabelsVisitor)
    }
}

struct LabelsVisitor;

impl<'de> Visitor<'de> for LabelsVisitor {
    type Value = Labels;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_none<E>(self) -> Result<Labels, E> {
        Ok(Labels::default())
    }

    fn visit_unit<E>(self) -> Result<Labels, E> {
        Ok(Labels::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Labels, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Labels, A::Error> {
        let mut labels = Labels::default();
        while seq.next_element_seed(Label(&mut labels.text))?.is_some() {
            labels.ends.push(labels.text.len());
        }
        Ok(labels)
    }
}

/// One label, added to the text.
struct Label<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for Label<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for Label<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        self.0.push_str(s);
        Ok(())
    }

    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<(), E> {
        match std::str::from_utf8(b) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(b), &self)),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawAgent {
    #[serde(default, deserialize_with = "de_opt_text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de_id")]
    pub unique_id: u64,
    // Its `user_id` (the account's, on every row) is not read: 10,000 rows'
    // worth of text nobody uses (see benches/group_relation.rs).
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawRelation {
    #[serde(default, deserialize_with = "de_opt_id")]
    pub group_id: Option<u64>,
    #[serde(deserialize_with = "de_id")]
    pub agent_id: u64,
    #[serde(deserialize_with = "de_flag")]
    pub receive_call: bool,
    // Its `user_id` is not read, as `RawAgent`'s.
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawGroupRelation {
    #[serde(rename = "groupData")]
    pub group_data: RawGroupData,
    #[serde(rename = "agentData", default, deserialize_with = "de_list_or_null")]
    pub agent_data: Vec<RawAgent>,
    #[serde(rename = "relationData", deserialize_with = "de_list_or_null")]
    pub relation_data: Vec<RawRelation>,
}

// ---- what the app works with ---------------------------------------------

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

/// Parses a "#3 bhawesh" label from `groupData.agents`.
fn parse_label(label: &str) -> Option<(u64, String)> {
    let rest = label.trim().strip_prefix('#')?;
    let (id, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    Some((id.parse().ok()?, name.trim().to_owned()))
}

impl RawGroupRelation {
    /// Joins membership with the account's agent list.
    pub fn join(mut self) -> GroupMembers {
        let group_id = self.group_data.unique_id;
        // Where each agent's first entry in `agentData` is, and what that
        // entry is: a member's, another agent's, or (`Repeat`) neither. An
        // agent is a member or not, so each name is taken (not copied) once.
        #[derive(Clone, Copy, PartialEq)]
        enum Entry {
            Repeat,
            Other,
            Member,
        }
        let mut entries = vec![Entry::Repeat; self.agent_data.len()];
        let mut first: HashMap<u64, usize> = HashMap::with_capacity(self.agent_data.len());
        for (i, a) in self.agent_data.iter().enumerate() {
            first.entry(a.unique_id).or_insert_with(|| {
                entries[i] = Entry::Other;
                i
            });
        }
        // Members `agentData` lacks, and the group's own labels, only read
        // for such a member.
        let mut unlisted = HashSet::new();
        let mut labels: Option<HashMap<u64, String>> = None;
        let mut members = Vec::with_capacity(self.relation_data.len());
        for r in &self.relation_data {
            if r.group_id.is_some_and(|g| g != group_id) {
                continue;
            }
            let listed = first.get(&r.agent_id).copied();
            let name = match listed {
                Some(i) if entries[i] == Entry::Member => continue,
                Some(i) => {
                    entries[i] = Entry::Member;
                    self.agent_data[i].name.take()
                }
                None if !unlisted.insert(r.agent_id) => continue,
                None => labels
                    .get_or_insert_with(|| self.group_data.labels())
                    .get(&r.agent_id)
                    .cloned(),
            };
            members.push(Member {
                agent_id: r.agent_id,
                name: name.filter(|n| !n.trim().is_empty()),
                in_agent_list: listed.is_some(),
                receives_calls: r.receive_call,
            });
        }
        let other_agents = self
            .agent_data
            .iter_mut()
            .zip(entries)
            .filter(|(_, entry)| *entry == Entry::Other)
            .map(|(a, _)| Agent {
                agent_id: a.unique_id,
                name: a.name.take().unwrap_or_default(),
            })
            .collect();
        GroupMembers {
            group: Group {
                id: group_id,
                name: self.group_data.name.unwrap_or_default(),
                status: self.group_data.status,
                created_at: self.group_data.create_date,
                created_by: self.group_data.create_by,
            },
            members,
            other_agents,
        }
    }
}

impl RawGroupData {
    /// The "#id name" labels of `agents` by id (the last one of an id).
    fn labels(&self) -> HashMap<u64, String> {
        self.agents.iter().filter_map(parse_label).collect()
    }
}

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

    fn validate(&self) -> Result<(), DeepCallError> {
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

    fn body(&self) -> Map<String, Value> {
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

    fn same_receivers(&self, other: &Self) -> bool {
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
mod tests {
    use super::super::response_as;
    use super::*;

    /// The vendor's literal example answer (seed 001), body only.
    pub const SEED_ANSWER: &str = include_str!("../../tests/data/group28_answer.json");

    fn seed() -> GroupMembers {
        let answer = super::super::parse_envelope(Module::Group, 200, SEED_ANSWER.as_bytes())
            .expect("seed is a success");
        response_as::<RawGroupRelation>(answer)
            .expect("seed parses")
            .join()
    }

    #[test]
    fn seed_answer_has_three_named_members() {
        let g = seed();
        assert_eq!(g.group.id, 28);
        assert_eq!(g.group.name, "Mahipal singh");
        assert_eq!(g.group.status, Some(1));
        assert_eq!(g.group.created_at, Some(1731746318));
        let m: Vec<_> = g
            .members
            .iter()
            .map(|m| (m.agent_id, m.name.as_deref().unwrap(), m.receives_calls))
            .collect();
        assert_eq!(
            m,
            [
                (3, "bhawesh", true),
                (8, "manoj", true),
                (2, "bhawesh", true)
            ]
        );
        assert!(g.members.iter().all(|m| m.in_agent_list));
        assert_eq!(g.other_agents.len(), 8);
        assert_eq!(g.receiving_count(), 3);
    }

    #[test]
    fn member_missing_from_agent_data_is_kept() {
        let v = json!({
            "groupData": {"name": "G", "unique_id": "5", "agents": ["#12 ghost"]},
            "agentData": [{"name": "a", "unique_id": 1}],
            "relationData": [
                {"group_id": 5, "agent_id": "12", "receive_call": "n"},
                {"group_id": 5, "agent_id": 13, "receive_call": "Y"},
                {"group_id": 5, "agent_id": 13, "receive_call": "N"},
                {"group_id": 6, "agent_id": 1, "receive_call": "Y"}
            ]
        });
        let g = serde_json::from_value::<RawGroupRelation>(v)
            .unwrap()
            .join();
        assert_eq!(
            g.members.len(),
            2,
            "duplicates and other groups' rows dropped"
        );
        assert_eq!(g.members[0].name.as_deref(), Some("ghost"));
        assert!(!g.members[0].in_agent_list);
        assert!(!g.members[0].receives_calls);
        assert_eq!(g.members[1].name, None);
        assert!(g.members[1].receives_calls);
    }

    impl Member {
        fn facts(&self) -> (u64, Option<&str>, bool, bool) {
            let name = self.name.as_deref();
            (self.agent_id, name, self.in_agent_list, self.receives_calls)
        }
    }

    #[test]
    fn first_entries_win_and_each_agent_comes_once() {
        let v = json!({
            "groupData": {"name": "G", "unique_id": 5, "agents": ["#1 label", "#9 old", "#9 new"]},
            "agentData": [
                {"name": "first", "unique_id": 1},
                {"name": " ", "unique_id": 3},
                {"name": "two", "unique_id": 2},
                {"name": "second", "unique_id": 1},
                {"name": "two again", "unique_id": 2},
                {"unique_id": 4}
            ],
            "relationData": [
                {"agent_id": 1, "receive_call": "Y"},
                {"group_id": 5, "agent_id": 1, "receive_call": "N"},
                {"group_id": 5, "agent_id": 3, "receive_call": "N"},
                {"group_id": 5, "agent_id": 9, "receive_call": "Y"}
            ]
        });
        let g = serde_json::from_value::<RawGroupRelation>(v)
            .unwrap()
            .join();
        let m: Vec<_> = g.members.iter().map(Member::facts).collect();
        assert_eq!(
            m,
            [
                (1, Some("first"), true, true),
                (3, None, true, false),
                (9, Some("new"), false, true)
            ]
        );
        let others: Vec<_> = g
            .other_agents
            .iter()
            .map(|a| (a.agent_id, a.name.as_str()))
            .collect();
        assert_eq!(others, [(2, "two"), (4, "")]);
    }

    /// Labels read as `Vec<String>` through `de_list_or_null` did, from a
    /// `Value` and from the bytes, with the same words in errors.
    #[test]
    fn labels_read_as_a_list_of_strings() {
        #[derive(Deserialize)]
        struct AsList {
            #[serde(deserialize_with = "de_list_or_null")]
            agents: Vec<String>,
        }
        #[derive(Deserialize)]
        struct AsLabels {
            agents: Labels,
        }
        for agents in [
            r##"["#1 a", "", "#2 b\u00e9"]"##,
            "[]",
            "null",
            "5",
            r#"{"a": 1}"#,
            "[1]",
            r#"["a", null]"#,
            r#""x""#,
        ] {
            let text = format!(r#"{{"agents": {agents}}}"#);
            let value: Value = serde_json::from_str(&text).unwrap();
            let list = serde_json::from_value::<AsList>(value.clone()).map(|l| l.agents);
            let labels = serde_json::from_value::<AsLabels>(value)
                .map(|l| l.agents.iter().map(str::to_owned).collect::<Vec<_>>());
            assert_eq!(format!("{labels:?}"), format!("{list:?}"), "{agents}");
            let list = serde_json::from_str::<AsList>(&text).map(|l| l.agents);
            let labels = serde_json::from_str::<AsLabels>(&text)
                .map(|l| l.agents.iter().map(str::to_owned).collect::<Vec<_>>());
            assert_eq!(format!("{labels:?}"), format!("{list:?}"), "{agents}");
        }
    }

    #[test]
    fn wrong_types_fail_to_parse() {
        let v = json!({
            "groupData": {"name": "G", "unique_id": 5},
            "relationData": [{"group_id": 5, "agent_id": 1, "receive_call": "maybe"}]
        });
        assert!(serde_json::from_value::<RawGroupRelation>(v).is_err());
        let v = json!({"groupData": {"name": "G", "unique_id": 5}, "relationData": {"a": 1}});
        assert!(serde_json::from_value::<RawGroupRelation>(v).is_err());
    }

    #[test]
    fn group_id_input() {
        assert_eq!(GroupId::parse(" 28 ").unwrap().get(), 28);
        assert_eq!(GroupId::parse("#28").unwrap().get(), 28);
        for bad in ["", "0", "-3", "2.5", "abc", "99999999999999999999"] {
            assert!(GroupId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn assignment_changes_exactly_one_agent() {
        let g = seed();
        let mut a = Assignment::from_current(GroupId::new(28).unwrap(), &g);
        assert!(a.set_receiving(8, false));
        assert!(!a.set_receiving(99, true));
        let body = a.body();
        assert_eq!(body["agent_unique_id"], json!(["3", "8", "2"]));
        assert_eq!(body["receive_call"], json!(["3", "2"]));
        a.receiving.push(99);
        assert!(a.validate().is_err());
    }

    #[test]
    fn a_plan_is_each_change_applied_in_turn() {
        let g = seed();
        let id = GroupId::new(28).unwrap();
        let change = |agent_id, receives_calls| ReceivingChange {
            agent_id,
            receives_calls,
        };
        for changes in [
            vec![change(8, false)],
            vec![change(8, false), change(3, false), change(8, true)],
            vec![
                change(2, false),
                change(3, false),
                change(2, true),
                change(8, false),
            ],
            vec![change(3, true), change(3, false), change(3, true)],
        ] {
            let mut in_turn = Assignment::from_current(id, &g);
            for c in &changes {
                assert!(in_turn.set_receiving(c.agent_id, c.receives_calls));
            }
            match Assignment::plan(id, &g, &changes, false) {
                Plan::Send(planned) => assert_eq!(planned, in_turn, "{changes:?}"),
                Plan::AlreadyApplied => {
                    assert!(in_turn.same_receivers(&Assignment::from_current(id, &g)))
                }
                _ => panic!("{changes:?}: neither sent nor already applied"),
            }
        }
        assert!(matches!(
            Assignment::plan(id, &g, &[change(99, true)], false),
            Plan::NoLongerMembers(gone) if gone == [99]
        ));
    }

    #[test]
    fn group_list_is_read_leniently() {
        let v = json!([{"unique_id": 28, "name": "Mahipal singh"}, {"junk": true}]);
        assert_eq!(read_group_list(&v).unwrap().len(), 1);
        let v = json!({"groups": [{"groupId": "7", "group_name": "Sales"}]});
        assert_eq!(read_group_list(&v).unwrap()[0].id, 7);
        assert_eq!(read_group_list(&json!({"weird": 1})), None);
        assert_eq!(read_group_list(&json!([{"x": 1}])), None);
        assert_eq!(read_group_list(&json!([])), Some(vec![]));
    }
}
