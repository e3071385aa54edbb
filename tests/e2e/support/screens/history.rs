//! The History screen: its entries as drawn, their count, the filters,
//! each entry's buttons, and the export through GTK's save dialog.

use std::path::Path;

use thirtyfour::prelude::*;

use crate::support::x11::save_in_dialog;
use crate::support::App;

/// The History screen of a running app.
pub struct History<'a> {
    app: &'a App,
}

impl App {
    /// The History screen's steps and what the tests read there
    /// (`app.go("History")` opens it).
    pub fn history(&self) -> History<'_> {
        History { app: self }
    }
}

/// One drawn History entry, as the page has it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Entry {
    pub id: String,
    pub outcome: String,
    /// The entry's sentence.
    pub text: String,
    /// DeepCall's words beneath it, if any.
    pub message: String,
    pub buttons: Vec<String>,
}

impl History<'_> {
    /// Every drawn entry, top to bottom.
    pub async fn entries(&self) -> Vec<Entry> {
        let ret = self
            .app
            .driver
            .execute(
                r#"return Array.from(document.querySelectorAll("[data-testid='history-entry']"))
                     .sort((a, b) => Number(a.dataset.row) - Number(b.dataset.row))
                     .map((li) => ({
                       id: li.dataset.entryId,
                       outcome: li.dataset.outcome,
                       text: li.querySelector('.sentence').textContent.trim(),
                       message: (li.querySelector('.message') || {}).textContent?.trim() ?? '',
                       buttons: Array.from(li.querySelectorAll('button'), (b) => b.textContent.trim()),
                     }));"#,
                Vec::new(),
            )
            .await
            .unwrap();
        serde_json::from_value(ret.json().clone()).unwrap()
    }

    /// Waits until the count reads `count` and that many entries are drawn.
    pub async fn wait_count(&self, count: &str, drawn: usize) {
        self.app
            .wait_until(
                &format!(
                    r#"const c = document.querySelector("[data-testid='history-count']");
                       return !!c && c.textContent.trim() === {count}
                         && document.querySelectorAll("[data-testid='history-entry']").length === {drawn};"#,
                    count = serde_json::to_string(count).unwrap()
                ),
                &format!("History shows “{count}”"),
            )
            .await;
    }

    /// Chooses `option` (its text) in the filter labelled `label`, as a
    /// person does.
    pub async fn choose(&self, label: &str, option: &str) {
        let select = self
            .app
            .find(By::XPath(format!(
                "//select[@id=//label[normalize-space(.)='{label}']/@for]"
            )))
            .await;
        select
            .find(By::XPath(format!(
                "./option[normalize-space(.)='{option}']"
            )))
            .await
            .unwrap_or_else(|e| panic!("{label} offers “{option}”: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Presses the button `text` in the row of entry `id`.
    pub async fn press_in_entry(&self, id: &str, text: &str) {
        self.app
            .find(By::XPath(format!(
                "//li[@data-entry-id='{id}']//button[normalize-space(.)='{text}']"
            )))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Exports the entries shown through GTK's save dialog to `target`;
    /// waits for the screen's "Saved …" sentence, `saved`.
    pub async fn export_to(&self, target: &Path, saved: &str) {
        self.app.click_button("Export the entries shown").await;
        save_in_dialog("Save the History entries", target);
        self.app.wait_text(saved).await;
    }
}
