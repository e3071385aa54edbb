//! Two copies of the app on one home, started without a D-Bus session, so
//! the single-instance plugin cannot send the second to the first. The
//! second copy finds History held: it sends nothing, says why in words,
//! and leaves the first copy's changes alone; the first goes on sending.

use std::sync::Arc;

use deepcall_desk::sandbox::{Options, Sandbox};
use thirtyfour::prelude::*;

use crate::support::requests::{wait_requests, SUBMIT};
use crate::support::{App, Launch, TempDir, WAIT};

async fn open_group_28(app: &App) {
    app.go("Groups").await;
    app.groups().open("28").await;
    app.groups().switch("manoj (#8)").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_copy_without_a_desktop_bus_refuses_to_send_in_words() {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let home = Arc::new(TempDir::new("second-copy"));
    // No session bus at this address: as on a desktop without D-Bus.
    let no_bus = format!("unix:path={}", home.0.join("no-bus").display());
    let launch = || Launch {
        sandbox: Some(sandbox.clone()),
        home: Some(home.clone()),
        env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), no_bus.clone())],
        ..Launch::new("second-copy")
    };

    let first = App::launch_with(launch()).await;
    open_group_28(&first).await;
    first.groups().flip("manoj (#8)").await;
    assert!(
        sandbox.wait_for_request(SUBMIT, WAIT).await,
        "the first copy's change reached DeepCall"
    );
    first.groups().wait_switch("manoj (#8)", false).await;
    assert_eq!(sandbox.requests_to(SUBMIT).len(), 1);

    // The second copy starts, and its window works...
    let second = App::launch_with(launch()).await;
    open_group_28(&second).await;
    // ...but a change is refused, in words, and nothing reaches DeepCall.
    second.groups().flip("bhawesh (#3)").await;
    let notice = second.find(By::Css("[role='alert']")).await;
    let text = notice.text().await.unwrap();
    assert!(
        text.contains("Another copy of DeepCall Desk is already open on this computer")
            && text.contains("this copy sends nothing"),
        "{text}"
    );
    second.screenshot("second-copy-refuses").await;
    assert_eq!(
        sandbox.requests_to(SUBMIT).len(),
        1,
        "the second copy sent nothing"
    );
    second.close().await;

    // The first copy still sends, and its History is whole.
    first.groups().flip("manoj (#8)").await;
    first.groups().wait_switch("manoj (#8)", true).await;
    wait_requests(&sandbox, SUBMIT, 2).await;
    assert_eq!(sandbox.requests_to(SUBMIT).len(), 2);
    first.go("History").await;
    first
        .wait_until(
            "return document.querySelectorAll(\"[data-testid='history-entry'][data-outcome='confirmed']\").length === 2;",
            "both of the first copy's changes, confirmed",
        )
        .await;
    first.close().await;
}
