//! The Contacts screen: a contact looked up by number, its editor's
//! fields and the problems shown beside them, the review of what will be
//! sent, and Save.

use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Options, Sandbox};
use thirtyfour::prelude::*;

use crate::support::requests::{wait_requests, GROUP_LIST};
use crate::support::screens::launch_on;
use crate::support::App;

/// The Contacts screen of a running app.
pub struct Contacts<'a> {
    app: &'a App,
}

impl App {
    /// The Contacts screen's steps and what the tests read there
    /// (`app.go("Contacts")` opens it).
    pub fn contacts(&self) -> Contacts<'_> {
        Contacts { app: self }
    }
}

/// Starts the app in Sandbox mode on a sandbox of its own and opens
/// Contacts, with the sandbox's request log cleared of what the screens
/// before it asked.
pub async fn launch(tag: &'static str) -> App {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let app = launch_on("Contacts", sandbox, tag).await;
    // The Groups screen asked for the account's group list when it opened;
    // let that request land, then start the log clean for this screen.
    wait_requests(&app.sandbox, GROUP_LIST, 1).await;
    app.sandbox.clear_requests();
    app
}

impl Contacts<'_> {
    /// Types a number into the finder and presses Find contact.
    pub async fn look_up(&self, number: &str) {
        self.app.type_into("Phone number", number).await;
        self.app.click_button("Find contact").await;
    }

    /// Looks `number` up and waits for its editor.
    pub async fn open(&self, number: &str) {
        self.look_up(number).await;
        self.app.find(By::Id("contact-title")).await;
    }

    /// The review's lines, as shown.
    pub async fn review_lines(&self) -> Vec<String> {
        self.app.texts("[data-testid='review'] li").await
    }

    async fn save_button(&self) -> WebElement {
        self.app.button("Save changes").await
    }

    /// Clicks Save as a person would: with the button in view inside the
    /// app's scrolling area and the page at rest (see
    /// [`App::click_at_rest`]; under load a click beside it happened).
    pub async fn press_save(&self) {
        self.app.click_at_rest("#contact-save").await;
    }

    pub async fn save_enabled(&self) -> bool {
        self.save_button().await.is_enabled().await.unwrap()
    }

    /// Waits until Save can be pressed (the Rust check has answered).
    pub async fn wait_save_enabled(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.save_enabled().await {
            assert!(Instant::now() < deadline, "Save did not become enabled");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The value of the field labelled `label`.
    pub async fn value_of(&self, label: &str) -> String {
        self.app
            .field(label)
            .await
            .value()
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// The text beside a field that describes its problem, when there is one.
    pub async fn problem_of(&self, label: &str) -> Option<String> {
        let input = self.app.field(label).await;
        let id = input.id().await.unwrap().unwrap();
        let described = input
            .attr("aria-describedby")
            .await
            .unwrap()
            .unwrap_or_default();
        let problem_id = format!("{id}-problem");
        if !described.split(' ').any(|d| d == problem_id) {
            return None;
        }
        let el = self.app.driver.find(By::Id(&problem_id)).await.ok()?;
        Some(el.text().await.unwrap())
    }

    /// Waits for a problem beside the field labelled `label`; returns it.
    pub async fn wait_problem(&self, label: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(p) = self.problem_of(label).await {
                return p;
            }
            assert!(Instant::now() < deadline, "no problem shown beside {label}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Everything the screen shows, as text.
    pub async fn page_text(&self) -> String {
        self.app.find(By::Tag("main")).await.text().await.unwrap()
    }
}
