//! The 10,000-member group: it opens, scrolls, toggles its last member, and
//! its timings and memory go to `target/measurements/groups-large.txt`.

use std::sync::Arc;

use deepcall_desk::sandbox::{Options, Sandbox, LARGE_GROUP_ID};
use thirtyfour::prelude::*;

use crate::support::measure::{memory_of_app, write_measurements, ClickTimes};
use crate::support::requests::submits;
use crate::support::screens::groups;
use crate::support::App;

/// How many member rows are drawn (only those on screen should be).
async fn rows_drawn(app: &App) -> usize {
    app.driver
        .find_all(By::Css("li[data-row]"))
        .await
        .unwrap()
        .len()
}

/// Not a timed assertion: the figures go to target/measurements for the note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_10000_member_group_opens_scrolls_and_is_measured() {
    let sb = Arc::new(
        Sandbox::start(Options {
            large_group: Some(10_000),
            ..Options::default()
        })
        .await
        .unwrap(),
    );
    let app = groups::launch("groups-large", Some(sb.clone())).await;
    let before = memory_of_app(&sb.url());

    // The IPC call alone (Rust reads and joins the group; the answer
    // crosses into the webview), for the breakdown.
    let ret = app
        .driver
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const t0 = performance.now();
               window.__TAURI_INTERNALS__.invoke('group_members', { group: 9000 })
                 .then(() => done(performance.now() - t0), (e) => done(-1));"#,
            Vec::new(),
        )
        .await
        .unwrap();
    let ipc_ms = ret.json().as_f64().unwrap();
    assert!(ipc_ms >= 0.0, "the group reads");
    let ClickTimes {
        painted_ms: first_rows_ms,
        arrived_ms,
    } = app.groups().open_timed(&LARGE_GROUP_ID.to_string()).await;
    let counts = app.text_of(By::Css("[data-testid='group-counts']")).await;
    // Digits grouped as this computer's language does (or not at all).
    let digits: String = counts
        .chars()
        .filter(|c| !matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    assert_eq!(digits, "10000members·6667receivecalls", "{counts}");
    // Only what is on screen is drawn.
    let drawn = rows_drawn(&app).await;
    assert!(drawn > 5 && drawn < 80, "{drawn} rows drawn");
    app.screenshot("groups-large").await;
    app.assert_accessible("groups-large").await;
    let after = memory_of_app(&sb.url());

    // Scroll to the end: the last member is there, and still few rows drawn.
    app.driver
        .execute(
            "const s = document.querySelector(\"[data-testid='member-scroller']\"); s.scrollTop = s.scrollHeight;",
            Vec::new(),
        )
        .await
        .unwrap();
    app.wait_until(
        "return !!document.querySelector(\"li[aria-posinset='10000']\");",
        "the last row",
    )
    .await;
    let drawn = rows_drawn(&app).await;
    assert!(drawn < 80, "{drawn} rows drawn at the end");
    app.screenshot("groups-large-end").await;

    // Toggling a member far down still sends the complete list.
    sb.clear_requests();
    let last = app
        .find(By::XPath(
            "//li[@aria-posinset='10000']//button[@role='switch']",
        ))
        .await;
    let label = last.attr("aria-label").await.unwrap().unwrap();
    let was_on = last.attr("aria-checked").await.unwrap().as_deref() == Some("true");
    last.click().await.unwrap();
    app.groups()
        .wait_switch(label.trim_end_matches(" receives calls"), !was_on)
        .await;
    let sent = submits(&sb);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["agent_unique_id"].as_array().unwrap().len(), 10_000);

    let report = format!(
        "# Groups screen, 10,000-member group (tests/e2e/groups/large.rs)\n\
         first_rows_painted_ms {first_rows_ms:.0}\n\
         of_which_until_the_answer_arrived_ms {arrived_ms:.0}\n\
         of_which_drawing_ms {:.0}\n\
         reading_the_group_over_ipc_alone_ms {ipc_ms:.0}\n\
         memory_before_open_rss_mib {:.1}\n\
         memory_before_open_pss_mib {:.1}\n\
         memory_with_group_open_rss_mib {:.1}\n\
         memory_with_group_open_pss_mib {:.1}\n\
         processes {}\n",
        first_rows_ms - arrived_ms,
        before.rss_mib,
        before.pss_mib,
        after.rss_mib,
        after.pss_mib,
        after.processes
    );
    write_measurements("groups-large.txt", &report);
}
