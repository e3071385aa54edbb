//! The Bulk update screen in the real window, against the sandbox, with
//! the 50-row fixture (49 ready rows, a bad email on file line 25, 5 rows
//! that blacklist, 10 VIP): the preview's counts; the blacklist gate's
//! "Go back" sends nothing and "Send only the other 44 rows" sends no
//! blacklisting row; confirming sends one `Directory/update` per ready row
//! with only the fields that row set; the saved results file matches the
//! sandbox's request log; Pause and Resume; axe-core and a screenshot of
//! each step.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::deepcall::directory::ContactNumber;
use deepcall_desk::sandbox::{Misbehaviour, Options, RecordedRequest, Sandbox};
use serde_json::{json, Map, Value};
use thirtyfour::prelude::*;

use crate::crash::kill_and_wait;
use crate::support::x11::{open_in_dialog, save_in_dialog};
use crate::support::{App, Launch, TempDir, WAIT};

pub(crate) const UPDATE: &str = "Directory/update";
/// The file line of the row whose email is bad.
const BAD_LINE: usize = 25;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bulk-50.csv")
}

/// One row of the fixture: its file line, number as the app sends it, and
/// its cells by header.
pub(crate) struct CsvRow {
    pub line: usize,
    pub number: String,
    cells: BTreeMap<String, String>,
}

impl CsvRow {
    pub fn cell(&self, header: &str) -> &str {
        self.cells.get(header).map(String::as_str).unwrap_or("")
    }

    fn blacklists(&self) -> bool {
        flag(self.cell("Blacklisted")) == Some(true)
    }

    /// The `Directory/update` body's `contactinfo` and `other` this row
    /// sets: only its non-empty cells.
    fn expected(&self) -> (Map<String, Value>, Map<String, Value>) {
        let mut info = Map::new();
        for (header, key) in [
            ("Name", "name"),
            ("Email", "email"),
            ("Custom field 1", "custom_field_1"),
            ("custom_field_2", "custom_field_2"),
        ] {
            let v = self.cell(header).trim();
            if !v.is_empty() {
                info.insert(key.into(), json!(v));
            }
        }
        let mut other = Map::new();
        for (header, key) in [("VIP", "vip"), ("Blacklisted", "blacklist")] {
            if let Some(on) = flag(self.cell(header)) {
                other.insert(key.into(), json!(on));
            }
        }
        (info, other)
    }
}

fn flag(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        other => panic!("the fixture's flag cell {other:?}"),
    }
}

pub(crate) fn read_fixture() -> Vec<CsvRow> {
    let mut reader = csv::Reader::from_path(fixture()).expect("the fixture reads");
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.unwrap();
            // No cell of the fixture spans lines: the header is line 1.
            let line = i + 2;
            let cells: BTreeMap<String, String> = headers
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect();
            let number = ContactNumber::parse(&cells["Phone"])
                .expect("the fixture's numbers are valid")
                .as_str()
                .to_owned();
            CsvRow {
                line,
                number,
                cells,
            }
        })
        .collect()
}

/// Starts the app in Sandbox mode with the fixture's contacts in the
/// sandbox's directory, and opens Bulk update.
pub(crate) async fn launch(tag: &'static str) -> (App, Vec<CsvRow>) {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let rows = read_fixture();
    assert_eq!(rows.len(), 50);
    let bad = rows.iter().find(|r| r.line == BAD_LINE).unwrap();
    assert_eq!(bad.cell("Email"), "sneha.rao@", "the fixture's bad row");
    for r in &rows {
        sandbox.add_contact(&r.number, r.cell("Name"));
    }
    (open_bulk_update(sandbox, tag).await, rows)
}

/// Starts the app against `sandbox`, chooses to try the Sandbox and opens
/// Bulk update.
pub(crate) async fn open_bulk_update(sandbox: Arc<Sandbox>, tag: &'static str) -> App {
    let app = App::launch_with(Launch {
        sandbox: Some(sandbox),
        home: Some(Arc::new(TempDir::new(tag))),
        ..Launch::new(tag)
    })
    .await;
    app.wait_heading("Welcome to DeepCall Desk").await;
    app.click_button("Try the Sandbox").await;
    app.wait_heading("Groups").await;
    app.go("Bulk update").await;
    app
}

/// Waits for a step's heading (the screen's own heading is the `h1`).
pub(crate) async fn wait_step(app: &App, heading: &str) {
    app.find(By::XPath(format!("//h2[normalize-space(.)='{heading}']")))
        .await;
}

