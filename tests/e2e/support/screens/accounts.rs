//! The Accounts screen: the account form (connecting from the welcome
//! screen, filling it for the sandbox, checking the connection, the words
//! announced with a field), removing an account; and a home prepared with
//! a real account saved and active.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Credentials, Sandbox, USER_ID};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::home::accounts_file;
use crate::support::{App, Launch, TempDir, WAIT};

/// The Accounts screen of a running app.
pub struct Accounts<'a> {
    app: &'a App,
}

impl App {
    /// The Accounts screen's steps and what the tests read there
    /// (`app.go("Accounts")` opens it).
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { app: self }
    }
}

impl Accounts<'_> {
    /// On the welcome screen, presses "Connect a DeepCall account" and waits
    /// for the account form.
    pub async fn start_connecting(&self) {
        self.app.click_button("Connect a DeepCall account").await;
        self.app.wait_heading("Accounts").await;
    }

    /// Fills the open account form for the app's sandbox: `name`, its
    /// address, then by Session ID when `session`, otherwise by the
    /// sandbox's User ID and a token; `secret` is the session ID or token.
    pub async fn fill(&self, name: &str, session: bool, secret: &str) {
        self.app.type_into("Account name", name).await;
        self.app
            .type_into("DeepCall address", &self.app.sandbox.url())
            .await;
        if session {
            self.choose_session_id().await;
            self.app.type_into("Session ID", secret).await;
        } else {
            self.app.type_into("User ID", USER_ID).await;
            self.app.type_into("Token", secret).await;
        }
    }

    /// In the account form, picks the Session ID sign-in method.
    pub async fn choose_session_id(&self) {
        self.app
            .find(By::XPath(
                "//label[normalize-space(.)='Session ID']/input[@type='radio']",
            ))
            .await
            .click()
            .await
            .expect("click");
        self.app.field("Session ID").await;
    }

    /// Presses Check connection and waits for a verdict starting with `outcome`.
    pub async fn check_connection(&self, outcome: &str) {
        self.app.click_button("Check connection").await;
        self.app
            .find(By::XPath(format!(
                "//*[@data-testid='check-result'][starts-with(normalize-space(.), '{outcome}')]"
            )))
            .await;
    }

    /// Presses the open confirmation's "Remove “name”" and waits for the outcome.
    pub async fn confirm_removal(&self, name: &str) {
        self.app
            .find(By::XPath(format!(
                "//dialog[@open]//button[normalize-space(.)='Remove “{name}”']"
            )))
            .await
            .click()
            .await
            .expect("click");
        self.app.wait_text(&format!("“{name}” was removed")).await;
    }

    /// The words announced with the input labelled `label` now: its
    /// `aria-describedby` texts, joined by " | ".
    pub async fn description_of(&self, label: &str) -> String {
        let input = self.app.field(label).await;
        let ret = self
            .app
            .driver
            .execute(
                r#"const ids = (arguments[0].getAttribute("aria-describedby") || "").split(" ");
                   return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" | ");"#,
                vec![input.to_json().expect("element")],
            )
            .await
            .expect("script runs");
        ret.json().as_str().unwrap_or_default().to_owned()
    }

    /// Asserts that the words announced with the input labelled `label`
    /// contain `expected` within [`WAIT`] (the form asks Rust as the manager
    /// types, so they follow an edit by a moment).
    pub async fn assert_described(&self, label: &str, expected: &str) {
        let until = Instant::now() + WAIT;
        loop {
            let now = self.description_of(label).await;
            if now.contains(expected) {
                return;
            }
            assert!(Instant::now() <= until, "{expected:?} is not in {now:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The id of the account named `name` in the accounts file of the app in
/// `home`.
pub fn saved_account_id(home: &Path, name: &str) -> String {
    let file = accounts_file(home);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("accounts.json exists")).unwrap();
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .and_then(|a| a["id"].as_str())
        .unwrap_or_else(|| panic!("no account {name} in {v}"))
        .to_owned()
}

/// A home whose active account is a real one (User ID and token, kept in
/// the keyring), pointed at `sandbox` as its DeepCall; and that account's id.
pub async fn home_with_account(
    sandbox: &Arc<Sandbox>,
    tag: &'static str,
) -> (Arc<TempDir>, String) {
    let home = Arc::new(TempDir::new(tag));
    let app = App::launch_with(Launch {
        sandbox: Some(sandbox.clone()),
        home: Some(home.clone()),
        ..Launch::new(tag)
    })
    .await;
    let draft = json!({
        "id": null,
        "name": "Head office",
        "host": sandbox.url(),
        "signIn": { "method": "userToken", "userId": USER_ID },
        "secret": Credentials::default().token,
    });
    let saved = app.invoke("save_account", json!({ "draft": draft })).await;
    let id = saved["ok"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("the account was saved: {saved}"))
        .to_owned();
    app.close().await;
    (home, id)
}
