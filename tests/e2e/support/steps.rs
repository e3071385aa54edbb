//! Steps a manager takes with the mouse and by typing into a field: open a
//! screen, fill a field, pick a date, fill the account form, check a
//! connection, confirm a removal.

use deepcall_desk::sandbox::USER_ID;
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

    /// On the welcome screen, presses "Connect a DeepCall account" and waits
    /// for the account form.
    pub async fn start_connecting(&self) {
        self.click_button("Connect a DeepCall account").await;
        self.wait_heading("Accounts").await;
    }

    /// Fills the open account form for the app's sandbox: `name`, its
    /// address, then by Session ID when `session`, otherwise by the
    /// sandbox's User ID and a token; `secret` is the session ID or token.
    pub async fn fill_account(&self, name: &str, session: bool, secret: &str) {
        self.type_into("Account name", name).await;
        self.type_into("DeepCall address", &self.sandbox.url())
            .await;
        if session {
            self.choose_session_id().await;
            self.type_into("Session ID", secret).await;
        } else {
            self.type_into("User ID", USER_ID).await;
            self.type_into("Token", secret).await;
        }
    }

    /// In the account form, picks the Session ID sign-in method.
    pub async fn choose_session_id(&self) {
        self.find(By::XPath(
            "//label[normalize-space(.)='Session ID']/input[@type='radio']",
        ))
        .await
        .click()
        .await
        .expect("click");
        self.field("Session ID").await;
    }

    /// Presses Check connection and waits for a verdict starting with `outcome`.
    pub async fn check_connection(&self, outcome: &str) {
        self.click_button("Check connection").await;
        self.find(By::XPath(format!(
            "//*[@data-testid='check-result'][starts-with(normalize-space(.), '{outcome}')]"
        )))
        .await;
    }

    /// Presses the open confirmation's "Remove “name”" and waits for the outcome.
    pub async fn confirm_removal(&self, name: &str) {
        self.find(By::XPath(format!(
            "//dialog[@open]//button[normalize-space(.)='Remove “{name}”']"
        )))
        .await
        .click()
        .await
        .expect("click");
        self.wait_text(&format!("“{name}” was removed")).await;
    }
}
