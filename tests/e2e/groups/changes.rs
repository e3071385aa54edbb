//! Changing who receives calls: every change sends the complete lists with
//! exactly the change asked for; failures leave the display equal to the
//! server; quick clicks, the keyboard, and a selection in one change.

use std::time::Duration;

use deepcall_desk::sandbox::Fault;
use serde_json::json;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::support::requests::{ids, submits, RELATION, SUBMIT};
use crate::support::screens::groups;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toggle_sends_complete_lists_with_one_change_confirms_and_undo_restores() {
    let app = groups::launch("groups-toggle", None).await;
    let sb = app.sandbox.clone();
    app.groups().open("28").await;
    sb.clear_requests();

    // Pending: the row says so while DeepCall is slow.
    sb.fail_next_on(SUBMIT, Fault::Delay(Duration::from_millis(2500)));
    app.groups().flip("manoj (#8)").await;
    let row = app
        .find(By::XPath("//li[@data-agent='8'][@aria-busy='true']"))
        .await;
    assert!(row.text().await.unwrap().contains("Saving…"));
    app.screenshot("groups-pending").await;
    app.groups().wait_switch("manoj (#8)", false).await;
    app.groups()
        .wait_status("manoj (#8) no longer receives calls")
        .await;

    // Read, send the complete lists with exactly this one change, read again.
    let endpoints: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| r.endpoint().to_owned())
        .collect();
    assert_eq!(endpoints, [RELATION, SUBMIT, RELATION]);
    let sent = submits(&sb);
    assert_eq!(ids(&sent[0], "agent_unique_id"), [2, 3, 8]);
    assert_eq!(ids(&sent[0], "receive_call"), [2, 3]);
    assert_eq!(sent[0]["groupId"], json!(28));
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, false), (2, true)]
    );
    assert_eq!(
        app.text_of(By::Css("[data-testid='group-counts']")).await,
        "3 members · 2 receive calls"
    );

    // Undo puts it back on the server, again with complete lists.
    app.click_button("Undo").await;
    app.groups().wait_switch("manoj (#8)", true).await;
    app.groups().wait_status("The change was undone").await;
    let sent = submits(&sb);
    assert_eq!(sent.len(), 2);
    assert_eq!(ids(&sent[1], "agent_unique_id"), [2, 3, 8]);
    assert_eq!(ids(&sent[1], "receive_call"), [2, 3, 8]);
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, true), (2, true)]
    );
    // An undo offers no undo of its own.
    assert!(!app.groups().status_text().await.contains("Undo"));

    // A change meant for another account than the active one is refused
    // before anything is read or sent (the manager switched accounts).
    sb.clear_requests();
    let refused = app
        .invoke(
            "change_receiving",
            json!({
                "account": "another-account",
                "group": 28,
                "changes": [{ "agentId": 8, "receivesCalls": false }],
                "allowNobody": false,
                "purpose": "change"
            }),
        )
        .await;
    assert!(
        refused.to_string().contains("The active account changed"),
        "{refused}"
    );
    assert!(sb.requests().is_empty(), "nothing reached DeepCall");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_change_leaves_the_display_equal_to_the_server() {
    let app = groups::launch("groups-fail", None).await;
    let sb = app.sandbox.clone();
    app.groups().open("29").await;
    let before = sb.group_members(29).unwrap();

    // DeepCall's generic failure: plain words, the switch back, a Retry.
    sb.fail_next_on(
        SUBMIT,
        Fault::ApiError {
            code: 1009,
            message: "Something went wrong".into(),
        },
    );
    app.groups().flip("vijay developer (#4)").await;
    let alert = app.find(By::Css("[data-testid='change-failed']")).await;
    app.groups().wait_idle().await;
    let text = alert.text().await.unwrap();
    assert!(
        text.contains("Could not change whether vijay developer (#4) receives calls"),
        "{text}"
    );
    assert!(
        text.contains("DeepCall had a problem on its side"),
        "{text}"
    );
    assert!(!text.contains("1009"), "no raw code: {text}");
    assert_eq!(sb.group_members(29).unwrap(), before, "server unchanged");
    let shown: Vec<bool> = app.groups().switches().await.iter().map(|s| s.1).collect();
    let server: Vec<bool> = {
        // Display order is by name then number; compare per agent.
        let mut out = Vec::new();
        for (label, _) in app.groups().switches().await {
            let id: u64 = label
                .split('#')
                .nth(1)
                .and_then(|s| s.split(')').next())
                .and_then(|s| s.split(' ').next())
                .unwrap()
                .parse()
                .unwrap();
            out.push(before.iter().find(|m| m.0 == id).unwrap().1);
        }
        out
    };
    assert_eq!(shown, server, "the display equals the server");
    app.assert_accessible("groups-change-failed").await;
    app.screenshot("groups-error").await;

    // Retry applies it.
    app.click_button("Retry").await;
    app.groups()
        .wait_switch("vijay developer (#4)", false)
        .await;
    assert_eq!(
        sb.group_members(29).unwrap(),
        [(4, false), (12, false), (6, false), (10, true)]
    );

    // Missing permission: names AGENT_TO_AGENT_CALL and who can grant it; no Retry.
    sb.set_agent_to_agent_call(false);
    app.groups().flip("Agent #12").await;
    app.wait_until(
        "const a = document.querySelector(\"[data-testid='change-failed']\"); return !!a && a.textContent.includes('AGENT_TO_AGENT_CALL') && !document.querySelector('li[aria-busy]');",
        "permission message",
    )
    .await;
    let text = app.text_of(By::Css("[data-testid='change-failed']")).await;
    assert!(text.contains("administrator"), "{text}");
    assert!(app
        .driver
        .find(By::XPath(
            "//*[@data-testid='change-failed']//button[.='Retry']"
        ))
        .await
        .is_err());
    sb.set_agent_to_agent_call(true);
    let (_, on) = app
        .groups()
        .switches()
        .await
        .into_iter()
        .find(|s| s.0.starts_with("Agent #12"))
        .unwrap();
    assert!(!on, "back to the server's state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_clicks_on_several_rows_are_applied_in_order() {
    let app = groups::launch("groups-quick", None).await;
    let sb = app.sandbox.clone();
    app.groups().open("29").await;
    sb.clear_requests();
    // The first change is slow, so the next clicks arrive while it runs.
    sb.fail_next_on(SUBMIT, Fault::Delay(Duration::from_millis(1500)));
    app.groups().flip("Agent #12").await;
    app.groups().flip("Bhawna (#6)").await;
    app.groups().flip("Manoj Kumar111 (#10)").await;
    // All three show what was asked while they wait their turn.
    let busy = app
        .driver
        .find_all(By::Css("li[aria-busy='true']"))
        .await
        .unwrap();
    assert_eq!(busy.len(), 3);
    app.groups().wait_idle().await;
    assert_eq!(
        sb.group_members(29).unwrap(),
        [(4, true), (12, true), (6, true), (10, false)]
    );
    // Three submissions, in click order, each one change from the one before.
    let sent = submits(&sb);
    assert_eq!(sent.len(), 3);
    assert_eq!(ids(&sent[0], "receive_call"), [4, 10, 12]);
    assert_eq!(ids(&sent[1], "receive_call"), [4, 6, 10, 12]);
    assert_eq!(ids(&sent[2], "receive_call"), [4, 6, 12]);
    for body in &sent {
        assert_eq!(ids(body, "agent_unique_id"), [4, 6, 10, 12]);
    }
    assert_eq!(
        app.groups()
            .switches()
            .await
            .into_iter()
            .filter(|s| s.1)
            .count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_open_move_flip_and_answer_the_nobody_warning() {
    let app = groups::launch("groups-keyboard", None).await;
    let sb = app.sandbox.clone();
    // The screen's heading has the focus; Tab reaches the number field.
    assert_eq!(app.focus_info().await["tag"], "H1");
    app.press(Key::Tab).await;
    assert_eq!(app.focus_info().await["id"], "group-number");
    app.press("28" + Key::Enter).await;
    app.groups().wait_open("28").await;
    sb.clear_requests();

    // Tab to the first member's switch.
    let mut presses = 0;
    while app.focus_info().await["role"] != "switch" {
        app.press(Key::Tab).await;
        presses += 1;
        assert!(presses < 20, "Tab never reached a switch");
    }
    assert_eq!(
        app.focus_info().await["label"],
        "bhawesh (#2) receives calls"
    );
    app.press(Key::Space).await;
    app.groups().wait_switch("bhawesh (#2)", false).await;
    // Down moves to the next member's switch.
    app.press(Key::Down).await;
    assert_eq!(
        app.focus_info().await["label"],
        "bhawesh (#3) receives calls"
    );
    app.press(Key::Space).await;
    app.groups().wait_switch("bhawesh (#3)", false).await;
    app.press(Key::Down).await;
    assert_eq!(app.focus_info().await["label"], "manoj (#8) receives calls");
    assert_eq!(submits(&sb).len(), 2);

    // The last one receiving: a warning first, with Cancel focused.
    app.press(Key::Space).await;
    let dialog = app.find(By::Css("dialog[open]")).await;
    let words = dialog.text().await.unwrap();
    assert!(
        words.contains("Nobody will receive this group's calls"),
        "{words}"
    );
    assert!(words.contains("Mahipal singh"), "{words}");
    assert_eq!(app.focus_info().await["text"], "Cancel");
    app.assert_accessible("groups-nobody-warning").await;
    app.screenshot("groups-nobody-warning").await;
    // Escape: nothing is sent, the switch stays on.
    app.press(Key::Escape).await;
    app.groups().wait_status("Nothing was changed.").await;
    app.groups().wait_switch("manoj (#8)", true).await;
    assert_eq!(submits(&sb).len(), 2, "cancelled: nothing sent");
    assert_eq!(sb.group_members(28).unwrap()[1], (8, true));

    // Again, and this time Tab to the yes and press Enter.
    let back = app.focus_info().await;
    assert_eq!(back["label"], "manoj (#8) receives calls", "focus returns");
    app.press(Key::Space).await;
    app.find(By::Css("dialog[open]")).await;
    app.press(Key::Tab).await;
    assert_eq!(app.focus_info().await["text"], "Yes, nobody receives calls");
    app.press(Key::Enter).await;
    app.groups().wait_switch("manoj (#8)", false).await;
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, false), (8, false), (2, false)]
    );
    let sent = submits(&sb);
    assert_eq!(sent.len(), 3);
    assert_eq!(ids(&sent[2], "receive_call"), Vec::<u64>::new());
    assert_eq!(ids(&sent[2], "agent_unique_id"), [2, 3, 8]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_filter_sort_and_switch_a_selection_in_one_change() {
    let app = groups::launch("groups-filter", None).await;
    let sb = app.sandbox.clone();
    app.groups().open("29").await;
    let labels = |v: Vec<(String, bool)>| -> Vec<String> {
        v.into_iter()
            .map(|(l, _)| l.trim_end_matches(" receives calls").to_owned())
            .collect()
    };
    // By name (the default), then by number.
    assert_eq!(
        labels(app.groups().switches().await),
        [
            "Agent #12",
            "Bhawna (#6)",
            "Manoj Kumar111 (#10)",
            "vijay developer (#4)"
        ]
    );
    let sort = app.find(By::Id("member-sort")).await;
    SelectElement::new(&sort)
        .await
        .unwrap()
        .select_by_value("number")
        .await
        .unwrap();
    assert_eq!(
        labels(app.groups().switches().await),
        [
            "vijay developer (#4)",
            "Bhawna (#6)",
            "Manoj Kumar111 (#10)",
            "Agent #12"
        ]
    );
    // Filter: not receiving.
    let filter = app.find(By::Id("member-filter")).await;
    SelectElement::new(&filter)
        .await
        .unwrap()
        .select_by_value("notReceiving")
        .await
        .unwrap();
    assert_eq!(
        labels(app.groups().switches().await),
        ["Bhawna (#6)", "Agent #12"]
    );
    assert_eq!(
        app.text_of(By::Css("[data-testid='showing']")).await,
        "Showing 2 of 4"
    );
    app.screenshot("groups-filtered").await;
    app.assert_accessible("groups-filtered").await;

    // Select both shown and switch them on in one change.
    app.find(By::XPath("//label[contains(., 'Select all shown')]/input"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_text("2 selected").await;
    sb.clear_requests();
    app.find(By::XPath("//div[@class and contains(@class,'selection')]//button[normalize-space(.)='Receive calls']"))
        .await
        .click()
        .await
        .unwrap();
    app.groups().wait_status("2 agents now receive calls").await;
    let sent = submits(&sb);
    assert_eq!(sent.len(), 1, "one change for the whole selection");
    assert_eq!(ids(&sent[0], "receive_call"), [4, 6, 10, 12]);
    assert_eq!(
        sb.group_members(29).unwrap(),
        [(4, true), (12, true), (6, true), (10, true)]
    );
    // The filter now shows nobody; a search by number finds one.
    app.wait_text("No member matches.").await;
    SelectElement::new(&filter)
        .await
        .unwrap()
        .select_by_value("everyone")
        .await
        .unwrap();
    app.type_into("Search by name or number", "#12").await;
    assert_eq!(labels(app.groups().switches().await), ["Agent #12"]);
    app.type_into("Search by name or number", "MANOJ").await;
    assert_eq!(
        labels(app.groups().switches().await),
        ["Manoj Kumar111 (#10)"]
    );
}
