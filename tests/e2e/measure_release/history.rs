//! Opening a 100,000-entry History in the release app.

use std::sync::Arc;

use deepcall_desk::history::{self, History};

use crate::support::home::history_file;
use crate::support::{App, Launch, TempDir};
use crate::SETTLE;

/// History's length for its figure.
pub const HISTORY_ENTRIES: usize = 100_000;

/// Starts the app with a History of [`HISTORY_ENTRIES`] entries and times,
/// in the page, a click on History until its first rows are painted (two
/// animation frames after they are in the page), and until its first page
/// of entries arrived.
pub async fn open_long_history() -> (f64, f64) {
    let home = Arc::new(TempDir::new("release-history"));
    let h = History::open(&history_file(&home.0)).expect("History opens");
    h.record_settled(&history::sample::entries(
        HISTORY_ENTRIES,
        history::now_ms(),
    ))
    .expect("entries written");
    drop(h);
    let app = App::launch_with(Launch {
        home: Some(home),
        ..Launch::new("release-history")
    })
    .await;
    // Let History open in the background as it does at every start.
    tokio::time::sleep(SETTLE).await;
    let opened = app
        .click_timed(
            "nav",
            "History",
            "document.querySelector(\"[data-testid='history-entry']\")",
            "history_page",
        )
        .await;
    let shown = app
        .text_of(thirtyfour::By::Css("[data-testid='history-list']"))
        .await;
    assert!(!shown.is_empty(), "entries are shown");
    app.close().await;
    (opened.painted_ms, opened.arrived_ms)
}
