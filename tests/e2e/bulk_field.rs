//! Bulk update against a DeepCall that behaves as real ones do, in the real
//! window: the sign-in refused mid-run pauses the run with words and Resume
//! finishes it; a contact changed on the Contacts screen after the run was
//! cut off is not overwritten when it is resumed.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::support::requests::{carried_per_contact, UPDATE};
use crate::support::screens::bulk;
use crate::support::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_sign_in_pauses_the_run_with_words_and_resume_finishes_it() {
    let (app, _rows) = bulk::launch_with_file("bulk-sign-in").await;
    let sb = app.sandbox.clone();
    app.bulk().start_slow_run(100, 5).await;
    // The token expires mid-run.
    sb.revoke_sign_in();
    app.wait_text("did not accept this account").await;
    let notice = app.testid_text("bulk-unfinished").await;
    assert!(
        notice.contains("Accounts") && notice.contains("Resume"),
        "{notice}"
    );
    assert!(!notice.contains("1014"), "{notice}");
    let refused = sb
        .requests_to(UPDATE)
        .iter()
        .filter(|r| r.api_code == Some(1014))
        .count();
    assert!(refused <= 40, "the run paused at once: {refused} refused");
    app.screenshot("bulk-paused-sign-in").await;
    app.assert_accessible("Bulk update, paused by a refused sign-in")
        .await;

    // The sign-in works again (the manager updated it): Resume finishes.
    sb.set_token("sandbox-token");
    app.bulk().resume_unfinished().await;
    let counts = app.bulk().wait_results().await;
    assert_eq!(counts, "49 confirmed · 1 left out");
    let carried = carried_per_contact(&sb);
    assert_eq!(carried.len(), 49);
    assert!(carried.values().all(|n| *n == 1), "{carried:?}");
    app.screenshot("bulk-sign-in-resumed").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_changed_since_is_left_alone_when_the_run_is_resumed() {
    let (sandbox, launch, rows) = bulk::relaunchable("bulk-changed-since").await;

    // ---- a run cut off -----------------------------------------------------
    let app = App::launch_with(launch()).await;
    app.go("Bulk update").await;
    app.bulk().start_slow_run(300, 10).await;
    app.kill();
    app.close().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The file's last row, not sent yet.
    let last = rows.last().unwrap();
    assert!(
        !carried_per_contact(&sandbox).contains_key(&last.number),
        "the last row was not sent before the run was cut off"
    );

    // ---- the manager renames that contact, then resumes ----------------------
    let app = App::launch_with(launch()).await;
    app.go("Contacts").await;
    app.contacts().look_up(&last.number).await;
    app.type_into("Name", "Changed Since").await;
    app.contacts().press_save().await;
    app.find(By::XPath(
        "//*[@data-testid='saved']//li[contains(normalize-space(.), 'Changed Since')]",
    ))
    .await;
    app.go("Bulk update").await;
    app.wait_text("was not finished").await;
    let notice = app.testid_text("bulk-unfinished").await;
    assert!(notice.contains("started just now"), "{notice}");
    app.bulk().resume_unfinished().await;
    let counts = app.bulk().wait_results().await;
    assert!(counts.contains("1 changed since — not sent"), "{counts}");
    // The row is the file's last: scrolled to, its result reads so.
    app.driver
        .execute(
            "const r = document.querySelector(\"[data-testid='bulk-results']\"); r.scrollTop = r.scrollHeight;",
            Vec::new(),
        )
        .await
        .expect("scrolls");
    app.wait_text("changed since — not sent").await;
    app.screenshot("bulk-changed-since").await;
    assert_eq!(
        sandbox.contact(&last.number).unwrap()["contactinfo"]["name"],
        "Changed Since",
        "not overwritten"
    );
    app.close().await;
}
