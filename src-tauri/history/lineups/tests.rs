use crate::history::test_support::refuse_writes;
use crate::lineups::leave::{Leave, LeftGroup};
use crate::lineups::schedule::{Day, Slot};
use crate::lineups::test_support::saved_group;

use super::*;

const ACCOUNT: &str = "acc-1";

fn group(id: u64, members: &[(u64, bool)]) -> LineupGroup {
    saved_group(id, &format!("Group {id}"), members)
}

fn weekdays_at(hour: u8) -> Slot {
    Slot {
        days: vec![
            Day::Monday,
            Day::Tuesday,
            Day::Wednesday,
            Day::Thursday,
            Day::Friday,
        ],
        hour,
        minute: 0,
    }
}

#[test]
fn line_ups_are_kept_per_account_in_the_order_they_were_made() {
    let h = History::in_memory();
    let groups = [group(28, &[(1, true), (2, false)]), group(29, &[(3, true)])];
    let morning = h.create_lineup(ACCOUNT, "  Morning ", &groups).unwrap();
    assert_eq!(morning.name, "Morning");
    assert_eq!(morning.groups, groups);
    let receiving = morning.groups.iter().flat_map(|g| &g.members);
    assert_eq!(receiving.filter(|m| m.receives_calls).count(), 2);
    h.create_lineup(ACCOUNT, "Evening", &groups[..1]).unwrap();
    h.create_lineup("other", "Morning", &groups[..1]).unwrap();
    let names: Vec<_> = h
        .lineups(ACCOUNT)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["Morning", "Evening"]);
    assert_eq!(h.lineups("other").unwrap().len(), 1);
    // Another account's line-up is not this one's.
    assert!(h.lineup("other", morning.id).is_err());
}

#[test]
fn a_name_is_used_once_per_account_whatever_its_case() {
    let h = History::in_memory();
    let g = [group(28, &[(1, true)])];
    let morning = h.create_lineup(ACCOUNT, "Morning", &g).unwrap();
    let e = h.create_lineup(ACCOUNT, "MORNING", &g).unwrap_err();
    assert_eq!(
        e.to_string(),
        "There is already a line-up called “MORNING”. Choose another name."
    );
    let evening = h.create_lineup(ACCOUNT, "Evening", &g).unwrap();
    assert!(h.rename_lineup(ACCOUNT, evening.id, "morning").is_err());
    // Its own name, in another case, is fine.
    let renamed = h.rename_lineup(ACCOUNT, morning.id, "MORNING").unwrap();
    assert_eq!(renamed.name, "MORNING");
    assert!(h
        .create_lineup(ACCOUNT, "  ", &g)
        .unwrap_err()
        .to_string()
        .contains("name"));
    assert!(h
        .create_lineup(ACCOUNT, "Night", &[])
        .unwrap_err()
        .to_string()
        .contains("at least one group"));
    assert!(h
        .create_lineup(ACCOUNT, "Night", &[g[0].clone(), g[0].clone()])
        .unwrap_err()
        .to_string()
        .contains("twice"));
}

#[test]
fn a_member_is_edited_and_times_of_the_week_are_set() {
    let h = History::in_memory();
    let l = h
        .create_lineup(ACCOUNT, "Morning", &[group(28, &[(1, true), (2, false)])])
        .unwrap();
    let l = h.set_lineup_member(ACCOUNT, l.id, 28, 2, true).unwrap();
    assert!(l.groups[0].members.iter().all(|m| m.receives_calls));
    let e = h
        .set_lineup_member(ACCOUNT, l.id, 28, 99, true)
        .unwrap_err();
    assert!(
        e.to_string().contains("Agent #99 is not in this line-up"),
        "{e}"
    );
    let l = h
        .set_lineup_slots(ACCOUNT, l.id, &[weekdays_at(9), weekdays_at(18)])
        .unwrap();
    assert_eq!(l.slots, [weekdays_at(9), weekdays_at(18)]);
    assert_eq!(h.lineups(ACCOUNT).unwrap()[0].slots.len(), 2);
    let bad = Slot {
        days: vec![],
        hour: 9,
        minute: 0,
    };
    assert!(h.set_lineup_slots(ACCOUNT, l.id, &[bad]).is_err());
    assert_eq!(h.lineup(ACCOUNT, l.id).unwrap().slots.len(), 2);
}