/// Chooses the fixture through GTK's open dialog and checks its rows with
/// the proposed columns; returns on the preview.
async fn choose_and_check(app: &App, shots: bool) {
    app.click_button("Choose a CSV file…").await;
    open_in_dialog("Choose a CSV file", &fixture());
    wait_step(app, "Match the columns").await;
    app.wait_text("bulk-50.csv").await;
    if shots {
        app.screenshot("bulk-mapping").await;
        app.assert_accessible("Bulk update, the columns").await;
    }
    app.click_button("Check the rows").await;
    app.find(By::Css("[data-testid='bulk-preview-counts']"))
        .await;
    app.find(By::Css("[data-testid='bulk-preview-row']")).await;
}

/// The text of the element with `data-testid` `id`.
pub(crate) async fn testid_text(app: &App, id: &str) -> String {
    app.text_of(By::Css(format!("[data-testid='{id}']")))
        .await
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The texts of the elements matching `css`, in order.
pub(crate) async fn items(app: &App, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for el in app.driver.find_all(By::Css(css)).await.unwrap() {
        out.push(el.text().await.unwrap().trim().to_owned());
    }
    out
}

/// Presses the button whose text starts with `starts` in the open dialog.
pub(crate) async fn press_in_dialog(app: &App, starts: &str) {
    app.find(By::XPath(format!(
        "//dialog[@open]//button[starts-with(normalize-space(.), '{starts}')]"
    )))
    .await
    .click()
    .await
    .unwrap();
}

async fn focused_text(app: &App) -> String {
    let ret = app
        .driver
        .execute(
            "return document.activeElement ? document.activeElement.textContent.trim() : null;",
            Vec::new(),
        )
        .await
        .unwrap();
    ret.json().as_str().unwrap_or_default().to_owned()
}

/// Waits for the Results step; returns its counts line.
pub(crate) async fn wait_results(app: &App) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = app
            .driver
            .find_all(By::XPath("//h2[normalize-space(.)='Results']"))
            .await
            .unwrap();
        if !found.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the run did not end");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.find(By::Css("[data-testid='bulk-result-row']")).await;
    testid_text(app, "bulk-counts").await
}

pub(crate) fn contact_of(r: &RecordedRequest) -> String {
    r.json.as_ref().expect("a JSON body")["contact"]
        .as_str()
        .expect("a contact number")
        .to_owned()
}

