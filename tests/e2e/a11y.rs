//! Accessibility: axe-core (the npm package pinned in `ui/`) runs inside the
//! real window on every screen and state there is today: welcome, Groups,
//! Contacts, the Accounts list, the account form (both sign-in methods, field
//! errors, a failed check, editing), the remove confirmation (a native modal
//! `<dialog>`) and the notice shown when there is no keyring.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use deepcall_desk::sandbox::{Credentials, Options, Sandbox};
use futures_util::FutureExt;
use thirtyfour::prelude::*;

use crate::support::{App, BareBus, Launch, TempDir};

/// axe rule ids that fail in the UI today and are tolerated until it is
/// fixed: their violations are printed (run with `--nocapture`) instead of
/// failing the test. Only the screens that pass through `check` consult it.
///
/// Empty: axe-core 4.14.1 found no violations on any screen checked here.
/// Add a rule id only with a note saying where it fails and why it waits;
/// remove it as soon as the UI is fixed.
const KNOWN_VIOLATIONS: &[&str] = &[];

async fn check(app: &App, screen: &str) {
    app.assert_accessible_except(screen, KNOWN_VIOLATIONS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_screens_pass_axe() {
    let app = App::launch("a11y-sandbox").await;

    app.wait_heading("Welcome to DeepCall Desk").await;
    app.button("Connect a DeepCall account").await;
    check(&app, "Welcome").await;

    app.click_button("Try the Sandbox").await;
    app.wait_heading("Groups").await;
    check(&app, "Groups").await;

    app.go("Contacts").await;
    check(&app, "Contacts").await;

    app.go("Accounts").await;
    app.button("Add a DeepCall account").await;
    check(&app, "Accounts list (Sandbox only)").await;

    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_screens_pass_axe() {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let creds = Credentials::default();
    let app = App::launch_with(Launch {
        sandbox: Some(sandbox.clone()),
        home: Some(Arc::new(TempDir::new("a11y-accounts"))),
        ..Launch::new("a11y-accounts")
    })
    .await;

    // ---- the add-account form: User ID + token ---------------------------
    app.wait_heading("Welcome to DeepCall Desk").await;
    app.accounts().start_connecting().await;
    app.field("Token").await;
    check(&app, "Add-account form, User ID + token (empty)").await;

    // Field errors: no address, no user ID, no token.
    let host = app.field("DeepCall address").await;
    host.send_keys(Key::Control + "a").await.unwrap();
    host.send_keys(Key::Backspace).await.unwrap();
    assert_eq!(host.value().await.unwrap().as_deref(), Some(""));
    app.click_button("Check connection").await;
    app.find(By::Id("acc-host-problem")).await;
    app.find(By::Id("acc-user-problem")).await;
    app.find(By::Id("acc-secret-problem")).await;
    check(&app, "Add-account form with field errors").await;

    // A failed check: wrong token, only "Save anyway".
    app.accounts()
        .fill("Head office", false, "not-the-token")
        .await;
    app.accounts().check_connection("Wrong credentials").await;
    app.button("Save anyway").await;
    check(&app, "Add-account form, failed check (Wrong credentials)").await;

    // A successful check, then save.
    app.type_into("Token", &creds.token).await;
    app.accounts().check_connection("Connected").await;
    check(&app, "Add-account form, connected (User ID + token)").await;
    app.click_button("Save").await;
    app.wait_text("was added and is now the active account")
        .await;
    check(&app, "Accounts list, one saved account (just added)").await;

    // ---- the add-account form: Session ID --------------------------------
    app.click_button("Add a DeepCall account").await;
    app.accounts().fill("Branch", true, &creds.ssid).await;
    check(&app, "Add-account form, Session ID (filled)").await;
    app.accounts().check_connection("Connected").await;
    check(&app, "Add-account form, connected (Session ID)").await;
    app.click_button("Save").await;
    app.wait_text("“Branch” was added").await;

    // ---- the list with two accounts, editing, removing -------------------
    app.go("Groups").await;
    app.go("Accounts").await;
    app.button("Use “Head office”").await;
    check(&app, "Accounts list, two saved accounts").await;

    app.click_button("Edit “Head office”").await;
    app.find(By::XPath("//h2[normalize-space(.)='Edit “Head office”']"))
        .await;
    check(&app, "Edit-account form").await;
    app.click_button("Cancel").await;

    app.click_button("Remove “Branch”").await;
    app.find(By::Css("dialog[open]")).await;
    check(&app, "Remove-account confirmation dialog").await;

    // Confirm, then remove the other one too: this cleans the shared keyring.
    app.accounts().confirm_removal("Branch").await;
    app.click_button("Remove “Head office”").await;
    app.accounts().confirm_removal("Head office").await;
    assert_eq!(app.active_account().await, "Sandbox");

    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyring_missing_notice_passes_axe() {
    let bus = BareBus::start();
    let creds = Credentials::default();
    let app = App::launch_with(Launch {
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone())],
        ..Launch::new("a11y-no-keyring")
    })
    .await;

    app.wait_heading("Welcome to DeepCall Desk").await;
    app.find(By::Css("[data-testid='keyring-notice']")).await;
    check(&app, "Welcome with the keyring-missing notice").await;

    app.accounts().start_connecting().await;
    app.find(By::Css("[data-testid='keyring-notice']")).await;
    check(&app, "Add-account form with the keyring-missing notice").await;

    // Saving cannot work: the form says why.
    app.accounts()
        .fill("Head office", false, &creds.token)
        .await;
    app.accounts().check_connection("Connected").await;
    app.click_button("Save").await;
    app.wait_text("nowhere safe to keep").await;
    check(&app, "Add-account form, save failed without a keyring").await;

    app.click_button("Cancel").await;
    app.button("Add a DeepCall account").await;
    check(&app, "Accounts list with the keyring-missing notice").await;

    app.close().await;
    drop(bus);
}

/// A positive control: the check does see problems in this window (WebKitGTK,
/// under the app's CSP) and names them, and passes again once they are gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_reports_what_it_finds() {
    let app = App::launch("a11y-control").await;
    app.wait_heading("Welcome to DeepCall Desk").await;
    app.driver
        .execute(
            r##"const probe = document.createElement("div");
               probe.id = "a11y-probe";
               const button = document.createElement("button");
               button.id = "probe-empty-button";
               const img = document.createElement("img");
               img.id = "probe-image";
               img.src = "/icon.png";
               const faint = document.createElement("p");
               faint.id = "probe-faint";
               faint.textContent = "Faint text";
               faint.style.color = "#c8c8c8";
               probe.append(button, img, faint);
               document.querySelector("main").append(probe);"##,
            Vec::new(),
        )
        .await
        .unwrap();
    let failed = AssertUnwindSafe(app.assert_accessible("Positive control"))
        .catch_unwind()
        .await
        .expect_err("axe reports the broken elements");
    let message = failed.downcast_ref::<String>().cloned().unwrap_or_default();
    for expected in [
        "3 accessibility violation(s) on \"Positive control\"",
        "- button-name [critical]",
        "#probe-empty-button",
        "- image-alt [critical]",
        "#probe-image",
        "- color-contrast [serious]",
        "#probe-faint",
    ] {
        assert!(message.contains(expected), "{expected} in: {message}");
    }

    app.driver
        .execute(
            "document.getElementById('a11y-probe').remove();",
            Vec::new(),
        )
        .await
        .unwrap();
    app.assert_accessible("Welcome, after the positive control")
        .await;
    app.close().await;
}
