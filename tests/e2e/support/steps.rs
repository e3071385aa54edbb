//! Steps a manager takes on any screen, with the mouse and by typing into
//! a field: open a screen, press a button, fill a field, pick a date,
//! answer a dialog, choose the Sandbox on the welcome screen.

use thirtyfour::prelude::*;

use super::App;

impl App {
    /// Opens a screen from the main navigation and waits for its heading.
    pub async fn go(&self, screen: &str) {
        self.click_button(screen).await;
        self.wait_heading(screen).await;
    }

    /// Presses the button named `starts_with` (see [`App::button`]).
    pub async fn click_button(&self, starts_with: &str) {
        self.button(starts_with).await.click().await.expect("click");
    }

    /// Presses the button whose text starts with `starts_with` in the open
    /// dialog.
    pub async fn press_in_dialog(&self, starts_with: &str) {
        self.find(By::XPath(format!(
            "//dialog[@open]//button[starts-with(normalize-space(.), '{starts_with}')]"
        )))
        .await
        .click()
        .await
        .expect("click");
    }

    /// On the welcome screen of a first start, chooses to try the Sandbox
    /// and waits for the Groups screen it opens.
    pub async fn try_the_sandbox(&self) {
        self.wait_heading("Welcome to DeepCall Desk").await;
        self.click_button("Try the Sandbox").await;
        self.wait_heading("Groups").await;
    }

    /// Replaces an input's value by typing, as a person does.
    pub async fn type_into(&self, label: &str, text: &str) {
        let input = self.field(label).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    /// Sets a date field to `iso` (YYYY-MM-DD) the way its date picker does:
    /// the value, then `input` and `change` events. (WebKitGTK's segmented
    /// date field does not take typed digits over WebDriver reliably.)
    pub async fn pick_date(&self, label: &str, iso: &str) {
        let input = self.field(label).await;
        self.driver
            .execute(
                r#"const [el, v] = arguments;
                   el.focus();
                   el.value = v;
                   el.dispatchEvent(new Event("input", { bubbles: true }));
                   el.dispatchEvent(new Event("change", { bubbles: true }));"#,
                vec![input.to_json().expect("element"), serde_json::json!(iso)],
            )
            .await
            .expect("script runs");
        assert_eq!(input.value().await.unwrap().as_deref(), Some(iso));
    }
}
