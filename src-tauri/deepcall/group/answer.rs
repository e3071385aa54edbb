//! A group's answer as DeepCall sends it (`getGroupAgentRelation`), read
//! leniently, and joined into the members the app works with.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::super::wire::{de_flag, de_id, de_list_or_null, de_opt_id, de_opt_int, de_opt_text};
use super::*;

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
