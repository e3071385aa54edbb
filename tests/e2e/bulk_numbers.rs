//! Bulk update with a spreadsheet's own headers ("Customer Name", "Mobile
//! No", "Email ID") and one caller written two ways (`+91 98100 00001` on
//! line 2, `098100 00001` on line 5), in the real window against the
//! sandbox: the columns are proposed; the preview names the two rows as
//! "may be the same caller" and lists them side by side; a start that
//! answers the preview before is refused; "Keep the last", chosen with the
//! keyboard, sends only line 5 of the two, and the results say why line 2
//! was left out. Screenshots of each step.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use deepcall_desk::sandbox::{Options, Sandbox};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::requests::{contact_of, UPDATE};
use crate::support::screens::bulk;
use crate::support::App;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bulk-numbers.csv")
}

/// The fixture's numbers as they are sent (digits only, as written), with
/// their names: each is a contact of the sandbox.
const CONTACTS: [(&str, &str); 4] = [
    ("919810000001", "Ravi Verma"),
    ("9876543210", "Asha Rao"),
    ("9810000002", "Sunil Singh"),
    ("09810000001", "Ravi V."),
];

/// The value of the select labelled `label`.
async fn chosen(app: &App, label: &str) -> String {
    let select = app
        .find(By::XPath(format!(
            "//select[@id=//label[normalize-space(.)='{label}']/@for]"
        )))
        .await;
    select.prop("value").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_written_two_ways_is_named_and_keep_the_last_sends_only_the_last() {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    for (number, name) in CONTACTS {
        sandbox.add_contact(number, name);
    }
    let app = bulk::launch(sandbox.clone(), "bulk-numbers").await;

    // ---- the columns, proposed from the spreadsheet's headers -------------
    app.bulk().choose(&fixture()).await;
    app.bulk().wait_step("Match the columns").await;
    app.wait_text("bulk-numbers.csv").await;
    assert_eq!(
        chosen(&app, "Field for column “Customer Name”").await,
        "field:name"
    );
    assert_eq!(chosen(&app, "Field for column “Mobile No”").await, "number");
    assert_eq!(
        chosen(&app, "Field for column “Email ID”").await,
        "field:email"
    );
    app.screenshot("bulk-numbers-columns").await;

    // ---- the preview names the two rows -----------------------------------
    app.click_button("Check the rows").await;
    app.find(By::Css("[data-testid='bulk-same-caller']")).await;
    assert_eq!(
        app.texts("[data-testid='bulk-preview-counts'] li").await,
        [
            "4 rows ready",
            "2 rows may be the same caller as another row: each is sent to its number as written"
        ]
    );
    let choice = app.testid_text("bulk-same-caller").await;
    assert!(
        choice.starts_with("2 rows may be the same caller: which to send?"),
        "{choice}"
    );
    assert!(
        app.find(By::Id("bulk-keepBoth"))
            .await
            .is_selected()
            .await
            .unwrap(),
        "Keep both is the default"
    );
    app.screenshot("bulk-numbers-preview").await;
    app.assert_accessible("Bulk update, rows that may be the same caller")
        .await;

    app.click_button("May be the same caller").await;
    app.wait_until(
        r#"return document.querySelectorAll("[data-testid='bulk-preview-row']").length === 2;"#,
        "only the two rows are listed",
    )
    .await;
    assert_eq!(
        app.bulk().preview_rows().await,
        [("2".into(), "ready".into()), ("5".into(), "ready".into())]
    );
    let two = app
        .text_of(By::Css("[data-testid='bulk-preview-row'][data-line='2']"))
        .await;
    assert!(
        two.contains("May be the same caller as row 5 (0 98100 00001)."),
        "{two}"
    );
    app.screenshot("bulk-numbers-side-by-side").await;

    // ---- Keep the last, with the keyboard ----------------------------------
    app.tab_back_to("bulk-keepBoth", 16).await;
    app.press(Key::Down).await;
    app.wait_until(
        r#"const c = document.querySelector("[data-testid='bulk-preview-counts']");
           return !!c && c.textContent.includes("1 left out");"#,
        "the preview made again with Keep the last",
    )
    .await;
    assert!(app
        .find(By::Id("bulk-keepLast"))
        .await
        .is_selected()
        .await
        .unwrap());
    assert_eq!(app.focused().await.0, "bulk-keepLast", "the focus stays");
    assert_eq!(
        app.texts("[data-testid='bulk-preview-counts'] li").await,
        [
            "3 rows ready",
            "2 rows may be the same caller as another row: only the last of each is sent, 1 left out"
        ]
    );
    app.wait_until(
        r#"return !!document.querySelector(
             "[data-testid='bulk-preview-row'][data-line='2'][data-state='leftOutSameCaller']");"#,
        "line 2 left out",
    )
    .await;
    let two = app
        .text_of(By::Css("[data-testid='bulk-preview-row'][data-line='2']"))
        .await;
    assert!(two.contains("Left out"), "{two}");
    assert!(
        two.contains("row 5 may be the same caller (09810000001)"),
        "{two}"
    );
    app.screenshot("bulk-numbers-keep-last").await;
    app.assert_accessible("Bulk update, Keep the last").await;

    // ---- a start that answers the preview before is refused ----------------
    let refused = app
        .invoke(
            "bulk_start",
            json!({"file": 1, "preview": 1, "blacklistingConfirmed": null, "account": null}),
        )
        .await;
    assert_eq!(
        refused["error"]["message"],
        "The preview changed since you confirmed. Look at it again, then send.",
        "{refused}"
    );
    assert!(sandbox.requests_to(UPDATE).is_empty(), "nothing was sent");

    // ---- Send: only the last of the two ------------------------------------
    app.click_button("Send 3 rows").await;
    let counts = app.bulk().wait_results().await;
    assert_eq!(counts, "3 confirmed · 1 left out");
    let sent: BTreeSet<String> = sandbox.requests_to(UPDATE).iter().map(contact_of).collect();
    assert_eq!(sandbox.requests_to(UPDATE).len(), 3);
    assert_eq!(
        sent,
        ["09810000001", "9810000002", "9876543210"]
            .map(String::from)
            .into()
    );
    // The whole reason, also where the list cuts it short on screen.
    let left = app
        .driver
        .execute(
            r#"return document.querySelector(
                 "[data-testid='bulk-result-row'][data-line='2']").textContent;"#,
            Vec::new(),
        )
        .await
        .unwrap()
        .json()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(left.contains("left out"), "{left}");
    assert!(left.contains("may be the same caller"), "{left}");
    app.screenshot("bulk-numbers-results").await;
    app.close().await;
}
