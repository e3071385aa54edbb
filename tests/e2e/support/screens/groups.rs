//! The Groups screen: a group opened by its number, its members'
//! "receives calls" switches, and what the screen says about a change.

use std::sync::Arc;

use deepcall_desk::sandbox::Sandbox;
use thirtyfour::prelude::*;

use crate::support::measure::ClickTimes;
use crate::support::{App, Launch};

/// The Retry button of the notice that says what went wrong.
pub const NOTICE_RETRY: &str = "//*[contains(@class,'notice')]//button[.='Retry']";

/// The Groups screen of a running app.
pub struct Groups<'a> {
    app: &'a App,
}

impl App {
    /// The Groups screen's steps and what the tests read there
    /// (`app.go("Groups")` opens it).
    pub fn groups(&self) -> Groups<'_> {
        Groups { app: self }
    }
}

/// Starts the app against `sandbox` (a new one when `None`) and opens
/// Groups.
pub async fn launch(tag: &'static str, sandbox: Option<Arc<Sandbox>>) -> App {
    let app = App::launch_with(Launch {
        sandbox,
        ..Launch::new(tag)
    })
    .await;
    app.go("Groups").await;
    app
}

fn switch_xpath(label: &str) -> String {
    format!("//button[@role='switch'][@aria-label=\"{label} receives calls\"]")
}

impl Groups<'_> {
    /// Types a group number and opens it; waits for its heading.
    pub async fn open(&self, number: &str) {
        self.app.type_into("Group number", number).await;
        self.app.click_button("Open group").await;
        self.wait_open(number).await;
    }

    /// Types a group number, clicks "Open group" and times, in the page, the
    /// moment the group's answer arrives and the first rows are painted.
    pub async fn open_timed(&self, number: &str) -> ClickTimes {
        self.app.type_into("Group number", number).await;
        let ready = format!(
            "document.getElementById('group-title')?.textContent.includes('#{number}') \
             && document.querySelector('li[data-row]')"
        );
        self.app
            .click_timed("main", "Open group", &ready, "group_members")
            .await
    }

    /// Waits until group `number`'s heading is shown.
    pub async fn wait_open(&self, number: &str) {
        self.app
            .find(By::XPath(format!(
                "//h2[@id='group-title'][contains(normalize-space(.), '#{number}')]"
            )))
            .await;
    }

    /// Presses Retry in the notice that says what went wrong.
    pub async fn press_retry(&self) {
        self.app
            .find(By::XPath(NOTICE_RETRY))
            .await
            .click()
            .await
            .unwrap();
    }

    /// The "receives calls" switch of the member shown as `label` (a name
    /// and number, as "manoj (#8)").
    pub async fn switch(&self, label: &str) -> WebElement {
        self.app.find(By::XPath(switch_xpath(label))).await
    }

    /// Clicks the switch of `label`, as the manager does.
    pub async fn flip(&self, label: &str) {
        self.switch(label).await.click().await.unwrap();
    }

    /// Waits until the switch for `label` shows `on`, and nothing is pending.
    pub async fn wait_switch(&self, label: &str, on: bool) {
        self.app
            .wait_until(
                &format!(
                    r#"const s = document.evaluate({xp}, document, null, 9, null).singleNodeValue;
                       return !!s && s.getAttribute('aria-checked') === '{on}'
                         && !document.querySelector('li[aria-busy]');"#,
                    xp = serde_json::to_string(&switch_xpath(label)).unwrap()
                ),
                &format!("{label} switch {on}"),
            )
            .await;
    }

    /// Waits until no change is pending.
    pub async fn wait_idle(&self) {
        self.app
            .wait_until(
                "return !document.querySelector('li[aria-busy]');",
                "no change pending",
            )
            .await;
    }

    /// Waits until no change is pending and the screen has said how the
    /// last one ended.
    pub async fn settle(&self) {
        self.app
            .wait_until(
                r#"const s = document.querySelector("[data-testid='change-status']");
                   return !document.querySelector('li[aria-busy]') && !!s && s.textContent.trim() !== '';"#,
                "the change finished",
            )
            .await;
    }

    /// What the screen says about the changes.
    pub async fn status_text(&self) -> String {
        self.app
            .text_of(By::Css("[data-testid='change-status']"))
            .await
    }

    /// Waits until what the screen says about the changes includes `text`.
    pub async fn wait_status(&self, text: &str) {
        self.app
            .wait_until(
                &format!(
                    "const s = document.querySelector(\"[data-testid='change-status']\"); return !!s && s.textContent.includes({});",
                    serde_json::to_string(text).unwrap()
                ),
                &format!("status “{text}”"),
            )
            .await;
    }

    /// Every switch's (accessible name, checked) in display order.
    pub async fn switches(&self) -> Vec<(String, bool)> {
        let ret = self
            .app
            .driver
            .execute(
                r#"return Array.from(document.querySelectorAll("button[role='switch']"),
                     (s) => [s.getAttribute('aria-label'), s.getAttribute('aria-checked') === 'true']);"#,
                Vec::new(),
            )
            .await
            .unwrap();
        serde_json::from_value(ret.json().clone()).unwrap()
    }
}
