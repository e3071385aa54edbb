//! The Line-ups and People screens: a line-up saved from what is on now,
//! its preview, its application and Undo; one agent off everywhere and
//! back; the question about a missed time at start.

use thirtyfour::prelude::*;

use crate::support::App;

/// The Line-ups and People screens of a running app.
pub struct Lineups<'a> {
    app: &'a App,
}

impl App {
    /// The Line-ups and People screens' steps (`app.go("Line-ups")`,
    /// `app.go("People")` open them).
    pub fn lineups(&self) -> Lineups<'_> {
        Lineups { app: self }
    }
}

impl Lineups<'_> {
    /// Ticks a checkbox by its label's text.
    pub async fn tick(&self, label: &str) {
        self.app
            .find(By::XPath(format!(
                "//label[contains(normalize-space(.), '{label}')]/input[@type='checkbox']"
            )))
            .await
            .click()
            .await
            .unwrap();
    }

    /// "Save what's on now as…" `name`, in the groups labelled `groups`
    /// ("Mahipal singh (#28)").
    pub async fn save_current(&self, name: &str, groups: &[&str]) {
        self.app.type_into("Name", name).await;
        for g in groups {
            self.tick(g).await;
        }
        self.app.click_button("Save line-up").await;
        self.app.wait_text(&format!("on now as “{name}”.")).await;
    }

    /// Presses the button starting with `label` in the list `list` (an
    /// XPath), and waits for the heading `heading` (an id) to read `label`.
    async fn choose(&self, list: &str, label: &str, heading: &str) {
        self.app
            .find(By::XPath(format!(
                "{list}//button[starts-with(normalize-space(.), '{label}')]"
            )))
            .await
            .click()
            .await
            .unwrap();
        self.app
            .find(By::XPath(format!(
                "//h2[@id='{heading}'][normalize-space(.)='{label}']"
            )))
            .await;
    }

    /// Opens the line-up `name` from the list.
    pub async fn open(&self, name: &str) {
        self.choose("//ul[contains(@class,'lineups')]", name, "open-title")
            .await;
    }

    /// Waits for the preview and returns its text.
    pub async fn preview_text(&self) -> String {
        self.app
            .wait_until(
                "const p = document.querySelector(\"[data-testid='apply-preview']\"); \
                 return !!p && !!p.querySelector('.headline');",
                "the preview",
            )
            .await;
        self.app
            .text_of(By::Css("[data-testid='apply-preview']"))
            .await
    }

    /// Waits until the application's status reads `text`; returns the
    /// whole run's text.
    pub async fn wait_run(&self, text: &str) -> String {
        self.app
            .wait_until(
                &format!(
                    "const r = document.querySelector(\"[data-testid='apply-run'] .status\"); \
                     return !!r && r.textContent.includes({});",
                    serde_json::to_string(text).unwrap()
                ),
                &format!("the application says “{text}”"),
            )
            .await;
        self.app.text_of(By::Css("[data-testid='apply-run']")).await
    }

    /// Chooses the agent `label` ("manoj (#8)") on the People screen.
    pub async fn choose_agent(&self, label: &str) {
        self.choose("//ul[@aria-label='Agents']", label, "chosen-title")
            .await;
    }
}
