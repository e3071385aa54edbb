//! The Bulk update screen in the real window, against the sandbox, with
//! the 50-row fixture (49 ready rows, a bad email on file line 25, 5 rows
//! that blacklist, 10 VIP): the preview's counts; the blacklist gate's
//! "Go back" sends nothing and "Send only the other 44 rows" sends no
//! blacklisting row; confirming sends one `Directory/update` per ready row
//! with only the fields that row set; the saved results file matches the
//! sandbox's request log; Pause and Resume; axe-core and a screenshot of
//! each step.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use deepcall_desk::sandbox::RecordedRequest;
use serde_json::{json, Map, Value};
use thirtyfour::prelude::*;

use crate::support::bulk_file::BAD_LINE;
use crate::support::requests::{carried_per_contact, contact_of, UPDATE};
use crate::support::screens::bulk;
use crate::support::x11::save_in_dialog;
use crate::support::{App, TempDir};

/// What a contact change set in `key` (`contactinfo` or `other`).
fn section(r: &RecordedRequest, key: &str) -> Map<String, Value> {
    r.json.as_ref().unwrap()[key]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_counts_and_the_gate_send_no_blacklisting_row_without_a_yes() {
    let (app, rows) = bulk::launch_with_file("bulk-gate").await;
    let sb = app.sandbox.clone();
    app.screenshot("bulk-start").await;
    app.assert_accessible("Bulk update, start").await;

    app.bulk().choose_file_and_check(true).await;
    assert_eq!(
        app.texts("[data-testid='bulk-preview-counts'] li").await,
        [
            "49 rows ready",
            "1 row with problems (will be skipped)",
            "5 rows blacklist their contact"
        ]
    );
    app.assert_accessible("Bulk update, the preview").await;

    // The bad email is reported, on its row.
    app.click_button("With problems").await;
    let bad = app
        .find(By::Css(format!(
            "[data-testid='bulk-preview-row'][data-line='{BAD_LINE}'][data-state='problems']"
        )))
        .await;
    let text = bad.text().await.unwrap();
    assert!(text.to_lowercase().contains("email"), "{text}");
    assert_eq!(
        app.driver
            .find_all(By::Css("[data-testid='bulk-preview-row']"))
            .await
            .unwrap()
            .len(),
        1
    );
    app.screenshot("bulk-preview-problems").await;
    app.click_button("All").await;
    app.find(By::Css("[data-testid='bulk-preview-row'][data-line='2']"))
        .await;
    app.screenshot("bulk-preview").await;
    // Virtualised: only the rows in view are drawn; the last comes on scrolling.
    let drawn = app
        .driver
        .find_all(By::Css("[data-testid='bulk-preview-row']"))
        .await
        .unwrap()
        .len();
    assert!(drawn < 50, "{drawn} rows drawn");
    app.driver
        .execute(
            r#"const s = document.querySelector("[data-testid='bulk-preview-rows']");
               s.scrollTop = s.scrollHeight;
               s.dispatchEvent(new Event("scroll"));"#,
            Vec::new(),
        )
        .await
        .unwrap();
    app.find(By::Css("[data-testid='bulk-preview-row'][data-line='51']"))
        .await;

    // The gate: Go back (focused; also Escape) sends nothing.
    app.click_button("Send 49 rows").await;
    let dialog = app.open_dialog_text().await;
    let dialog = match dialog {
        Some(d) => d,
        None => {
            app.find(By::Css("dialog[open]")).await;
            app.open_dialog_text().await.unwrap()
        }
    };
    assert!(dialog.contains("Blacklist 5 contacts?"), "{dialog}");
    assert!(dialog.contains("98765 00018"), "{dialog}");
    assert_eq!(app.focus_info().await["text"], "Go back");
    app.screenshot("bulk-gate").await;
    app.assert_accessible("Bulk update, the blacklist confirmation")
        .await;
    app.press_in_dialog("Go back").await;
    app.wait_dialog_closed().await;
    app.click_button("Send 49 rows").await;
    app.find(By::Css("dialog[open]")).await;
    app.driver
        .active_element()
        .await
        .unwrap()
        .send_keys(Key::Escape)
        .await
        .unwrap();
    app.wait_dialog_closed().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sb.requests_to(UPDATE).is_empty(), "Go back sent nothing");

    // Send only the other 44 rows.
    app.click_button("Send 49 rows").await;
    app.press_in_dialog("Send only the other 44 rows").await;
    let counts = app.bulk().wait_results().await;
    assert_eq!(counts, "44 confirmed · 6 left out");
    let sent = sb.requests_to(UPDATE);
    assert_eq!(sent.len(), 44);
    let blacklisting: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.blacklists())
        .map(|r| r.number.as_str())
        .collect();
    assert_eq!(blacklisting.len(), 5);
    let bad = rows.iter().find(|r| r.line == BAD_LINE).unwrap();
    for r in &sent {
        let n = contact_of(r);
        assert!(!blacklisting.contains(n.as_str()), "{n} was not to be sent");
        assert_ne!(n, bad.number, "the row with problems is never sent");
        assert_ne!(section(r, "other").get("blacklist"), Some(&json!(true)));
    }
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirming_sends_one_update_per_ready_row_and_the_results_file_matches_the_log() {
    let (app, rows) = bulk::launch_with_file("bulk-all").await;
    let sb = app.sandbox.clone();
    app.bulk().choose_file_and_check(false).await;
    app.click_button("Send 49 rows").await;
    app.press_in_dialog("Blacklist 5 and send all 49").await;
    let counts = app.bulk().wait_results().await;
    assert_eq!(counts, "49 confirmed · 1 left out");
    app.screenshot("bulk-results").await;
    app.assert_accessible("Bulk update, the results").await;

    // One update per ready row, with exactly the fields the row set.
    let sent = sb.requests_to(UPDATE);
    assert_eq!(sent.len(), 49);
    let mut by_number: BTreeMap<String, &RecordedRequest> = BTreeMap::new();
    for r in &sent {
        assert!(
            by_number.insert(contact_of(r), r).is_none(),
            "one update per contact"
        );
    }
    for row in &rows {
        let req = by_number.get(&row.number);
        if row.line == BAD_LINE {
            assert!(req.is_none(), "the bad row was sent");
            continue;
        }
        let req = req.unwrap_or_else(|| panic!("line {} was not sent", row.line));
        let (info, other) = row.expected();
        assert_eq!(section(req, "contactinfo"), info, "line {}", row.line);
        assert_eq!(section(req, "other"), other, "line {}", row.line);
        assert!(req.carried_out, "line {}", row.line);
    }

    // The results file, saved through the dialog, against the log.
    let dir = TempDir::new("bulk-results-file");
    let target = dir.0.join("results.csv");
    app.click_button("Save the results…").await;
    save_in_dialog("Save the results", &target);
    app.wait_text("Saved to").await;
    let saved = app.testid_text("bulk-saved").await;
    assert!(saved.contains("results.csv"), "{saved}");
    app.screenshot("bulk-results-saved").await;
    let text = std::fs::read_to_string(&target).expect("the results file");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "Phone",
            "Name",
            "Email",
            "VIP",
            "Blacklisted",
            "Custom field 1",
            "custom_field_2",
            "Result",
            "Details"
        ]
    );
    let results: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(results.len(), 50);
    for (row, rec) in rows.iter().zip(&results) {
        // A cell a spreadsheet would read as a formula is written with a
        // leading apostrophe.
        let phone = row.cell("Phone");
        let written = if phone.starts_with(['=', '+', '-', '@']) {
            format!("'{phone}")
        } else {
            phone.to_owned()
        };
        assert_eq!(&rec[0], written, "the file's order");
        let result = &rec[7];
        let logged = by_number.get(&row.number);
        match logged {
            Some(r) if r.carried_out && r.api_code == Some(200) => {
                assert_eq!(result, "confirmed", "line {}", row.line)
            }
            Some(r) => panic!("line {}: not carried out: {:?}", row.line, r.api_code),
            None => {
                assert_eq!(row.line, BAD_LINE);
                assert_eq!(result, "left out");
                assert!(rec[8].to_lowercase().contains("email"), "{:?}", &rec[8]);
            }
        }
    }
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_stops_new_rows_and_resume_finishes_them() {
    let (app, rows) = bulk::launch_with_file("bulk-pause").await;
    let sb = app.sandbox.clone();
    // Some rows done, then a picture of the run. Each row takes a second, so
    // that the run is still under way when Pause is pressed on a busy machine
    // (the picture and the accessibility check take time of their own).
    app.bulk().start_slow_run(1000, 8).await;
    app.wait_until(
        r#"const p = document.querySelector("[data-testid='bulk-progress']");
           return !!p && /^[1-9]\d* of 49 rows done/.test(p.textContent.trim());"#,
        "some rows done",
    )
    .await;
    app.screenshot("bulk-progress").await;
    app.assert_accessible("Bulk update, sending").await;

    // Pause: the rows under way finish; no new one starts.
    app.click_button("Pause").await;
    app.wait_until(
        r#"const p = document.querySelector("[data-testid='bulk-progress']");
           return !!p && p.textContent.includes("Paused");"#,
        "Paused is shown",
    )
    .await;
    let at_pause = sb.requests_to(UPDATE).len();
    assert!(at_pause < 49, "paused mid-run ({at_pause} sent)");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let settled = sb.requests_to(UPDATE).len();
    assert!(settled <= at_pause + 4, "{at_pause} → {settled}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sb.requests_to(UPDATE).len(), settled, "no new row starts");
    app.screenshot("bulk-paused").await;
    assert_eq!(
        app.focus_info().await["text"],
        "Resume",
        "the focus stays on the button"
    );

    // Resume: every row finishes, each sent once.
    app.click_button("Resume").await;
    let counts = app.bulk().wait_results().await;
    assert_eq!(counts, "49 confirmed · 1 left out");
    let numbers: BTreeSet<String> = sb.requests_to(UPDATE).iter().map(contact_of).collect();
    assert_eq!(sb.requests_to(UPDATE).len(), 49);
    assert_eq!(numbers.len(), 49);
    assert_eq!(
        numbers,
        rows.iter()
            .filter(|r| r.line != BAD_LINE)
            .map(|r| r.number.clone())
            .collect()
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_cut_off_by_a_crash_is_offered_at_the_next_start_and_resumed() {
    let (sandbox, launch, _rows) = bulk::relaunchable("bulk-resume").await;

    // ---- a run killed mid-way ---------------------------------------------
    let app = App::launch_with(launch()).await;
    app.go("Bulk update").await;
    app.bulk().start_slow_run(300, 10).await;
    app.kill();
    app.close().await;
    let before = sandbox.requests_to(UPDATE).len();
    assert!(before < 49, "killed mid-run ({before} sent)");

    // ---- the next start: the badge, the notice, Resume ---------------------
    let app = App::launch_with(launch()).await;
    let badge = app.text_of(By::Css("[data-testid='bulk-badge']")).await;
    assert_eq!(badge, "1 unfinished");
    app.go("Bulk update").await;
    let notice = app.testid_text("bulk-unfinished").await;
    assert!(
        notice.contains("A bulk update from “bulk-50.csv”, started just now, was not finished"),
        "{notice}"
    );
    app.screenshot("bulk-unfinished").await;
    app.assert_accessible("Bulk update, an unfinished run")
        .await;
    app.bulk().resume_unfinished().await;
    let counts = app.bulk().wait_results().await;
    assert_eq!(counts, "49 confirmed · 1 left out");
    app.screenshot("bulk-resumed-results").await;

    // No row sent twice; every ready row carried out once.
    let carried = carried_per_contact(&sandbox);
    assert_eq!(sandbox.requests_to(UPDATE).len(), 49, "none sent twice");
    assert_eq!(carried.len(), 49);
    assert!(carried.values().all(|n| *n == 1), "{carried:?}");
    // The badge is gone.
    assert!(app
        .driver
        .find_all(By::Css("[data-testid='bulk-badge']"))
        .await
        .unwrap()
        .is_empty());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_asks_first_and_leaves_the_rows_not_sent_unsent() {
    let (app, _rows) = bulk::launch_with_file("bulk-cancel").await;
    let sb = app.sandbox.clone();
    app.bulk().start_slow_run(400, 4).await;

    // "Keep sending" is the safe choice, with the focus.
    app.click_button("Cancel").await;
    app.find(By::Css("dialog[open]")).await;
    let dialog = app.open_dialog_text().await.unwrap();
    assert!(dialog.contains("Stop sending?"), "{dialog}");
    assert_eq!(app.focus_info().await["text"], "Keep sending");
    app.screenshot("bulk-cancel-confirm").await;
    app.press_in_dialog("Keep sending").await;
    app.wait_dialog_closed().await;
    assert_eq!(
        app.focus_info().await["text"],
        "Cancel",
        "the focus comes back"
    );
    app.bulk().wait_step("Sending").await;

    app.click_button("Cancel").await;
    app.press_in_dialog("Stop sending").await;
    let counts = app.bulk().wait_results().await;
    let sent = sb.requests_to(UPDATE).len();
    assert!(sent < 49, "stopped mid-run ({sent} sent)");
    assert!(counts.contains("not sent"), "{counts}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sb.requests_to(UPDATE).len(), sent, "nothing more is sent");
    app.screenshot("bulk-cancelled").await;
    app.close().await;
}
