//! Changes to a group the manager has left: they finish
//! on their own group, and the group on screen stays as it is.

use std::time::{Duration, Instant};

use deepcall_desk::sandbox::Fault;
use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::support::requests::{ids, submits, RELATION, SUBMIT};
use crate::support::screens::groups;
use crate::support::{App, WAIT};

/// Group 29 as the seed has it, as the screen lists it (by name).
const NIGHT_SHIFT: [(&str, bool); 4] = [
    ("Agent #12 receives calls", false),
    ("Bhawna (#6) receives calls", false),
    ("Manoj Kumar111 (#10) receives calls", true),
    ("vijay developer (#4) receives calls", true),
];

/// What the screen shows now: the heading, the number field, the switches
/// and whether any row is waiting, read at one instant.
async fn screen_now(app: &App) -> Value {
    app.driver
        .execute(
            r#"return {
                 title: document.getElementById('group-title')?.textContent.replace(/\s+/g, ' ').trim() ?? null,
                 field: document.getElementById('group-number')?.value ?? null,
                 switches: Array.from(document.querySelectorAll("button[role='switch']"),
                   (s) => [s.getAttribute('aria-label'), s.getAttribute('aria-checked') === 'true']),
                 busy: document.querySelectorAll('li[aria-busy]').length,
                 notes: Array.from(document.querySelectorAll("[data-testid='other-group-note'] > span"),
                   (n) => n.textContent.replace(/\s+/g, ' ').trim()),
                 // Any other message in the change status.
                 said: Array.from(document.querySelectorAll(
                   "[data-testid='change-status'] > :not([data-testid='other-group-note'])"),
                   (n) => n.textContent.trim()),
               };"#,
            Vec::new(),
        )
        .await
        .unwrap()
        .json()
        .clone()
}

/// Fails unless the screen shows group 29 exactly as the seed has it.
fn assert_night_shift(screen: &Value) {
    assert_eq!(screen["title"], "Night shift #29", "{screen}");
    assert_eq!(screen["field"], "29", "{screen}");
    assert_eq!(screen["switches"], json!(NIGHT_SHIFT), "{screen}");
    assert_eq!(screen["busy"], 0, "no row of group 29 waits: {screen}");
}