#[test]
fn a_line_up_moves_one_place_at_a_time_and_stays_at_either_end() {
    let h = History::in_memory();
    let g = [group(28, &[(1, true)])];
    let ids: Vec<i64> = ["Morning", "Evening", "Sunday"]
        .iter()
        .map(|n| h.create_lineup(ACCOUNT, n, &g).unwrap().id)
        .collect();
    let names = |list: Vec<Lineup>| list.into_iter().map(|l| l.name).collect::<Vec<_>>();
    assert_eq!(
        names(h.move_lineup(ACCOUNT, ids[2], true).unwrap()),
        ["Morning", "Sunday", "Evening"]
    );
    assert_eq!(
        names(h.move_lineup(ACCOUNT, ids[0], false).unwrap()),
        ["Sunday", "Morning", "Evening"]
    );
    assert_eq!(
        names(h.move_lineup(ACCOUNT, ids[2], true).unwrap()),
        ["Sunday", "Morning", "Evening"],
        "the first stays first"
    );
    assert_eq!(
        names(h.move_lineup(ACCOUNT, ids[1], false).unwrap()),
        ["Sunday", "Morning", "Evening"],
        "the last stays last"
    );
    // A new line-up comes last; another account's order is its own.
    h.create_lineup(ACCOUNT, "Night", &g).unwrap();
    assert_eq!(names(h.lineups(ACCOUNT).unwrap())[3], "Night");
    assert!(h.move_lineup("other", ids[0], true).is_err());
}

#[test]
fn a_deleted_line_up_is_gone_with_its_groups() {
    let h = History::in_memory();
    let l = h
        .create_lineup(ACCOUNT, "Sunday", &[group(28, &[(1, true)])])
        .unwrap();
    h.delete_lineup(ACCOUNT, l.id).unwrap();
    assert!(h.lineups(ACCOUNT).unwrap().is_empty());
    let left: i64 = h
        .conn()
        .query_row("SELECT COUNT(*) FROM lineup_groups", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    let e = h.delete_lineup(ACCOUNT, l.id).unwrap_err();
    assert!(e.to_string().contains("no longer on this computer"), "{e}");
}

#[test]
fn the_schedule_seen_only_moves_forward() {
    let h = History::in_memory();
    assert_eq!(h.schedule_seen(ACCOUNT).unwrap(), None);
    h.set_schedule_seen(ACCOUNT, 2_000).unwrap();
    h.set_schedule_seen(ACCOUNT, 1_000).unwrap();
    assert_eq!(h.schedule_seen(ACCOUNT).unwrap(), Some(2_000));
    assert_eq!(h.schedule_seen("other").unwrap(), None);
}

#[test]
fn a_leave_keeps_what_the_agent_had_until_they_are_back() {
    let h = History::in_memory();
    let leave = Leave {
        agent_id: 8,
        agent_name: Some("manoj".into()),
        groups: vec![
            LeftGroup {
                group: 28,
                group_name: "Mahipal singh".into(),
                receives_calls: true,
            },
            LeftGroup {
                group: 29,
                group_name: "Evening".into(),
                receives_calls: false,
            },
        ],
        since_ms: 1_000,
    };
    h.start_leave(ACCOUNT, &leave).unwrap();
    // A second "Off everywhere" finds them off: the first record stays.
    let mut again = leave.clone();
    again.groups[0].receives_calls = false;
    h.start_leave(ACCOUNT, &again).unwrap();
    assert_eq!(h.leave(ACCOUNT, 8).unwrap(), Some(leave.clone()));
    assert_eq!(h.on_leave(ACCOUNT).unwrap(), [8]);
    assert_eq!(h.leave("other", 8).unwrap(), None);
    h.end_leave(ACCOUNT, 8).unwrap();
    assert_eq!(h.leave(ACCOUNT, 8).unwrap(), None);
}

#[test]
fn a_disk_that_refuses_writes_says_the_line_up_was_not_saved() {
    let h = History::in_memory();
    refuse_writes(&h);
    let e = h
        .create_lineup(ACCOUNT, "Morning", &[group(28, &[(1, true)])])
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("The line-up could not be saved ("),
        "{e}"
    );
    assert!(!e.to_string().contains("nothing was sent"), "{e}");
}

#[test]
fn a_line_up_s_changes_are_found_by_its_name_and_by_why_they_were_sent() {
    use crate::history::{test_support::head_office, Change, Purpose, Query};
    let h = History::in_memory();
    let change = |lineup: Option<&str>| Change::Receiving {
        group: 28,
        group_name: "Mahipal singh".into(),
        agent_id: 8,
        agent_name: Some("manoj".into()),
        before: Some(true),
        after: false,
        lineup: lineup.map(str::to_owned),
    };
    h.record(
        &head_office(),
        Purpose::Scheduled,
        &[change(Some("Evening"))],
    )
    .unwrap();
    h.record(&head_office(), Purpose::OffEverywhere, &[change(None)])
        .unwrap();
    h.record(&head_office(), Purpose::Change, &[change(None)])
        .unwrap();
    let found = |search: &str| {
        h.matching(&Query {
            search: search.into(),
            ..Query::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.purpose_words)
        .collect::<Vec<_>>()
    };
    assert_eq!(found("evening"), ["Scheduled line-up “Evening”"]);
    assert_eq!(found("scheduled"), ["Scheduled line-up “Evening”"]);
    assert_eq!(found("off everywhere"), ["Off everywhere"]);
    assert_eq!(found("manoj").len(), 3);
}
