//! Groups read, joined and changed, without a server.

use super::super::response_as;
use super::super::wire::de_list_or_null;
use serde::Deserialize;

use super::*;

/// The vendor's literal example answer (seed 001), body only.
pub const SEED_ANSWER: &str = include_str!("../../../tests/data/group28_answer.json");

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
fn a_group_id_from_the_window_is_a_number_of_1_or_more() {
    let id: GroupId = serde_json::from_value(json!(28)).unwrap();
    assert_eq!(id.get(), 28);
    assert_eq!(serde_json::to_value(id).unwrap(), json!(28));
    for bad in [
        json!(0),
        json!(-3),
        json!(2.5),
        json!("28"),
        json!(null),
        json!(super::super::wire::MAX_ID + 1),
    ] {
        assert!(
            serde_json::from_value::<GroupId>(bad.clone()).is_err(),
            "{bad}"
        );
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