/// Watches the screen until a note about another group contains `text`;
/// the screen must show group 29, untouched, at every look.
async fn watch_night_shift_until_note(app: &App, text: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let screen = screen_now(app).await;
        assert_night_shift(&screen);
        let notes = screen["notes"].as_array().cloned().unwrap_or_default();
        if notes
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains(text)))
        {
            return screen;
        }
        assert!(Instant::now() < deadline, "no note “{text}”: {screen}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_changes_finish_on_their_own_group_while_the_screen_stays_on_the_group_opened() {
    let app = groups::launch("groups-left", None).await;
    let sb = app.sandbox.clone();
    let night_shift = sb.group_members(29).unwrap();
    app.groups().open("28").await;
    sb.clear_requests();

    // DeepCall is slow to take each change.
    sb.fail_next_on(SUBMIT, Fault::Delay(Duration::from_millis(2500)));
    sb.fail_next_on(SUBMIT, Fault::Delay(Duration::from_millis(2500)));
    app.groups().flip("bhawesh (#2)").await;
    app.groups().flip("manoj (#8)").await;
    // At once, another group.
    app.groups().open("29").await;
    let screen =
        watch_night_shift_until_note(&app, "Still saving 2 changes to “Mahipal singh” (#28)…")
            .await;
    assert_eq!(screen["notes"].as_array().unwrap().len(), 1, "{screen}");
    app.screenshot("groups-left-saving").await;

    // Both finish on group 28; group 29 stays on screen, untouched.
    let done = "Your 2 changes to “Mahipal singh” (#28) are saved: \
                bhawesh (#2) no longer receives calls; manoj (#8) no longer receives calls.";
    let screen = watch_night_shift_until_note(&app, done).await;
    assert_eq!(screen["notes"], json!([done]));
    // Nothing else is said, and no Undo is offered for a group not on screen.
    assert_eq!(screen["said"], json!([]), "{screen}");
    assert!(!app.groups().status_text().await.contains("Undo"));
    assert!(app
        .driver
        .find(By::Css("[data-testid='change-failed']"))
        .await
        .is_err());
    let sent = submits(&sb);
    assert_eq!(sent.len(), 2);
    for body in &sent {
        assert_eq!(body["groupId"], json!(28), "every change names group 28");
        assert_eq!(ids(body, "agent_unique_id"), [2, 3, 8]);
    }
    assert_eq!(ids(&sent[0], "receive_call"), [3, 8]);
    assert_eq!(ids(&sent[1], "receive_call"), [3]);
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, false), (2, false)]
    );
    assert_eq!(
        sb.group_members(29).unwrap(),
        night_shift,
        "group 29 untouched"
    );
    // A while later, still group 29.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_night_shift(&screen_now(&app).await);
    app.assert_accessible("groups-left-saved").await;
    app.screenshot("groups-left-saved").await;

    // The note's button opens group 28, as DeepCall has it now.
    app.click_button("Open “Mahipal singh” (#28)").await;
    app.groups().wait_open("28").await;
    app.groups().wait_switch("manoj (#8)", false).await;
    assert_eq!(
        app.groups().switches().await,
        [
            ("bhawesh (#2) receives calls".to_owned(), false),
            ("bhawesh (#3) receives calls".to_owned(), true),
            ("manoj (#8) receives calls".to_owned(), false),
        ]
    );
    assert!(screen_now(&app).await["notes"]
        .as_array()
        .unwrap()
        .is_empty());

    // A change to group 28 that fails after the manager left it: said in
    // words naming group 28, and the screen stays on group 29.
    sb.clear_requests();
    sb.fail_next_on(RELATION, Fault::Delay(Duration::from_millis(2000)));
    sb.fail_next_on(
        SUBMIT,
        Fault::ApiError {
            code: 1009,
            message: "Something went wrong".into(),
        },
    );
    app.groups().flip("manoj (#8)").await;
    app.groups().open("29").await;
    let screen = watch_night_shift_until_note(
        &app,
        "Your change to “Mahipal singh” (#28) was not saved. Could not let manoj (#8) receive calls.",
    )
    .await;
    assert_eq!(screen["notes"].as_array().unwrap().len(), 1, "{screen}");
    let alert = app.text_of(By::Css("[data-testid='change-failed']")).await;
    assert!(
        alert.contains(
            "Could not change whether manoj (#8) receives calls in “Mahipal singh” (#28). \
             Open that group to see what DeepCall has now."
        ),
        "{alert}"
    );
    assert!(
        alert.contains("DeepCall had a problem on its side"),
        "{alert}"
    );
    assert!(!alert.contains("1009"), "no raw code: {alert}");
    assert_eq!(sb.group_members(28).unwrap()[1], (8, false), "not changed");
    assert_eq!(submits(&sb)[0]["groupId"], json!(28));
    app.assert_accessible("groups-left-failed").await;
    app.screenshot("groups-left-failed").await;

    // Retry, with group 29 on screen, changes group 28 again.
    app.click_button("Retry").await;
    watch_night_shift_until_note(
        &app,
        "Your change to “Mahipal singh” (#28) is saved: manoj (#8) now receives calls.",
    )
    .await;
    let sent = submits(&sb);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["groupId"], json!(28));
    assert_eq!(ids(&sent[1], "receive_call"), [3, 8]);
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, true), (2, false)]
    );
    assert_eq!(
        sb.group_members(29).unwrap(),
        night_shift,
        "group 29 untouched"
    );
    assert!(app
        .driver
        .find(By::Css("[data-testid='change-failed']"))
        .await
        .is_err());
}
