//! Line-ups and People against the sandbox: each group read, one complete
//! assignment sent to it, read again, recorded in History; Undo for the
//! whole application.

use deepcall_desk::deepcall::group::{Assignment, GroupId, ReceivingChange};
use deepcall_desk::history::{AccountRef, Change, History, Outcome, Purpose, Query};
use deepcall_desk::lineups::LineupGroup;
use deepcall_desk::sandbox::{Fault, Misbehaviour, RefusalBody, RefusalShape, Sandbox};
use deepcall_desk::sending::lineup::{self, Application, GroupApplied, GroupPreview, Nobody};
use deepcall_desk::sending::send::{self, Sender, Why};

use crate::common::*;

const RELATION: &str = "Group/getGroupAgentRelation";
const ASSIGN: &str = "Group/submitAssignGroupToAgent";

fn scratch_history() -> History {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-contract-lineup-{}",
        uuid::Uuid::new_v4().simple()
    ));
    History::open(&dir.join(deepcall_desk::history::FILE_NAME)).expect("history opens")
}

fn gid(n: u64) -> GroupId {
    GroupId::new(n).unwrap()
}

fn switch(agent_id: u64, receives_calls: bool) -> ReceivingChange {
    ReceivingChange {
        agent_id,
        receives_calls,
    }
}

/// A manager's own switch, recorded as the Groups screen sends it.
async fn flip(history: &History, sb: &Sandbox, group: u64, changes: &[ReceivingChange]) {
    let client = token_client(sb);
    bounded(send::change_receiving(
        history,
        &client,
        &AccountRef::sandbox(&sb.url()),
        Purpose::Change,
        gid(group),
        changes,
        false,
    ))
    .await
    .expect("the switch is sent");
}

/// Sent by the line-up "Morning", for `purpose`.
fn morning_as(purpose: Purpose) -> Why {
    Why {
        purpose,
        lineup: Some("Morning".into()),
    }
}

