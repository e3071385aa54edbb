//! The Bulk update screen: a CSV file chosen through GTK's dialog, its
//! columns matched, the preview, a run sent, paused, resumed, and its
//! results.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Misbehaviour, Options, Sandbox};
use thirtyfour::prelude::*;

use crate::support::bulk_file::{self, CsvRow, BAD_LINE};
use crate::support::requests::UPDATE;
use crate::support::screens::launch_on;
use crate::support::x11::open_in_dialog;
use crate::support::{App, Launch, TempDir, WAIT};

/// The Bulk update screen of a running app.
pub struct Bulk<'a> {
    app: &'a App,
}

impl App {
    /// The Bulk update screen's steps and what the tests read there
    /// (`app.go("Bulk update")` opens it).
    pub fn bulk(&self) -> Bulk<'_> {
        Bulk { app: self }
    }
}

/// A sandbox whose directory holds the contacts of the 50-row file.
async fn sandbox_with_file_contacts() -> (Arc<Sandbox>, Vec<CsvRow>) {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let rows = bulk_file::rows();
    for r in &rows {
        sandbox.add_contact(&r.number, r.cell("Name"));
    }
    (sandbox, rows)
}

/// Starts the app in Sandbox mode with the 50-row file's contacts in the
/// sandbox's directory, and opens Bulk update.
pub async fn launch_with_file(tag: &'static str) -> (App, Vec<CsvRow>) {
    let (sandbox, rows) = sandbox_with_file_contacts().await;
    assert_eq!(rows.len(), 50);
    let bad = rows.iter().find(|r| r.line == BAD_LINE).unwrap();
    assert_eq!(bad.cell("Email"), "sneha.rao@", "the fixture's bad row");
    (launch(sandbox, tag).await, rows)
}

/// Starts the app against `sandbox`, chooses to try the Sandbox and opens
/// Bulk update.
pub async fn launch(sandbox: Arc<Sandbox>, tag: &'static str) -> App {
    launch_on("Bulk update", sandbox, tag).await
}

/// A sandbox holding the 50-row file's contacts, and how to start the app
/// on it again and again with the same home (its History kept between
/// starts).
pub async fn relaunchable(tag: &'static str) -> (Arc<Sandbox>, impl Fn() -> Launch, Vec<CsvRow>) {
    let (sandbox, rows) = sandbox_with_file_contacts().await;
    let home = Arc::new(TempDir::new(tag));
    let sb = sandbox.clone();
    let launch = move || Launch {
        sandbox: Some(sb.clone()),
        home: Some(home.clone()),
        ..Launch::new(tag)
    };
    (sandbox, launch, rows)
}

impl Bulk<'_> {
    /// Waits for a step's heading (the screen's own heading is the `h1`).
    pub async fn wait_step(&self, heading: &str) {
        self.app
            .find(By::XPath(format!("//h2[normalize-space(.)='{heading}']")))
            .await;
    }

    /// Presses "Choose a CSV file…" and chooses `file` in GTK's open
    /// dialog, as a person types its path.
    pub async fn choose(&self, file: &Path) {
        self.app.click_button("Choose a CSV file").await;
        open_in_dialog("Choose a CSV file", file);
    }

    /// Chooses the 50-row file and checks its rows with the proposed
    /// columns; returns on the preview. With `shots`, a screenshot and
    /// axe-core of the columns step on the way.
    pub async fn choose_file_and_check(&self, shots: bool) {
        self.choose(&bulk_file::path()).await;
        self.wait_step("Match the columns").await;
        self.app.wait_text("bulk-50.csv").await;
        if shots {
            self.app.screenshot("bulk-mapping").await;
            self.app.assert_accessible("Bulk update, the columns").await;
        }
        self.app.click_button("Check the rows").await;
        self.app
            .find(By::Css("[data-testid='bulk-preview-counts']"))
            .await;
        self.app
            .find(By::Css("[data-testid='bulk-preview-row']"))
            .await;
    }

    /// The preview's rows now drawn: (file line, state).
    pub async fn preview_rows(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for el in self
            .app
            .driver
            .find_all(By::Css("[data-testid='bulk-preview-row']"))
            .await
            .unwrap()
        {
            out.push((
                el.attr("data-line").await.unwrap().unwrap_or_default(),
                el.attr("data-state").await.unwrap().unwrap_or_default(),
            ));
        }
        out
    }

    /// Slows the sandbox's answers to `delay_ms` each, sends the whole
    /// 50-row file (blacklisting confirmed) and returns once `sent` updates
    /// have arrived.
    pub async fn start_slow_run(&self, delay_ms: u64, sent: usize) {
        let sb = self.app.sandbox.clone();
        let delay = Duration::from_millis(delay_ms);
        sb.set_misbehaviour(Misbehaviour {
            delay: Some(delay..=delay),
            ..Misbehaviour::default()
        })
        .unwrap();
        self.choose_file_and_check(false).await;
        self.app.click_button("Send 49 rows").await;
        self.app
            .press_in_dialog("Blacklist 5 and send all 49")
            .await;
        self.wait_step("Sending").await;
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

    /// "Resume" on an unfinished run, answering the blacklist question again
    /// when it is asked (rows still to send blacklist).
    pub async fn resume_unfinished(&self) {
        self.app.click_button("Resume").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let asked = !self
            .app
            .driver
            .find_all(By::Css("dialog[open]"))
            .await
            .unwrap()
            .is_empty();
        if asked {
            let dialog = self.app.open_dialog_text().await.unwrap();
            assert!(dialog.contains("started just now"), "{dialog}");
            self.app.screenshot("bulk-resume-blacklist").await;
            self.app.press_in_dialog("Blacklist and resume").await;
        }
    }

    /// Waits for the Results step; returns its counts line.
    pub async fn wait_results(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.results_shown().await {
            assert!(Instant::now() < deadline, "the run did not end");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.app
            .find(By::Css("[data-testid='bulk-result-row']"))
            .await;
        self.app.testid_text("bulk-counts").await
    }

    /// Whether the Results step is shown now (not yet, while the window
    /// is too busy to answer).
    pub async fn results_shown(&self) -> bool {
        self.app
            .driver
            .find_all(By::XPath("//h2[normalize-space(.)='Results']"))
            .await
            .map(|found| !found.is_empty())
            .unwrap_or(false)
    }
}
