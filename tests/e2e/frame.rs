//! The window, its title, navigation and the Sandbox marker.

use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::requests::RELATION;
use crate::support::x11::xdotool;
use crate::support::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opens_with_title_navigation_and_sandbox_marker() {
    let app = App::launch("frame").await;

    assert_eq!(app.driver.title().await.unwrap(), "DeepCall Desk");
    // The real window (not only the page) carries the name.
    assert!(
        !xdotool(&["search", "--name", "^DeepCall Desk$"]).is_empty(),
        "no X window titled 'DeepCall Desk'"
    );

    let nav = app.find(By::XPath("//nav[@aria-label='Main']")).await;
    let labels: Vec<String> = {
        let mut out = Vec::new();
        for b in nav.find_all(By::Css(".nav-label")).await.unwrap() {
            out.push(b.text().await.unwrap());
        }
        out
    };
    assert_eq!(
        labels,
        [
            "Groups",
            "Line-ups",
            "People",
            "Contacts",
            "Bulk update",
            "Accounts",
            "History"
        ]
    );

    assert_eq!(app.active_account().await, "Sandbox");
    let bar = app.find(By::Css(".sandbox-bar")).await;
    assert!(bar
        .text()
        .await
        .unwrap()
        .contains("nothing you change here reaches DeepCall"));

    // First run: the welcome screen with its two plain choices.
    app.wait_heading("Welcome to DeepCall Desk").await;
    app.button("Connect a DeepCall account").await;
    app.screenshot("welcome").await;
    app.button("Try the Sandbox").await.click().await.unwrap();
    app.wait_heading("Groups").await;
    app.screenshot("frame-groups").await;

    for (label, heading) in [
        ("Contacts", "Contacts"),
        ("Accounts", "Accounts"),
        ("History", "History"),
        ("Groups", "Groups"),
    ] {
        let button = app.button(label).await;
        button.click().await.unwrap();
        app.wait_heading(heading).await;
        assert_eq!(
            app.button(label)
                .await
                .attr("aria-current")
                .await
                .unwrap()
                .as_deref(),
            Some("page"),
            "{label} is marked as the current screen"
        );
        if label == "Accounts" {
            app.screenshot("frame-accounts").await;
        }
    }

    // Keyboard: focus follows to the new screen's heading.
    app.button("Contacts")
        .await
        .send_keys(Key::Enter)
        .await
        .unwrap();
    app.wait_heading("Contacts").await;
    let focused = app.driver.active_element().await.unwrap();
    assert_eq!(focused.tag_name().await.unwrap().to_lowercase(), "h1");

    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipc_reaches_the_sandbox_and_errors_are_plain() {
    let app = App::launch("ipc").await;

    // The whole chain: webview → IPC → Rust client → HTTP → sandbox.
    let ok = app.invoke("group_members", json!({ "group": 28 })).await;
    let members = ok["ok"]["members"]
        .as_array()
        .expect("members in the answer");
    assert_eq!(members.len(), 3);
    assert_eq!(members[0]["name"], "bhawesh");
    assert_eq!(members[0]["agentId"], 3);
    let requests = app.sandbox.requests_to(RELATION);
    assert_eq!(requests.len(), 1, "exactly one request reached the sandbox");
    let body = requests[0].json.as_ref().expect("a JSON body");
    assert_eq!(body["groupId"], 28);
    assert_eq!(body["quick"], true);

    // An unknown group: a typed error in plain words, no number in it.
    let err = app.invoke("group_members", json!({ "group": 31 })).await;
    assert_eq!(err["error"]["kind"], "NotFound");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("no such group"), "{message}");
    assert!(!message.contains("1503"));

    // Bad input never leaves the app: a group number is checked as it arrives.
    app.sandbox.clear_requests();
    let err = app.invoke("group_members", json!({ "group": 0 })).await;
    let refused = err["error"].to_string();
    assert!(
        refused.contains("A group number is a whole number of 1 or more."),
        "{refused}"
    );
    assert!(app.sandbox.requests().is_empty());

    app.close().await;
}
