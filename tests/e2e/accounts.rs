//! Accounts in the real window: add by User ID + token and by Session ID,
//! a wrong token, a restart, removal from the real keyring, no Secret
//! Service at all, and a search for the secrets everywhere they must not be.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use deepcall_desk::credentials::SERVICE;
use deepcall_desk::sandbox::{Credentials, Options, Sandbox, USER_ID};
use serde_json::json;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::support::home::{accounts_file, history_file, log_of};
use crate::support::requests::RELATION;
use crate::support::screens::accounts::saved_account_id;
use crate::support::{App, BareBus, Launch, TempDir};

/// Distinctive secrets: the leak check searches for these.
const TOKEN: &str = "tok-E2E-LEAKCHECK-8c41f2d9";
const SSID: &str = "ssid-E2E-LEAKCHECK-3b7a90e1";

fn secret_tool_search() -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", SERVICE])
        .output()
        .expect("secret-tool runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Switches agent #8 of group 28 on or off with `account`, through the
/// command the Groups screen uses (so it is recorded in History).
async fn change_receiving(app: &App, account: &str, on: bool) -> serde_json::Value {
    app.invoke(
        "change_receiving",
        json!({
            "account": account,
            "group": 28,
            "changes": [{ "agentId": 8, "receivesCalls": on }],
            "allowNobody": false,
            "purpose": "change",
        }),
    )
    .await
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    hits.push(path.display().to_string());
                }
            }
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_kept_in_the_keyring_and_never_leak() {
    let sandbox = Arc::new(
        Sandbox::start(Options {
            credentials: Credentials {
                ssid: SSID.into(),
                user_id: USER_ID.into(),
                token: TOKEN.into(),
            },
            ..Options::default()
        })
        .await
        .unwrap(),
    );
    let home = Arc::new(TempDir::new("accounts"));
    let launch = || Launch {
        sandbox: Some(sandbox.clone()),
        home: Some(home.clone()),
        ..Launch::new("accounts")
    };
    let mut replies = Vec::new();

    // ---- first run: welcome, then connect by User ID + token ----------
    let app = App::launch_with(launch()).await;
    app.record_ipc().await;
    app.wait_heading("Welcome to DeepCall Desk").await;
    app.accounts().start_connecting().await;
    app.accounts().fill("Head office", false, TOKEN).await;
    app.screenshot("account-form-token").await;
    app.accounts().check_connection("Connected").await;
    app.button("Save").await.click().await.unwrap();
    app.wait_text("was added and is now the active account")
        .await;
    assert_eq!(app.active_account().await, "Head office");
    assert!(
        app.driver
            .find_all(By::Css(".sandbox-bar"))
            .await
            .unwrap()
            .is_empty(),
        "no Sandbox bar for a real account"
    );

    // ---- a second account by Session ID ---------------------------------
    app.button("Add a DeepCall account")
        .await
        .click()
        .await
        .unwrap();
    app.accounts().fill("Branch", true, SSID).await;
    app.screenshot("account-form-session").await;
    assert!(
        app.driver
            .find_all(By::XPath("//label[normalize-space(.)='User ID']"))
            .await
            .unwrap()
            .is_empty(),
        "the Session ID method shows no User ID field"
    );
    app.accounts().check_connection("Connected").await;
    app.button("Save").await.click().await.unwrap();
    app.wait_text("“Branch” was added").await;
    assert_eq!(app.active_account().await, "Branch");

    // ---- a wrong token: plain words, and only an explicit Save anyway ----
    app.button("Add a DeepCall account")
        .await
        .click()
        .await
        .unwrap();
    app.accounts().fill("Typo", false, "not-the-token").await;
    app.accounts().check_connection("Wrong credentials").await;
    assert!(app
        .driver
        .find_all(By::XPath("//button[normalize-space(.)='Save']"))
        .await
        .unwrap()
        .is_empty());
    app.button("Save anyway").await;
    app.screenshot("account-check-failed").await;
    app.button("Cancel").await.click().await.unwrap();
    app.find(By::XPath("//ul[@aria-label='Accounts on this computer']"))
        .await;
    app.screenshot("accounts-list").await;

    // The active account (Branch, Session ID) really talks to DeepCall.
    sandbox.clear_requests();
    let ok = app.invoke("group_members", json!({ "group": 28 })).await;
    assert_eq!(
        ok["ok"]["members"].as_array().map(Vec::len),
        Some(3),
        "{ok}"
    );
    let sent = sandbox.requests_to(RELATION);
    let body = sent[0].json.as_ref().unwrap();
    assert_eq!(body["ssid"], SSID);
    assert!(body.get("token").is_none() && body.get("userId").is_none());

    let head_id = saved_account_id(&home.0, "Head office");
    let branch_id = saved_account_id(&home.0, "Branch");
    // A change with it, so History holds an entry sent with a Session ID.
    let changed = change_receiving(&app, &branch_id, false).await;
    assert_eq!(changed["ok"]["outcome"], "applied", "{changed}");
    let listed = secret_tool_search();
    assert!(
        listed.contains(&head_id) && listed.contains(&branch_id),
        "{listed}"
    );

    replies.extend(app.ipc_replies().await);
    app.close().await;

    // ---- restart: the accounts are still there and work ------------------
    let app = App::launch_with(launch()).await;
    app.record_ipc().await;
    assert_eq!(app.active_account().await, "Branch");
    // Switch from anywhere: the header's account picker, from the Groups screen.
    app.button("Groups").await.click().await.unwrap();
    app.wait_heading("Groups").await;
    let picker = app.find(By::Id("account-switch")).await;
    SelectElement::new(&picker)
        .await
        .unwrap()
        .select_by_visible_text("Head office")
        .await
        .unwrap();
    app.button("Accounts").await.click().await.unwrap();
    app.wait_heading("Accounts").await;
    let active_row = |name: &str| {
        By::XPath(format!(
            "//li[@aria-label='{name}']//*[normalize-space(.)='Active']"
        ))
    };
    app.find(active_row("Head office")).await;
    assert_eq!(app.active_account().await, "Head office");
    // …and back and forth with the list's own buttons.
    app.button("Use “Branch”").await.click().await.unwrap();
    app.find(active_row("Branch")).await;
    app.button("Use “Head office”").await.click().await.unwrap();
    app.find(active_row("Head office")).await;
    sandbox.clear_requests();
    let ok = app.invoke("group_members", json!({ "group": 28 })).await;
    assert!(ok.get("ok").is_some(), "{ok}");
    let body = sandbox.requests_to(RELATION)[0].json.clone().unwrap();
    assert_eq!(
        (body["userId"].as_str(), body["token"].as_str()),
        (Some(USER_ID), Some(TOKEN))
    );
    // …and one with the token account.
    let changed = change_receiving(&app, &head_id, true).await;
    assert_eq!(changed["ok"]["outcome"], "applied", "{changed}");

    // ---- remove one: confirmation names it; keyring entry gone -----------
    app.button("Remove “Branch”").await.click().await.unwrap();
    let dialog = app.find(By::Css("dialog[open]")).await;
    assert_eq!(
        dialog
            .find(By::Tag("h2"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Remove “Branch”?"
    );
    app.screenshot("account-remove-confirm").await;
    app.accounts().confirm_removal("Branch").await;
    assert!(app
        .driver
        .find_all(By::XPath("//li[@aria-label='Branch']"))
        .await
        .unwrap()
        .is_empty());
    let listed = secret_tool_search();
    assert!(
        !listed.contains(&branch_id),
        "Branch's secret left in the keyring: {listed}"
    );
    assert!(listed.contains(&head_id));

    // Clean the shared keyring for later runs.
    app.button("Remove “Head office”")
        .await
        .click()
        .await
        .unwrap();
    app.accounts().confirm_removal("Head office").await;
    assert_eq!(app.active_account().await, "Sandbox");

    replies.extend(app.ipc_replies().await);
    app.close().await;

    // ---- the leak check ----------------------------------------------------
    assert!(
        replies.len() >= 10,
        "the IPC recorder saw the flow: {}",
        replies.len()
    );
    // Positive controls: the same searches do find what is meant to be there.
    assert!(replies.iter().any(|r| r.contains("Head office")));
    assert!(!files_containing(&home.0, "\"accounts\"").is_empty());
    for secret in [TOKEN, SSID] {
        let in_replies: Vec<_> = replies.iter().filter(|r| r.contains(secret)).collect();
        assert!(
            in_replies.is_empty(),
            "{secret} in IPC replies: {in_replies:?}"
        );
        // Config, data (WebKit's storage included) and cache of the app, and
        // everything the app and drivers printed (app-output.log is in home).
        let hits = files_containing(&home.0, secret);
        assert!(hits.is_empty(), "{secret} found in {hits:?}");
    }
    // History (its file and its write-ahead log) holds both changes, with
    // their accounts' names, and neither secret.
    let history: Vec<u8> = ["", "-wal"]
        .iter()
        .flat_map(|suffix| {
            let mut file = history_file(&home.0).into_os_string();
            file.push(suffix);
            std::fs::read(file).unwrap_or_default()
        })
        .collect();
    let holds = |needle: &str| {
        history
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    assert!(
        holds("Branch") && holds("Head office") && holds("Mahipal singh"),
        "History recorded both changes"
    );
    assert!(!holds(TOKEN) && !holds(SSID), "a secret in History");
    let printed = std::fs::read_to_string(home.0.join("app-output.log")).unwrap_or_default();
    assert!(!printed.contains(TOKEN) && !printed.contains(SSID));
    // The log (in home, so searched above too) was written during the flow:
    // the calls to both accounts' DeepCall are in it, their secrets are not.
    let log = log_of(&home.0);
    assert!(
        log.matches(&format!("DeepCall {RELATION}: ok")).count() >= 2,
        "{log}"
    );
    // The wrong token's refusal: DeepCall's own words, for engineers only.
    assert!(
        log.contains("failed in") && log.contains("DeepCall error 1014"),
        "{log}"
    );
    assert!(!log.contains(TOKEN) && !log.contains(SSID));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_secret_service_the_app_explains_and_the_sandbox_works() {
    let bus = BareBus::start();
    let app = App::launch_with(Launch {
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), bus.address.clone())],
        ..Launch::new("no-keyring")
    })
    .await;
    app.wait_heading("Welcome to DeepCall Desk").await;
    let notice = app.find(By::Css("[data-testid='keyring-notice']")).await;
    let text = notice.text().await.unwrap();
    assert!(text.contains("No keyring on this computer"), "{text}");
    assert!(text.contains("GNOME Keyring"), "{text}");
    assert!(
        text.contains("The Sandbox works without a keyring."),
        "{text}"
    );
    app.screenshot("keyring-missing").await;

    // Saving an account says why it cannot, and keeps what was typed.
    app.accounts().start_connecting().await;
    app.accounts()
        .fill("Head office", false, "sandbox-token")
        .await;
    app.accounts().check_connection("Connected").await;
    app.click_button("Save").await;
    let alert = app.wait_text("nowhere safe to keep").await;
    assert!(alert.is_displayed().await.unwrap());
    assert_eq!(
        app.field("Account name")
            .await
            .value()
            .await
            .unwrap()
            .as_deref(),
        Some("Head office")
    );

    // The Sandbox still works.
    app.click_button("Groups").await;
    app.wait_heading("Groups").await;
    let ok = app.invoke("group_members", json!({ "group": 28 })).await;
    assert_eq!(
        ok["ok"]["members"].as_array().map(Vec::len),
        Some(3),
        "{ok}"
    );
    assert_eq!(app.active_account().await, "Sandbox");
    app.close().await;
}

/// Asks Rust directly, as the form would, to check a draft of the saved
/// account that has no secret typed; returns the IPC answer.
async fn check_without_secret(
    app: &App,
    id: &str,
    host: &str,
    sign_in: serde_json::Value,
) -> serde_json::Value {
    let draft =
        json!({ "id": id, "name": "Head office", "host": host, "signIn": sign_in, "secret": null });
    app.invoke("check_connection", json!({ "draft": draft }))
        .await
}

/// The answer was the "enter it again" refusal on the secret field.
fn asks_for_the_secret_again(answer: &serde_json::Value, why: &str) {
    let error = &answer["error"];
    assert_eq!(error["field"], "secret", "{answer}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(why), "{answer}");
    assert!(
        !message.contains(TOKEN) && !message.contains(SSID),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_token_is_never_sent_to_a_changed_address_or_sign_in() {
    let credentials = Credentials {
        ssid: SSID.into(),
        user_id: USER_ID.into(),
        token: TOKEN.into(),
    };
    let start = || {
        Sandbox::start(Options {
            credentials: credentials.clone(),
            ..Options::default()
        })
    };
    let saved_at = Arc::new(start().await.unwrap());
    let elsewhere = start().await.unwrap();
    let home = Arc::new(TempDir::new("secret-host"));
    let app = App::launch_with(Launch {
        sandbox: Some(saved_at.clone()),
        home: Some(home.clone()),
        ..Launch::new("secret-host")
    })
    .await;
    app.wait_heading("Welcome to DeepCall Desk").await;
    app.accounts().start_connecting().await;
    app.accounts().fill("Head office", false, TOKEN).await;
    app.accounts().check_connection("Connected").await;
    app.click_button("Save").await;
    app.wait_text("was added and is now the active account")
        .await;
    let id = saved_account_id(&home.0, "Head office");
    let token_sign_in = json!({ "method": "userToken", "userId": USER_ID });

    // ---- unchanged: the saved token is used, at its own address ----------
    app.click_button("Edit “Head office”").await;
    app.accounts()
        .assert_described("Token", "Leave this empty to keep it")
        .await;
    saved_at.clear_requests();
    app.accounts().check_connection("Connected").await;
    let sent = saved_at.requests_to(RELATION);
    assert_eq!(sent[0].json.as_ref().unwrap()["token"], TOKEN);

    // ---- another address: the form asks for the token again --------------
    elsewhere.clear_requests();
    app.type_into("DeepCall address", &elsewhere.url()).await;
    app.accounts().assert_described("Token", "The DeepCall address changed, so enter the token again: a saved token is only ever sent to the address it was saved for.").await;
    app.click_button("Check connection").await;
    app.wait_text("Enter the token.").await;
    assert_eq!(
        app.field("Token")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    app.screenshot("account-edit-reenter-token").await;
    app.assert_accessible("Edit-account form, enter the token again")
        .await;
    // Rust refuses too, whatever the window sends: checking and saving.
    let answer = check_without_secret(&app, &id, &elsewhere.url(), token_sign_in.clone()).await;
    asks_for_the_secret_again(&answer, "The DeepCall address changed");
    let draft = json!({ "id": id, "name": "Head office", "host": elsewhere.url(), "signIn": token_sign_in, "secret": null });
    let answer = app.invoke("save_account", json!({ "draft": draft })).await;
    asks_for_the_secret_again(&answer, "The DeepCall address changed");
    assert!(
        elsewhere.requests().is_empty(),
        "the saved token went to the new address: {:?}",
        elsewhere
            .requests()
            .iter()
            .map(|r| &r.path)
            .collect::<Vec<_>>()
    );
    let file = std::fs::read_to_string(accounts_file(&home.0)).unwrap();
    assert!(
        file.contains(&saved_at.url()) && !file.contains(&elsewhere.url()),
        "{file}"
    );
    // Typed again, the check reaches the new address with it.
    app.type_into("Token", TOKEN).await;
    app.accounts().check_connection("Connected").await;
    let sent = elsewhere.requests_to(RELATION);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].json.as_ref().unwrap()["token"], TOKEN);
    app.click_button("Cancel").await;

    // ---- another sign-in method: the form asks for the session ID ----------
    app.click_button("Edit “Head office”").await;
    app.accounts().choose_session_id().await;
    app.accounts().assert_described("Session ID", "The sign-in method changed, so enter the session ID: a saved token is only ever sent with the sign-in method it was saved for.").await;
    saved_at.clear_requests();
    app.click_button("Check connection").await;
    app.wait_text("Enter the session ID.").await;
    app.screenshot("account-edit-reenter-session").await;
    let answer =
        check_without_secret(&app, &id, &saved_at.url(), json!({ "method": "sessionId" })).await;
    asks_for_the_secret_again(&answer, "The sign-in method changed");
    assert!(
        saved_at.requests().is_empty(),
        "the saved token was sent as a session ID"
    );
    app.type_into("Session ID", SSID).await;
    app.accounts().check_connection("Connected").await;
    let sent = saved_at.requests_to(RELATION);
    let body = sent[0].json.as_ref().unwrap();
    assert_eq!(body["ssid"], SSID);
    assert!(body.get("token").is_none());
    app.click_button("Cancel").await;

    // Clean the shared keyring for later runs.
    app.click_button("Remove “Head office”").await;
    app.accounts().confirm_removal("Head office").await;
    app.close().await;
}
