//! A damaged History file: set aside at start, the manager told on the
//! History screen, and told again at every start until they press Got it.

use std::sync::Arc;

use thirtyfour::prelude::*;

use crate::support::home::{data_dir, history_file};
use crate::support::{App, Launch, TempDir};

const NOTE: &str = "[data-testid='history-note']";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_history_is_set_aside_and_its_note_stays_until_seen() {
    let home = Arc::new(TempDir::new("history-damaged"));
    let data = data_dir(&home.0);
    std::fs::create_dir_all(&data).unwrap();
    let junk = b"a file that is not a database\n".repeat(200);
    std::fs::write(history_file(&home.0), &junk).unwrap();
    let launch = || Launch {
        home: Some(home.clone()),
        ..Launch::new("history-damaged")
    };

    let app = App::launch_with(launch()).await;
    app.go("History").await;
    let note = app.find(By::Css(NOTE)).await.text().await.unwrap();
    assert!(
        note.contains("An earlier History file was set aside") && note.contains("damaged"),
        "{note}"
    );
    app.screenshot("history-set-aside-note").await;
    let kept: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("history.sqlite3.unreadable-") && !n.ends_with("-wal"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(note.contains(&kept[0]), "the note names the copy: {note}");
    assert_eq!(std::fs::read(data.join(&kept[0])).unwrap(), junk);
    app.close().await;

    // Closed without pressing Got it: said again.
    let app = App::launch_with(launch()).await;
    app.go("History").await;
    app.find(By::Css(NOTE)).await;
    app.click_button("Got it").await;
    app.wait_until(
        &format!("return !document.querySelector(\"{NOTE}\");"),
        "the note gone",
    )
    .await;
    app.close().await;

    // Seen: not again.
    let app = App::launch_with(launch()).await;
    app.go("History").await;
    app.wait_text("No changes have been sent from this computer yet.")
        .await;
    // The overview is asked beside the entries: give it the same moment.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(app.driver.find(By::Css(NOTE)).await.is_err());
    app.close().await;
}