fn applied_groups(a: &Application) -> Vec<u64> {
    a.groups
        .iter()
        .map(|g| match g {
            GroupApplied::Applied { difference } => difference.group,
            other => panic!("not applied: {other:?}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_group_line_up_is_applied_one_assignment_a_group_and_undone() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let history = scratch_history();
    let account = AccountRef::sandbox(&sb.url());
    let sender = Sender {
        history: &history,
        client: &client,
        account: &account,
    };

    // "Save what's on now as… Morning", in Mahipal singh, Day shift and
    // Sales line.
    let mut saved = Vec::new();
    for g in [28, 32, 33] {
        let read = bounded(client.group_members(gid(g))).await.unwrap();
        saved.push(LineupGroup::from_read(&read));
    }
    let morning = history.create_lineup("sandbox", "Morning", &saved).unwrap();

    // The manager flips switches in two groups; meanwhile someone else
    // takes #7 out of Sales line.
    flip(&history, &sb, 28, &[switch(3, false)]).await;
    flip(&history, &sb, 32, &[switch(9, true), switch(5, false)]).await;
    bounded(client.assign_group(&Assignment {
        group: gid(33),
        members: vec![8, 1],
        receiving: vec![8],
    }))
    .await
    .unwrap();
    let before: Vec<_> = [28, 32, 33].map(|g| sb.group_members(g).unwrap()).to_vec();

    // The preview, read from DeepCall now.
    let preview = bounded(lineup::preview(&client, &morning.groups)).await;
    let differences: Vec<_> = preview
        .iter()
        .map(|p| match p {
            GroupPreview::Read { difference } => difference,
            other => panic!("not read: {other:?}"),
        })
        .collect();
    let ids =
        |v: &[deepcall_desk::lineups::Named]| v.iter().map(|n| n.agent_id).collect::<Vec<_>>();
    assert_eq!(ids(&differences[0].starts), [3]);
    assert_eq!(ids(&differences[1].starts), [5]);
    assert_eq!(ids(&differences[1].stops), [9]);
    assert!(
        !differences[2].changes_anything(),
        "Sales line only lost #7"
    );
    assert_eq!(ids(&differences[2].left), [7], "#7 is named, and skipped");

    // Sales line still needs a change for the test to count three sends:
    // #1 is switched on there by hand as well.
    flip(&history, &sb, 33, &[switch(1, true)]).await;
    let before_apply: Vec<_> = [28, 32, 33].map(|g| sb.group_members(g).unwrap()).to_vec();
    assert_ne!(before, before_apply);

    sb.clear_requests();
    let mut progress = Vec::new();
    let application = bounded(lineup::apply(
        sender,
        &morning_as(Purpose::Lineup),
        &morning.groups,
        Nobody::Confirmed(&[]),
        |i, _| progress.push(i),
    ))
    .await;
    assert_eq!(progress, [0, 1, 2]);
    assert_eq!(applied_groups(&application), [28, 32, 33]);

    // Each group: read, one complete assignment, read again.
    let order: Vec<(String, u64)> = sb
        .requests()
        .iter()
        .map(|r| {
            let endpoint = r.path.trim_start_matches("/api/v2/").to_owned();
            (
                endpoint,
                r.json.as_ref().unwrap()["groupId"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = [28, 32, 33]
        .iter()
        .flat_map(|&g| {
            [
                (RELATION.to_owned(), g),
                (ASSIGN.to_owned(), g),
                (RELATION.to_owned(), g),
            ]
        })
        .collect();
    assert_eq!(order, expected);
    for assign in sb.requests_to(ASSIGN) {
        let body = assign.json.unwrap();
        let g = body["groupId"].as_u64().unwrap();
        let now = sb.group_members(g).unwrap();
        let members: Vec<String> = now.iter().map(|(a, _)| a.to_string()).collect();
        assert_eq!(
            body["agent_unique_id"],
            serde_json::json!(members),
            "group {g}: complete list"
        );
    }
    // The line-up is what DeepCall has now (#7 stays out of Sales line).
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, true), (2, true)]
    );
    assert_eq!(
        sb.group_members(32).unwrap(),
        [(8, true), (5, true), (9, false)]
    );
    assert_eq!(sb.group_members(33).unwrap(), [(8, true), (1, false)]);

    // History: written before, confirmed after, named by the line-up.
    let entries = history
        .matching(&Query {
            search: "morning".into(),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        entries.len(),
        4,
        "3 start/stop in 28 and 32, #1 stops in 33"
    );
    for e in &entries {
        assert_eq!(e.purpose, Purpose::Lineup);
        assert_eq!(e.outcome, Outcome::Confirmed);
        assert!(matches!(&e.change, Change::Receiving { lineup: Some(n), .. } if n == "Morning"));
        assert_eq!(e.purpose_words, "Line-up “Morning”");
    }

    // One Undo for the whole application puts each group back as it was.
    sb.clear_requests();
    let undone = bounded(lineup::apply(
        sender,
        &morning_as(Purpose::Undo),
        &application.undo,
        Nobody::Always,
        |_, _| {},
    ))
    .await;
    assert_eq!(applied_groups(&undone), [28, 32, 33]);
    let after_undo: Vec<_> = [28, 32, 33].map(|g| sb.group_members(g).unwrap()).to_vec();
    assert_eq!(after_undo, before_apply);
    assert_eq!(sb.requests_to(ASSIGN).len(), 3);
    assert_eq!(sb.requests_to(RELATION).len(), 6);
}

/// A line-up of Mahipal singh, Day shift and Sales line as the seed has
/// them, saved, then one switch flipped in each, so that applying it sends
/// to all three.
async fn saved_and_flipped(sb: &Sandbox, history: &History) -> deepcall_desk::lineups::Lineup {
    let client = token_client(sb);
    let mut saved = Vec::new();
    for g in [28, 32, 33] {
        let read = bounded(client.group_members(gid(g))).await.unwrap();
        saved.push(LineupGroup::from_read(&read));
    }
    let lineup = history.create_lineup("sandbox", "Morning", &saved).unwrap();
    flip(history, sb, 28, &[switch(3, false)]).await;
    flip(history, sb, 32, &[switch(9, true)]).await;
    flip(history, sb, 33, &[switch(1, true)]).await;
    lineup
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_up_finishes_against_a_busy_deepcall_whatever_its_429s_look_like() {
    for body in [RefusalBody::Json, RefusalBody::Html, RefusalBody::Empty] {
        let sb = sandbox().await;
        let client = token_client(&sb);
        let history = scratch_history();
        let account = AccountRef::sandbox(&sb.url());
        let morning = saved_and_flipped(&sb, &history).await;
        // A gateway's limit: no Retry-After, the body as it comes.
        sb.set_misbehaviour(Misbehaviour {
            refusal: RefusalShape {
                body,
                retry_after: None,
            },
            ..Misbehaviour::default()
        })
        .unwrap();
        sb.clear_requests();
        // Mahipal singh's first read is refused, then its send; a read of
        // Day shift loses its connection; Sales line's send is refused.
        sb.fail_next_on(RELATION, Fault::RateLimited);
        sb.fail_next_on(ASSIGN, Fault::RateLimited);
        sb.fail_next_on(RELATION, Fault::DropConnection);

        let sender = Sender {
            history: &history,
            client: &client,
            account: &account,
        };
        let application = bounded(lineup::apply(
            sender,
            &morning_as(Purpose::Lineup),
            &morning.groups,
            Nobody::Confirmed(&[]),
            |_, _| {},
        ))
        .await;
        assert_eq!(applied_groups(&application), [28, 32, 33], "{body:?}");
        assert_eq!(
            sb.group_members(28).unwrap(),
            [(3, true), (8, true), (2, true)]
        );
        assert_eq!(
            sb.group_members(32).unwrap(),
            [(8, true), (5, true), (9, false)]
        );
        assert_eq!(
            sb.group_members(33).unwrap(),
            [(8, true), (1, false), (7, true)]
        );
        // Each group's change carried out once; the refused one is in
        // History as failed, its second try as confirmed.
        assert_eq!(sb.requests_carried_out(ASSIGN), 3, "{body:?}");
        let outcomes: Vec<Outcome> = history
            .matching(&Query {
                search: "morning".into(),
                ..Query::default()
            })
            .unwrap()
            .into_iter()
            .rev()
            .map(|e| e.outcome)
            .collect();
        assert_eq!(
            outcomes,
            [
                Outcome::Failed,
                Outcome::Confirmed,
                Outcome::Confirmed,
                Outcome::Confirmed
            ],
            "{body:?}"
        );
    }
}
