//! The History screen in the real window, against the sandbox: changes made
//! on the Groups and Contacts screens appear as sentences with their values
//! before and after; filters and search; the export holds exactly the
//! entries shown; a failed and an unknown outcome, settled by Check now;
//! Try again and Revert go through the normal screens and their warnings;
//! History survives a restart; axe-core; screenshots of each state.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Fault, Sandbox};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::requests::{wait_requests, SUBMIT, UPDATE};
use crate::support::screens::history::Entry;
use crate::support::{App, Launch, TempDir, WAIT};

/// Starts the app on `home` (kept across restarts) against `sandbox` (a
/// new one when `None`), and chooses the Sandbox.
async fn launch(tag: &'static str, home: Arc<TempDir>, sandbox: Option<Arc<Sandbox>>) -> App {
    let app = App::launch_with(Launch {
        sandbox,
        home: Some(home),
        ..Launch::new(tag)
    })
    .await;
    app.try_the_sandbox().await;
    app
}

/// Sentences without their time ("Tue 24 Nov, 14:05 — "): what the test can know.
fn without_time(rows: &[Entry]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            r.text
                .split_once(" — ")
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// The "Entry" column of an exported CSV, as a set.
fn exported_ids(csv: &str) -> BTreeSet<String> {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_appear_with_before_and_after_filter_export_and_survive_a_restart() {
    let home = Arc::new(TempDir::new("history-main"));
    let app = launch("history-main", home.clone(), None).await;
    let sb = app.sandbox.clone();

    // Before any change: the empty state.
    app.go("History").await;
    app.wait_text("No changes have been sent from this computer yet.")
        .await;
    app.screenshot("history-empty").await;
    app.assert_accessible("History, empty").await;

    // A receive-calls change and its undo, then a contact edit.
    app.go("Groups").await;
    app.groups().open("28").await;
    app.groups().flip("manoj (#8)").await;
    app.groups().settle().await;
    app.click_button("Undo").await;
    wait_requests(&sb, SUBMIT, 2).await;
    app.groups().settle().await;
    app.wait_text("The change was undone").await;
    app.go("Contacts").await;
    app.contacts().open("98765 43210").await;
    app.switch("VIP").await.click().await.unwrap();
    app.contacts().wait_save_enabled().await;
    app.contacts().press_save().await;
    app.find(By::Css("[data-testid='saved']")).await;

    // History: newest first, each with its values before and after.
    app.go("History").await;
    app.history().wait_count("3 entries", 3).await;
    let all = app.history().entries().await;
    assert_eq!(
        without_time(&all),
        [
            "Sandbox — VIP 98765 43210 (Ravi Verma): off → on — confirmed",
            "Sandbox — Undo: manoj (#8) receives calls in Mahipal singh (group 28): off → on — confirmed",
            "Sandbox — manoj (#8) receives calls in Mahipal singh (group 28): on → off — confirmed",
        ]
    );
    assert!(all.iter().all(|r| r.outcome == "confirmed"), "{all:?}");
    assert_eq!(all[0].buttons, ["Revert", "Open this contact"]);
    assert_eq!(all[1].buttons, ["Open this group"]);
    app.screenshot("history-list").await;
    app.assert_accessible("History").await;

    // Keyboard: Down and Up move between the entries' first buttons.
    app.driver
        .execute(
            "document.querySelector(\"[data-row='0'] button\").focus();",
            Vec::new(),
        )
        .await
        .unwrap();
    app.press(Key::Down).await;
    assert_eq!(app.focused().await.1, "Open this group");
    app.press(Key::Down).await;
    app.press(Key::Up).await;
    app.press(Key::Up).await;
    assert_eq!(app.focused().await.1, "Revert");

    // Kind, outcome, and search by number, by name and by group.
    app.history().choose("Kind", "Groups").await;
    app.history().wait_count("2 of 3 entries", 2).await;
    app.screenshot("history-filtered").await;
    let groups: BTreeSet<String> = app
        .history()
        .entries()
        .await
        .into_iter()
        .map(|r| r.id)
        .collect();

    // Export: exactly the entries shown.
    let out = TempDir::new("history-export-out");
    let target = out.0.join("history-groups.csv");
    app.history().export_to(&target, "Saved 2 entries to").await;
    let csv = std::fs::read_to_string(&target).expect("the file was written");
    assert_eq!(exported_ids(&csv), groups, "{csv}");
    assert!(csv.contains("manoj"), "{csv}");

    app.history().choose("Kind", "Contacts").await;
    app.history().wait_count("1 of 3 entries", 1).await;
    app.history().choose("Kind", "Groups and contacts").await;
    app.history().wait_count("3 entries", 3).await;
    app.history().choose("Outcome", "Failed").await;
    app.wait_text("No entries match these filters.").await;
    app.screenshot("history-filtered-empty").await;
    app.click_button("Clear filters").await;
    app.history().wait_count("3 entries", 3).await;

    app.type_into("Search", "98765").await;
    app.history().wait_count("1 of 3 entries", 1).await;
    assert!(app.history().entries().await[0].text.contains("Ravi Verma"));
    app.type_into("Search", "ravi").await;
    app.history().wait_count("1 of 3 entries", 1).await;
    app.type_into("Search", "manoj").await;
    app.history().wait_count("2 of 3 entries", 2).await;
    app.type_into("Search", "Mahipal").await;
    app.history().wait_count("2 of 3 entries", 2).await;

    // Dates are the manager's local days: today holds all three, tomorrow none.
    app.click_button("Clear filters").await;
    app.history().wait_count("3 entries", 3).await;
    let today = app
        .driver
        .execute(
            "const d = new Date(); return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, '0'), String(d.getDate()).padStart(2, '0')].join('-');",
            Vec::new(),
        )
        .await
        .unwrap()
        .json()
        .as_str()
        .unwrap()
        .to_owned();
    app.pick_date("From", &today).await;
    app.pick_date("To", &today).await;
    app.history().wait_count("3 entries", 3).await;

    // Open this contact: the Contacts screen with it looked up.
    app.click_button("Clear filters").await;
    app.history().wait_count("3 entries", 3).await;
    app.history()
        .press_in_entry(&all[0].id, "Open this contact")
        .await;
    app.wait_heading("Contacts").await;
    app.find(By::XPath(
        "//h2[@id='contact-title'][contains(normalize-space(.), 'Ravi Verma')]",
    ))
    .await;

    // Open this group: the Groups screen with it open.
    app.go("History").await;
    app.history().wait_count("3 entries", 3).await;
    app.history()
        .press_in_entry(&all[2].id, "Open this group")
        .await;
    app.wait_heading("Groups").await;
    app.groups().wait_open("28").await;

    // A restart on the same home: History is all still there.
    app.close().await;
    let app = launch("history-main", home.clone(), Some(sb)).await;
    app.go("History").await;
    app.history().wait_count("3 entries", 3).await;
    let after = app.history().entries().await;
    assert_eq!(
        after.iter().map(|r| &r.text).collect::<Vec<_>>(),
        all.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_unknown_outcomes_say_so_check_now_settles_and_try_again_resends() {
    let home = Arc::new(TempDir::new("history-outcomes"));
    let app = launch("history-outcomes", home, None).await;
    let sb = app.sandbox.clone();

    // DeepCall refuses a group change: a failed entry with DeepCall's words.
    app.groups().open("29").await;
    sb.fail_next_on(
        SUBMIT,
        Fault::ApiError {
            code: 1009,
            message: "Something went wrong".into(),
        },
    );
    app.groups().flip("vijay developer (#4)").await;
    app.find(By::Css("[data-testid='change-failed']")).await;

    // A contact update whose answer is cut short: the outcome is unknown
    // (the sandbox carried the change out).
    app.go("Contacts").await;
    app.contacts().open("9123456780").await;
    sb.fail_next_on(UPDATE, Fault::TruncatedJson);
    app.switch("VIP").await.click().await.unwrap();
    app.contacts().wait_save_enabled().await;
    app.contacts().press_save().await;
    app.find(By::Css("[role='alert']")).await;
    wait_requests(&sb, UPDATE, 1).await;

    app.go("History").await;
    app.history().wait_count("2 entries", 2).await;
    let all = app.history().entries().await;
    let (unknown, failed) = (&all[0], &all[1]);
    assert_eq!(unknown.outcome, "unknown", "{all:?}");
    assert!(
        unknown
            .text
            .ends_with("— Sandbox — VIP 91234 56780 (Anita Desai): on → off — outcome unknown"),
        "{unknown:?}"
    );
    assert_eq!(
        unknown.buttons,
        ["Check now", "Try again", "Open this contact"],
        "{unknown:?}"
    );
    assert_eq!(failed.outcome, "failed", "{all:?}");
    assert!(
        failed.text.ends_with(
            "— Sandbox — vijay developer (#4) receives calls in Night shift (group 29): on → off — failed"
        ),
        "{failed:?}"
    );
    assert!(!failed.message.is_empty(), "DeepCall's words: {failed:?}");
    assert_eq!(failed.buttons, ["Try again", "Open this group"]);
    let notice = app
        .text_of(By::Css("[data-testid='history-unknown']"))
        .await;
    assert!(
        notice.contains("1 change has an unknown outcome"),
        "{notice}"
    );
    assert!(app
        .text_of(By::Css("[data-testid='history-badge']"))
        .await
        .contains("1 unknown"));
    app.screenshot("history-unknown-and-failed").await;
    app.assert_accessible("History, unknown and failed entries")
        .await;

    // Only the unknown entry.
    app.history().choose("Outcome", "Outcome unknown").await;
    app.history().wait_count("1 of 2 entries", 1).await;
    app.screenshot("history-unknown").await;
    app.history().choose("Outcome", "Failed").await;
    app.history().wait_count("1 of 2 entries", 1).await;
    app.screenshot("history-failed").await;
    app.history().choose("Outcome", "Any outcome").await;
    app.history().wait_count("2 entries", 2).await;

    // Check now reads DeepCall (which has the change) and sends nothing.
    sb.clear_requests();
    app.history().press_in_entry(&unknown.id, "Check now").await;
    app.wait_text("Checked: DeepCall has this change").await;
    app.wait_until(
        &format!(
            "const r = document.querySelector(\"[data-entry-id='{}']\"); return !!r && r.dataset.outcome === 'confirmed';",
            unknown.id
        ),
        "the entry is confirmed",
    )
    .await;
    assert!(sb.requests_to(UPDATE).is_empty(), "Check now sent nothing");
    app.wait_until(
        "return !document.querySelector(\"[data-testid='history-unknown']\") && !document.querySelector(\"[data-testid='history-badge']\");",
        "the unknown notice and badge are gone",
    )
    .await;

    // Try again on the failed group change: the Groups screen sends it, as
    // a retry, and History records it.
    app.history().press_in_entry(&failed.id, "Try again").await;
    app.wait_heading("Groups").await;
    wait_requests(&sb, SUBMIT, 1).await;
    app.groups().settle().await;
    app.screenshot("history-try-again-groups").await;
    app.wait_text("vijay developer (#4) no longer receives calls")
        .await;
    app.go("History").await;
    app.history().wait_count("3 entries", 3).await;
    let newest = app.history().entries().await.remove(0);
    assert!(
        newest
            .text
            .contains("Tried again: vijay developer (#4) receives calls in"),
        "{newest:?}"
    );
    assert!(newest.text.ends_with("on → off — confirmed"), "{newest:?}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_of_a_blacklist_off_change_warns_and_cancel_sends_nothing() {
    let home = Arc::new(TempDir::new("history-revert"));
    let app = launch("history-revert", home, None).await;
    let sb = app.sandbox.clone();

    // Turn Blacklisted off for the blacklisted caller.
    app.go("Contacts").await;
    app.contacts().open("9988776655").await;
    assert!(app.switch_is_on("Blacklisted").await);
    app.switch("Blacklisted").await.click().await.unwrap();
    app.contacts().wait_save_enabled().await;
    app.contacts().press_save().await;
    app.find(By::Css("[data-testid='saved']")).await;
    assert_eq!(
        sb.contact("9988776655").unwrap()["other"]["blacklist"],
        json!(false)
    );

    app.go("History").await;
    app.history().wait_count("1 entry", 1).await;
    let entry = app.history().entries().await.remove(0);
    assert!(
        entry.text.ends_with(
            "— Sandbox — Blacklisted 99887 76655 (Unknown caller): on → off — confirmed"
        ),
        "{entry:?}"
    );

    // Revert: the editor with Blacklisted on again, for review.
    sb.clear_requests();
    app.history().press_in_entry(&entry.id, "Revert").await;
    app.wait_heading("Contacts").await;
    app.find(By::Css("[data-testid='from-history']")).await;
    assert!(app.switch_is_on("Blacklisted").await);
    app.find(By::XPath(
        "//*[@data-testid='review']//li[starts-with(normalize-space(.), 'Blacklisted: off → on')]",
    ))
    .await;
    app.screenshot("history-revert-review").await;

    // Save asks first; Cancel sends nothing.
    app.contacts().wait_save_enabled().await;
    app.contacts().press_save().await;
    let deadline = Instant::now() + WAIT;
    let text = loop {
        if let Some(t) = app.open_dialog_text().await {
            break t;
        }
        assert!(Instant::now() < deadline, "the blacklist warning opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        text.contains("Blacklist Unknown caller (9988776655)?"),
        "{text}"
    );
    app.screenshot("history-revert-warning").await;
    app.find(By::XPath(
        "//dialog[@open]//button[normalize-space(.)='Cancel']",
    ))
    .await
    .click()
    .await
    .unwrap();
    app.wait_dialog_closed().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sb.requests_to(UPDATE).is_empty(), "cancelling sent nothing");
    assert_eq!(
        sb.contact("9988776655").unwrap()["other"]["blacklist"],
        json!(false)
    );

    // History still has the one entry.
    app.go("History").await;
    app.history().wait_count("1 entry", 1).await;
    app.close().await;
}
