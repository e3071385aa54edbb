//! History's tidy-up in the real window: a bulk run that ended four months
//! ago keeps a copy of its file's rows; History offers to remove it, asks
//! first, removes it, and still lists every change the run sent. The run's
//! results file is then refused in plain words. Screenshots of the offer
//! and of the question.

use std::sync::Arc;

use deepcall_desk::history::{self, sample, AccountRef, History, Query};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::home::history_file;
use crate::support::{App, Launch, TempDir};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The shown text of the element with `testid`, or "" while it is not there.
async fn shown(app: &App, testid: &str) -> String {
    let ret = app
        .driver
        .execute(
            &format!(
                r#"const e = document.querySelector("[data-testid='{testid}']");
                   return e ? e.innerText.replace(/\s+/g, ' ').trim() : '';"#
            ),
            Vec::new(),
        )
        .await
        .unwrap();
    ret.json().as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_bulk_runs_copy_is_removed_after_asking_and_history_keeps_its_changes() {
    let home = Arc::new(TempDir::new("history-tidy"));
    let file = history_file(&home.0);
    let h = History::open(&file).expect("History opens");
    let sandbox = AccountRef::sandbox("http://127.0.0.1:8080");
    let now = history::now_ms();
    let old = sample::ended_run(&h, &sandbox, 400, now - 120 * DAY_MS).expect("old run");
    let recent = sample::ended_run(&h, &sandbox, 20, now - 10 * DAY_MS).expect("recent run");
    let entries = h.page(&Query::default(), 0, 0).unwrap().total;
    assert_eq!(entries, 399 + 19);
    drop(h);

    let app = App::launch_with(Launch {
        home: Some(home.clone()),
        ..Launch::new("history-tidy")
    })
    .await;
    app.try_the_sandbox().await;
    app.go("History").await;
    app.wait_until(
        r#"const t = document.querySelector("[data-testid='history-tidy']");
           return !!t && t.innerText.includes('Remove those copies?');"#,
        "the tidy-up offer",
    )
    .await;
    let offer = shown(&app, "history-tidy").await;
    assert!(
        offer.contains(
            "Bulk runs that ended more than 90 days ago keep a copy of their files' rows \
             (1 bulk run, 400 rows, about"
        ),
        "{offer}"
    );
    assert!(offer.contains("Every change stays in History."), "{offer}");
    let count = format!("{} entries", entries);
    assert_eq!(
        app.text_of(By::Css("[data-testid='history-count']")).await,
        count
    );
    app.assert_accessible("History, with the tidy-up offer")
        .await;
    app.screenshot("history-tidy-offer").await;

    app.click_button("Remove the copies").await;
    app.wait_until(
        "return !!document.querySelector('dialog[open]');",
        "the question",
    )
    .await;
    let question = app.open_dialog_text().await.unwrap();
    assert!(
        question.contains("Remove the copies of 1 bulk run?"),
        "{question}"
    );
    assert!(
        question.contains("Every change those runs sent stays in History"),
        "{question}"
    );
    app.screenshot("history-tidy-confirm").await;
    app.press_in_dialog("Remove the copies").await;
    app.wait_dialog_closed().await;
    app.wait_until(
        r#"const d = document.querySelector("[data-testid='history-tidy-done']");
           return !!d && d.innerText.includes('Removed the copies of 1 bulk run (400 rows)');"#,
        "the copies removed",
    )
    .await;
    // Nothing else is old enough: the offer goes; every change stays.
    assert_eq!(shown(&app, "history-tidy").await, "");
    assert_eq!(
        app.text_of(By::Css("[data-testid='history-count']")).await,
        count
    );
    app.screenshot("history-tidy-done").await;

    // The old run's results file is refused in words, before any dialog.
    let refused = app
        .invoke("bulk_save_results", json!({ "batch": old }))
        .await;
    assert_eq!(refused["error"]["kind"], "Removed", "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("its results file can no longer be made"),
        "{refused}"
    );
    app.close().await;

    let h = History::open(&file).expect("History opens again");
    assert_eq!(h.batch_columns(old).unwrap(), None);
    assert!(h.batch_columns(recent).unwrap().is_some());
    assert_eq!(h.page(&Query::default(), 0, 0).unwrap().total, entries);
}
