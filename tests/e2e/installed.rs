//! A smoke run of the app as a manager meets it: Welcome, then the Sandbox,
//! then group 28 opens. `scripts/check-package` runs it with
//! `DEEPCALL_DESK_APP` naming the binary the .deb installed; it passes on
//! any build of the app, so it also runs with the others.

use thirtyfour::prelude::*;

use crate::support::requests::RELATION;
use crate::support::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installed_app_welcomes_opens_the_sandbox_and_group_28() {
    let app = App::launch("installed").await;

    app.try_the_sandbox().await;
    assert_eq!(app.active_account().await, "Sandbox");

    app.groups().open("28").await;
    let title = app.text_of(By::Id("group-title")).await;
    assert_eq!(title, "Mahipal singh #28");
    app.wait_text("bhawesh").await;
    assert!(
        !app.sandbox.requests_to(RELATION).is_empty(),
        "the group was read from the sandbox"
    );
    app.screenshot("installed-group-28").await;

    app.close().await;
}
