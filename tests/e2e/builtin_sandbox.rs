//! The built-in Sandbox runs only in Sandbox mode: a start with a real
//! account active opens no port at all, and switching to the Sandbox starts
//! it then, once, on this computer only.

use std::sync::Arc;

use deepcall_desk::sandbox::{Options, Sandbox};
use serde_json::json;

use crate::support::requests::RELATION;
use crate::support::screens::accounts::home_with_account;
use crate::support::sockets::listening_ports;
use crate::support::{App, Launch};

/// Group 28 (three members in the sandbox's sample data) is read through
/// the app.
async fn group_28_is_read(app: &App) {
    let members = app.invoke("group_members", json!({ "group": 28 })).await;
    assert_eq!(
        members["ok"]["members"].as_array().map(Vec::len),
        Some(3),
        "{members}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_account_starts_no_sandbox_and_the_sandbox_starts_when_chosen() {
    let deepcall = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let (home, id) = home_with_account(&deepcall, "builtin-sandbox").await;

    // Started as on a manager's computer: not told of any sandbox.
    let app = App::launch_with(Launch {
        sandbox: Some(deepcall.clone()),
        home: Some(home.clone()),
        builtin_sandbox: true,
        ..Launch::new("builtin-sandbox")
    })
    .await;
    assert_eq!(app.active_account().await, "Head office");
    app.wait_heading("Groups").await;
    // The account really works, through its own DeepCall.
    deepcall.clear_requests();
    group_28_is_read(&app).await;
    assert_eq!(deepcall.requests_to(RELATION).len(), 1);
    let with_account = listening_ports(app.pid());
    assert!(
        with_account.is_empty(),
        "with a real account active the app listens on nothing, yet it listens on {with_account:?}"
    );

    // The Sandbox, chosen: started then, and only on this computer.
    let switched = app
        .invoke("set_active_account", json!({ "id": null }))
        .await;
    assert!(switched.get("ok").is_some(), "{switched}");
    deepcall.clear_requests();
    group_28_is_read(&app).await;
    assert!(
        deepcall.requests().is_empty(),
        "the Sandbox's reads stay in the app"
    );
    let status = app.invoke("app_status", json!({})).await;
    assert_eq!(status["ok"]["mode"], "Sandbox", "{status}");
    let host = status["ok"]["host"].as_str().unwrap_or_default().to_owned();
    assert!(host.starts_with("http://127.0.0.1:"), "{status}");
    let in_sandbox = listening_ports(app.pid());
    assert_eq!(
        in_sandbox
            .iter()
            .map(|p| format!("http://127.0.0.1:{p}"))
            .collect::<Vec<_>>(),
        vec![host],
        "one port, the Sandbox's"
    );
    // Once: a second use starts no second one.
    let again = app.invoke("group_members", json!({ "group": 28 })).await;
    assert!(again.get("ok").is_some(), "{again}");
    assert_eq!(listening_ports(app.pid()), in_sandbox);

    // Clean the shared keyring for later runs.
    let removed = app.invoke("remove_account", json!({ "id": id })).await;
    assert!(removed.get("ok").is_some(), "{removed}");
    app.close().await;
}
