//! Line-ups, their schedule and People in the real window: a line-up saved
//! from what is on now, two switches flipped, the line-up previewed,
//! applied and undone; a time missed while the app was closed asked about
//! at the next start; one agent off in three groups and back. axe-core
//! checks each screen and state on the way.

use std::sync::Arc;

use deepcall_desk::history::{self, History};
use deepcall_desk::lineups::schedule::{Day, Slot};
use deepcall_desk::lineups::{LineupGroup, LineupMember};
use deepcall_desk::sandbox::{Fault, Misbehaviour, Options, RefusalBody, RefusalShape, Sandbox};

use crate::support::home::history_file;
use crate::support::screens::launch_on;
use crate::support::{App, Launch, TempDir};
use thirtyfour::prelude::*;

async fn seeded() -> Arc<Sandbox> {
    Arc::new(Sandbox::start(Options::default()).await.unwrap())
}

/// Who receives calls in `group` of the sandbox, by agent.
fn receiving(sb: &Sandbox, group: u64) -> Vec<(u64, bool)> {
    sb.group_members(group).expect("the group exists")
}

/// Waits until the sandbox's `group` has `agent` receiving calls or not.
async fn wait_receiving(sb: &Sandbox, group: u64, agent: u64, on: bool) {
    let deadline = std::time::Instant::now() + crate::support::WAIT;
    while !receiving(sb, group).contains(&(agent, on)) {
        assert!(
            std::time::Instant::now() < deadline,
            "group {group}: agent {agent} never became {on}: {:?}",
            receiving(sb, group)
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_up_is_saved_applied_over_two_flipped_switches_and_undone() {
    let sb = seeded().await;
    let app = launch_on("Line-ups", sb.clone(), "lineups-apply").await;
    app.wait_text("No line-ups yet.").await;
    app.screenshot("lineups-empty").await;
    app.assert_accessible("Line-ups, none saved").await;

    app.lineups()
        .save_current("Morning", &["Mahipal singh (#28)", "Day shift (#32)"])
        .await;
    app.screenshot("lineups-saved").await;
    app.assert_accessible("Line-ups, one open").await;

    // A time of the week, and one member edited in the line-up only.
    app.pick_date("Time", "18:30").await;
    app.click_button("Add time").await;
    app.wait_text("Weekdays 18:30").await;
    let member = "//button[@role='switch'][@aria-label='Sumit (#9) receives calls in Day shift']";
    app.find(By::XPath(member)).await.click().await.unwrap();
    let member_is = |on: bool| {
        format!(
            "const s = document.evaluate({}, document, null, 9, null).singleNodeValue; \
             return !!s && s.getAttribute('aria-checked') === '{on}';",
            serde_json::to_string(member).unwrap()
        )
    };
    app.wait_until(&member_is(true), "Sumit on in the line-up")
        .await;
    assert_eq!(
        receiving(&sb, 32),
        [(8, true), (5, true), (9, false)],
        "DeepCall untouched"
    );
    app.scroll_to("[data-testid='lineup-members-32']").await;
    app.screenshot("lineups-times-and-members").await;
    app.find(By::XPath(member)).await.click().await.unwrap();
    app.wait_until(&member_is(false), "Sumit off again in the line-up")
        .await;

    // Two switches flipped on the Groups screen.
    app.go("Groups").await;
    app.groups().open("28").await;
    app.groups().flip("bhawesh (#3)").await;
    app.groups().wait_switch("bhawesh (#3)", false).await;
    app.groups().open("32").await;
    app.groups().flip("Sumit (#9)").await;
    app.groups().wait_switch("Sumit (#9)", true).await;
    let flipped = (receiving(&sb, 28), receiving(&sb, 32));

    // The preview says what applying would change, group by group.
    app.go("Line-ups").await;
    app.lineups().open("Morning").await;
    app.click_button("Preview and apply").await;
    let preview = app.lineups().preview_text().await;
    assert!(preview.contains("Mahipal singh: 1 start"), "{preview}");
    assert!(
        preview.contains("Start receiving calls: bhawesh (#3)."),
        "{preview}"
    );
    assert!(preview.contains("Day shift: 1 stops"), "{preview}");
    assert!(
        preview.contains("Stop receiving calls: Sumit (#9)."),
        "{preview}"
    );
    app.screenshot("lineups-preview").await;
    app.assert_accessible("Line-ups, preview").await;

    app.click_button("Apply to 2 groups").await;
    let run = app.lineups().wait_run("Morning: 2 groups changed.").await;
    assert!(run.contains("done, and DeepCall shows it"), "{run}");
    assert_eq!(receiving(&sb, 28), [(3, true), (8, true), (2, true)]);
    assert_eq!(receiving(&sb, 32), [(8, true), (5, true), (9, false)]);
    app.screenshot("lineups-applied").await;

    // One Undo for the whole application.
    app.click_button("Undo for every group").await;
    app.lineups()
        .wait_run("Undo of Morning: 2 groups changed.")
        .await;
    assert_eq!((receiving(&sb, 28), receiving(&sb, 32)), flipped);
    app.screenshot("lineups-undone").await;

    // Deleting asks first.
    app.click_button("Delete…").await;
    let asked = app.open_dialog_text().await.unwrap();
    assert!(asked.contains("Delete the line-up “Morning”?"), "{asked}");
    app.assert_accessible("Line-ups, the delete question").await;
    app.press_in_dialog("Cancel").await;
    app.wait_dialog_closed().await;

    // History names the line-up.
    app.go("History").await;
    app.wait_text("Line-up “Morning”").await;
    app.close().await;
}

/// Keeps, in `home`'s History before the app starts, a Sandbox line-up
/// `name` of `group` with `members` (agent, receives calls), applied every
/// day at `at`'s minute.
fn schedule_before_start(
    home: &TempDir,
    name: &str,
    group: (u64, &str),
    members: &[(u64, bool)],
    at: &jiff::Zoned,
) {
    let file = history_file(&home.0);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let h = History::open(&file).unwrap();
    let lineup = h
        .create_lineup(
            history::SANDBOX_ACCOUNT,
            name,
            &[LineupGroup {
                group: group.0,
                group_name: group.1.into(),
                members: members
                    .iter()
                    .map(|&(agent_id, receives_calls)| LineupMember {
                        agent_id,
                        name: None,
                        receives_calls,
                    })
                    .collect(),
            }],
        )
        .unwrap();
    h.set_lineup_slots(
        history::SANDBOX_ACCOUNT,
        lineup.id,
        &[Slot {
            days: Day::WEEK.to_vec(),
            hour: at.hour() as u8,
            minute: at.minute() as u8,
        }],
    )
    .unwrap();
}

/// The schedule was last looked at `ms` (before the app starts).
fn seen_at(home: &TempDir, ms: i64) {
    let h = History::open(&history_file(&home.0)).unwrap();
    h.set_schedule_seen(history::SANDBOX_ACCOUNT, ms).unwrap();
}

async fn launch_in(sb: &Arc<Sandbox>, home: &Arc<TempDir>, tag: &'static str) -> App {
    App::launch_with(Launch {
        sandbox: Some(sb.clone()),
        home: Some(home.clone()),
        ..Launch::new(tag)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_line_ups_due_now_are_applied_in_their_order_and_said_so() {
    let sb = seeded().await;
    let home = Arc::new(TempDir::new("lineups-on-time"));
    // Both due at this very minute, which the schedule last looked at just
    // before: the app starts within the two minutes a time is on time.
    let now = jiff::Zoned::now();
    let minute = now
        .round(
            jiff::ZonedRound::new()
                .smallest(jiff::Unit::Minute)
                .mode(jiff::RoundMode::Trunc),
        )
        .unwrap();
    schedule_before_start(
        &home,
        "Evening",
        (28, "Mahipal singh"),
        &[(3, false), (8, true), (2, true)],
        &minute,
    );
    schedule_before_start(
        &home,
        "Skeleton",
        (29, "Night shift"),
        &[(4, false), (10, true)],
        &minute,
    );
    seen_at(&home, minute.timestamp().as_millisecond() - 1_000);
    let app = launch_in(&sb, &home, "lineups-on-time").await;

    app.wait_until(
        "const n = document.querySelector(\"[data-testid='scheduled-notice']\"); \
         return !!n && n.textContent.includes('were applied in their order: Evening, then Skeleton.');",
        "the notice of two line-ups applied on time",
    )
    .await;
    assert!(receiving(&sb, 28).contains(&(3, false)));
    assert!(receiving(&sb, 29).contains(&(4, false)));
    let submits: Vec<u64> = sb
        .requests_to("Group/submitAssignGroupToAgent")
        .iter()
        .map(|r| r.json.as_ref().unwrap()["groupId"].as_u64().unwrap())
        .collect();
    assert_eq!(submits, [28, 29], "in their order");
    app.screenshot("lineups-on-time").await;
    app.assert_accessible("The notice of line-ups applied on time")
        .await;

    // The notice's Undo puts both back.
    app.click_button("Undo").await;
    app.wait_text("Undone: Evening, Skeleton.").await;
    wait_receiving(&sb, 28, 3, true).await;
    wait_receiving(&sb, 29, 4, true).await;

    // The order they are applied in is the list's, which the manager sets.
    app.go("Line-ups").await;
    app.lineups().open("Skeleton").await;
    app.click_button("Move “Skeleton” earlier").await;
    app.wait_until(
        "const b = document.querySelectorAll('ul.lineups .name'); \
         return b.length === 2 && b[0].textContent === 'Skeleton';",
        "Skeleton first in the list",
    )
    .await;
    assert!(!app
        .button("Move “Skeleton” earlier")
        .await
        .is_enabled()
        .await
        .unwrap());
    app.screenshot("lineups-order").await;
    app.assert_accessible("Line-ups, two in their order").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_missed_while_closed_is_asked_about_at_the_next_start() {
    let sb = seeded().await;
    let home = Arc::new(TempDir::new("lineups-missed"));
    // The Evening line-up: bhawesh (#3) off in Mahipal singh, every day at
    // the minute an hour ago; the schedule last looked at three hours ago.
    let an_hour_ago = jiff::Zoned::now().saturating_sub(jiff::SignedDuration::from_hours(1));
    schedule_before_start(
        &home,
        "Evening",
        (28, "Mahipal singh"),
        &[(3, false), (8, true), (2, true)],
        &an_hour_ago,
    );
    seen_at(&home, history::now_ms() - 3 * 3_600_000);
    let app = launch_in(&sb, &home, "lineups-missed").await;

    // Asked, not applied.
    app.wait_until(
        "const d = document.querySelector(\"[data-testid='missed-lineup'][open]\"); \
         return !!d && d.textContent.includes('The Evening line-up was due at');",
        "the question about the missed time",
    )
    .await;
    let question = app.open_dialog_text().await.unwrap();
    assert!(question.contains("— apply it now?"), "{question}");
    assert!(
        receiving(&sb, 28).contains(&(3, true)),
        "nothing applied without asking"
    );
    assert!(sb.requests_to("Group/submitAssignGroupToAgent").is_empty());
    app.screenshot("lineups-missed").await;
    app.assert_accessible("The question about a missed time")
        .await;

    // "Apply now…" shows the preview first; applying sends it.
    app.press_in_dialog("Apply now").await;
    app.wait_dialog_closed().await;
    app.wait_heading("Line-ups").await;
    let preview = app.lineups().preview_text().await;
    assert!(preview.contains("Mahipal singh: 1 stops"), "{preview}");
    app.click_button("Apply to 1 group").await;
    app.lineups().wait_run("Evening: 1 group changed.").await;
    wait_receiving(&sb, 28, 3, false).await;

    // Recorded as the schedule's.
    app.go("History").await;
    app.wait_text("Scheduled line-up “Evening”").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_agent_is_switched_off_in_three_groups_and_back_as_before() {
    let sb = seeded().await;
    let app = launch_on("People", sb.clone(), "people").await;
    app.lineups().choose_agent("manoj (#8)").await;
    app.wait_text("In 3 groups · receives calls in 3").await;
    app.screenshot("people-agent").await;
    app.assert_accessible("People, one agent chosen").await;

    app.click_button("Off everywhere").await;
    let preview = app.lineups().preview_text().await;
    for group in ["Mahipal singh", "Day shift", "Sales line"] {
        assert!(preview.contains(&format!("{group}: 1 stops")), "{preview}");
    }
    app.screenshot("people-off-preview").await;
    app.click_button("Switch off in 3 groups").await;
    app.lineups()
        .wait_run("Off everywhere for manoj (#8): 3 groups changed.")
        .await;
    for g in [28, 32, 33] {
        assert!(receiving(&sb, g).contains(&(8, false)), "group {g}");
    }
    app.wait_text("switched off everywhere on").await;
    app.screenshot("people-on-leave").await;
    app.assert_accessible("People, one agent on leave").await;

    // With manoj away, Manoj Kumar111 (#7) is the last in Sales line to
    // receive its calls: the preview warns, and asks before leaving nobody.
    app.lineups().choose_agent("Manoj Kumar111 (#7)").await;
    app.click_button("Off everywhere").await;
    let preview = app.lineups().preview_text().await;
    assert!(
        preview.contains("Nobody would receive calls in Sales line afterwards."),
        "{preview}"
    );
    let apply = app.button("Switch off in 1 group").await;
    assert!(!apply.is_enabled().await.unwrap(), "not without a yes");
    app.lineups().tick("Apply to Sales line anyway").await;
    assert!(apply.is_enabled().await.unwrap());
    app.screenshot("people-nobody-left").await;
    app.assert_accessible("People, a group left with nobody")
        .await;
    app.click_button("Cancel").await;
    assert!(receiving(&sb, 33).contains(&(7, true)), "nothing sent");
    app.lineups().choose_agent("manoj (#8)").await;

    app.click_button("Back as before").await;
    let preview = app.lineups().preview_text().await;
    assert!(preview.contains("Sales line: 1 start"), "{preview}");
    app.click_button("Switch on again in 3 groups").await;
    app.lineups()
        .wait_run("Back as before for manoj (#8): 3 groups changed.")
        .await;
    for g in [28, 32, 33] {
        assert!(receiving(&sb, g).contains(&(8, true)), "group {g}");
    }
    app.go("History").await;
    app.wait_text("Back as before").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_up_finishes_when_deepcall_is_busy_and_history_shows_the_refused_try() {
    let sb = seeded().await;
    let app = launch_on("Line-ups", sb.clone(), "lineups-busy").await;
    app.lineups()
        .save_current("Morning", &["Mahipal singh (#28)", "Day shift (#32)"])
        .await;
    app.go("Groups").await;
    app.groups().open("28").await;
    app.groups().flip("bhawesh (#3)").await;
    app.groups().wait_switch("bhawesh (#3)", false).await;
    app.go("Line-ups").await;
    app.lineups().open("Morning").await;
    app.click_button("Preview and apply").await;
    app.lineups().preview_text().await;

    // A gateway's limit in front of DeepCall: an HTML 429 without
    // Retry-After on a read and on the send, and a dropped connection.
    sb.set_misbehaviour(Misbehaviour {
        refusal: RefusalShape {
            body: RefusalBody::Html,
            retry_after: None,
        },
        ..Misbehaviour::default()
    })
    .unwrap();
    sb.fail_next_on("Group/getGroupAgentRelation", Fault::RateLimited);
    sb.fail_next_on("Group/submitAssignGroupToAgent", Fault::RateLimited);
    sb.fail_next_on("Group/getGroupAgentRelation", Fault::DropConnection);
    app.click_button("Apply to 1 group").await;
    app.lineups()
        .wait_run("Morning: 1 group changed, 1 already as it should be.")
        .await;
    wait_receiving(&sb, 28, 3, true).await;
    app.screenshot("lineups-busy-applied").await;

    app.go("History").await;
    app.wait_text("Line-up “Morning”").await;
    let failed = app.texts("[data-outcome='failed']").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    app.screenshot("lineups-busy-history").await;
    app.close().await;
}
