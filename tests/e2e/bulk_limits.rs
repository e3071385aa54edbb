//! Bulk update in the real window, with a file far too wide to be a contact
//! file: 1,000,000 columns in 2 MB. It is refused as it is read, with words
//! that name the limit and what to do; nothing of it reaches the screen, and
//! the window still answers.

use std::sync::Arc;
use std::time::Instant;

use deepcall_desk::sandbox::{Options, Sandbox};

use crate::support::screens::bulk;
use crate::support::TempDir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_a_million_columns_is_refused_and_the_window_still_answers() {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let app = bulk::launch(sandbox, "bulk-wide").await;
    let dir = TempDir::new("bulk-wide-file");
    let path = dir.0.join("wide.csv");
    let mut wide = "a,".repeat(999_999);
    wide.push_str("a\n9876543210\n");
    std::fs::write(&path, &wide).unwrap();

    app.bulk().choose(&path).await;
    let chosen = Instant::now();
    app.wait_text("This file has 1,000,000 columns; DeepCall Desk reads at most 500.")
        .await;
    eprintln!(
        "a 2 MB file of 1,000,000 columns refused on screen {:?} after the dialog closed",
        chosen.elapsed()
    );
    app.wait_text(
        "Remove the columns you do not need, or save only the contact columns, and choose it again.",
    )
    .await;
    app.screenshot("bulk-too-wide").await;
    let steps = app.texts("h2").await;
    assert!(
        !steps.iter().any(|h| h == "Match the columns"),
        "no column of it was drawn: {steps:?}"
    );
    assert!(app.texts("select").await.len() < 10);

    // The window answers: another screen and back.
    app.go("History").await;
    app.go("Bulk update").await;
    app.button("Choose a CSV file…").await;
}
