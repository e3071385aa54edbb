use super::*;
use crate::deepcall::group::{Group, Member};
use crate::lineups::test_support::saved_group;

fn saved(members: &[(u64, bool)]) -> LineupGroup {
    saved_group(28, "Mahipal singh", members)
}

fn now(members: &[(u64, bool)]) -> GroupMembers {
    GroupMembers {
        group: Group {
            id: 28,
            name: "Mahipal singh (sales)".into(),
            status: Some(1),
            created_at: None,
            created_by: None,
        },
        members: members
            .iter()
            .map(|&(agent_id, receives_calls)| Member {
                agent_id,
                name: Some(format!("agent {agent_id}")),
                in_agent_list: true,
                receives_calls,
            })
            .collect(),
        other_agents: vec![],
    }
}

fn ids(named: &[Named]) -> Vec<u64> {
    named.iter().map(|n| n.agent_id).collect()
}

#[test]
fn members_switched_since_the_line_up_was_saved_start_and_stop() {
    let d = difference(
        &saved(&[(1, true), (2, true), (3, false), (4, true)]),
        &now(&[(1, true), (2, false), (3, true), (4, false)]),
    );
    assert_eq!(ids(&d.starts), [2, 4]);
    assert_eq!(ids(&d.stops), [3]);
    assert_eq!(d.unchanged, 1);
    assert!(d.left.is_empty() && d.not_in_lineup.is_empty());
    assert_eq!(d.receiving_after, 3);
    assert!(!d.nobody_left);
    assert!(d.changes_anything());
    // The group's name as DeepCall has it now, not as it was saved.
    assert_eq!(d.group_name, "Mahipal singh (sales)");
    assert_eq!(
        d.changes(),
        [(2, true), (4, true), (3, false)].map(|(agent_id, receives_calls)| ReceivingChange {
            agent_id,
            receives_calls
        })
    );
    assert_eq!(
        d.reversed(),
        [(2, false), (4, false), (3, true)].map(|(agent_id, receives_calls)| ReceivingChange {
            agent_id,
            receives_calls
        })
    );
}

#[test]
fn a_member_who_left_is_named_and_skipped() {
    let d = difference(
        &saved(&[(1, true), (2, true), (3, false)]),
        &now(&[(1, false), (3, false)]),
    );
    assert_eq!(ids(&d.left), [2]);
    assert!(d.left[0].receives_calls, "the line-up had them receiving");
    assert_eq!(d.left[0].name.as_deref(), Some("agent 2"));
    // Nothing is sent for them.
    assert!(d.changes().iter().all(|c| c.agent_id != 2));
    assert_eq!(ids(&d.starts), [1]);
}

#[test]
fn a_member_who_joined_keeps_their_setting() {
    let d = difference(
        &saved(&[(1, true), (2, false)]),
        &now(&[(1, true), (2, false), (9, true), (10, false)]),
    );
    assert_eq!(ids(&d.not_in_lineup), [9, 10]);
    assert_eq!(
        d.not_in_lineup
            .iter()
            .map(|n| n.receives_calls)
            .collect::<Vec<_>>(),
        [true, false]
    );
    assert!(!d.changes_anything());
    assert!(d.changes().is_empty());
    assert_eq!(d.unchanged, 2);
    assert_eq!(d.receiving_after, 2);
}

#[test]
fn a_group_left_with_nobody_receiving_is_flagged() {
    let d = difference(
        &saved(&[(1, false), (2, false)]),
        &now(&[(1, true), (2, false)]),
    );
    assert!(d.nobody_left);
    assert_eq!(d.receiving_after, 0);
    // Someone who joined and receives calls keeps the group answered.
    let d = difference(
        &saved(&[(1, false), (2, false)]),
        &now(&[(1, true), (2, false), (3, true)]),
    );
    assert!(!d.nobody_left);
    assert_eq!(d.receiving_after, 1);
    // A group with no members at all is not "left with nobody": there is
    // nobody to switch.
    let d = difference(&saved(&[(1, true)]), &now(&[]));
    assert!(!d.nobody_left);
    assert_eq!(ids(&d.left), [1]);
}

#[test]
fn a_group_already_as_the_line_up_has_it_changes_nothing() {
    let d = difference(
        &saved(&[(1, true), (2, false)]),
        &now(&[(1, true), (2, false)]),
    );
    assert!(!d.changes_anything());
    assert_eq!(d.unchanged, 2);
}