fn section(r: &RecordedRequest, key: &str) -> Map<String, Value> {
    r.json.as_ref().unwrap()[key]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_counts_and_the_gate_send_no_blacklisting_row_without_a_yes() {
    let (app, rows) = launch("bulk-gate").await;
    let sb = app.sandbox.clone();
    app.screenshot("bulk-start").await;
    app.assert_accessible("Bulk update, start").await;

    choose_and_check(&app, true).await;
    assert_eq!(
        items(&app, "[data-testid='bulk-preview-counts'] li").await,
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
    assert_eq!(focused_text(&app).await, "Go back");
    app.screenshot("bulk-gate").await;
    app.assert_accessible("Bulk update, the blacklist confirmation")
        .await;
    press_in_dialog(&app, "Go back").await;
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
    press_in_dialog(&app, "Send only the other 44 rows").await;
    let counts = wait_results(&app).await;
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
    let (app, rows) = launch("bulk-all").await;
    let sb = app.sandbox.clone();
    choose_and_check(&app, false).await;
    app.click_button("Send 49 rows").await;
    press_in_dialog(&app, "Blacklist 5 and send all 49").await;
    let counts = wait_results(&app).await;
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
    let saved = testid_text(&app, "bulk-saved").await;
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

/// Slows the sandbox's answers to `delay_ms` each, sends the whole file
/// (blacklisting confirmed) and returns once `sent` updates have arrived.
pub(crate) async fn start_slow_run(app: &App, delay_ms: u64, sent: usize) {
    let sb = app.sandbox.clone();
    let delay = Duration::from_millis(delay_ms);
    sb.set_misbehaviour(Misbehaviour {
        delay: Some(delay..=delay),
        ..Misbehaviour::default()
    })
    .unwrap();
    choose_and_check(app, false).await;
    app.click_button("Send 49 rows").await;
    press_in_dialog(app, "Blacklist 5 and send all 49").await;
    wait_step(app, "Sending").await;
    assert!(
        sb.wait_for_log(WAIT, |log| log
            .iter()
            .filter(|r| r.endpoint() == UPDATE)
            .count()
            >= sent)
            .await,
        "the run started"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_stops_new_rows_and_resume_finishes_them() {
    let (app, rows) = launch("bulk-pause").await;
    let sb = app.sandbox.clone();
    // Some rows done, then a picture of the run.
    start_slow_run(&app, 400, 8).await;
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
        focused_text(&app).await,
        "Resume",
        "the focus stays on the button"
    );

    // Resume: every row finishes, each sent once.
    app.click_button("Resume").await;
    let counts = wait_results(&app).await;
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

/// "Resume" on an unfinished run, answering the blacklist question again
/// when it is asked (rows still to send blacklist).
pub(crate) async fn resume_unfinished(app: &App) {
    app.click_button("Resume").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let asked = !app
        .driver
        .find_all(By::Css("dialog[open]"))
        .await
        .unwrap()
        .is_empty();
    if asked {
        let dialog = app.open_dialog_text().await.unwrap();
        assert!(dialog.contains("started just now"), "{dialog}");
        app.screenshot("bulk-resume-blacklist").await;
        press_in_dialog(app, "Blacklist and resume").await;
    }
}

/// A sandbox holding the fixture's contacts, and how to start the app on it
/// again and again with the same home (its History kept between starts).
pub(crate) async fn relaunchable(
    tag: &'static str,
) -> (Arc<Sandbox>, impl Fn() -> Launch, Vec<CsvRow>) {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let rows = read_fixture();
    for r in &rows {
        sandbox.add_contact(&r.number, r.cell("Name"));
    }
    let home = Arc::new(TempDir::new(tag));
    let sb = sandbox.clone();
    let launch = move || Launch {
        sandbox: Some(sb.clone()),
        home: Some(home.clone()),
        ..Launch::new(tag)
    };
    (sandbox, launch, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_cut_off_by_a_crash_is_offered_at_the_next_start_and_resumed() {
    let (sandbox, launch, _rows) = relaunchable("bulk-resume").await;

    // ---- a run killed mid-way ---------------------------------------------
    let app = App::launch_with(launch()).await;
    app.go("Bulk update").await;
    start_slow_run(&app, 300, 10).await;
    kill_and_wait(app.pid());
    app.close().await;
    let before = sandbox.requests_to(UPDATE).len();
    assert!(before < 49, "killed mid-run ({before} sent)");

    // ---- the next start: the badge, the notice, Resume ---------------------
    let app = App::launch_with(launch()).await;
    let badge = app.text_of(By::Css("[data-testid='bulk-badge']")).await;
    assert_eq!(badge, "1 unfinished");
    app.go("Bulk update").await;
    let notice = testid_text(&app, "bulk-unfinished").await;
    assert!(
        notice.contains("A bulk update from “bulk-50.csv”, started just now, was not finished"),
        "{notice}"
    );
    app.screenshot("bulk-unfinished").await;
    app.assert_accessible("Bulk update, an unfinished run")
        .await;
    resume_unfinished(&app).await;
    let counts = wait_results(&app).await;
    assert_eq!(counts, "49 confirmed · 1 left out");
    app.screenshot("bulk-resumed-results").await;

    // No row sent twice; every ready row carried out once.
    let mut carried: BTreeMap<String, usize> = BTreeMap::new();
    for r in sandbox.requests_to(UPDATE) {
        *carried.entry(contact_of(&r)).or_default() += usize::from(r.carried_out);
    }
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
    let (app, _rows) = launch("bulk-cancel").await;
    let sb = app.sandbox.clone();
    start_slow_run(&app, 400, 4).await;

    // "Keep sending" is the safe choice, with the focus.
    app.click_button("Cancel").await;
    app.find(By::Css("dialog[open]")).await;
    let dialog = app.open_dialog_text().await.unwrap();
    assert!(dialog.contains("Stop sending?"), "{dialog}");
    assert_eq!(focused_text(&app).await, "Keep sending");
    app.screenshot("bulk-cancel-confirm").await;
    press_in_dialog(&app, "Keep sending").await;
    app.wait_dialog_closed().await;
    assert_eq!(focused_text(&app).await, "Cancel", "the focus comes back");
    wait_step(&app, "Sending").await;

    app.click_button("Cancel").await;
    press_in_dialog(&app, "Stop sending").await;
    let counts = wait_results(&app).await;
    let sent = sb.requests_to(UPDATE).len();
    assert!(sent < 49, "stopped mid-run ({sent} sent)");
    assert!(counts.contains("not sent"), "{counts}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sb.requests_to(UPDATE).len(), sent, "nothing more is sent");
    app.screenshot("bulk-cancelled").await;
    app.close().await;
}
