//! Bulk update with a file saved as old Mac "CSV" (each line ended by a CR
//! alone), in the real window against the sandbox: its two rows are
//! previewed on lines 2 and 3 and both sent; the saved results file has
//! both rows, with a formula after a separator guarded. Screenshots of the
//! preview and the saved results.

use std::sync::Arc;

use deepcall_desk::sandbox::{Options, Sandbox};
use thirtyfour::prelude::*;

use crate::support::requests::{contact_of, UPDATE};
use crate::support::screens::bulk;
use crate::support::x11::save_in_dialog;
use crate::support::TempDir;

const FILE: &str =
    "Phone,Name,VIP,Remarks\r9876500101,Ravi Verma,yes,x;=1+1\r9876500102,Asha Rao,yes,plain\r";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_mac_file_sends_each_row_and_its_results_hold_each_row() {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    sandbox.add_contact("9876500101", "Ravi");
    sandbox.add_contact("9876500102", "Asha");
    let dir = TempDir::new("bulk-mac-file");
    let file = dir.0.join("mac.csv");
    std::fs::write(&file, FILE).unwrap();
    let app = bulk::launch(sandbox.clone(), "bulk-mac").await;

    app.bulk().choose(&file).await;
    app.bulk().wait_step("Match the columns").await;
    app.wait_text("mac.csv").await;
    app.click_button("Check the rows").await;
    app.find(By::Css("[data-testid='bulk-preview-row'][data-line='3']"))
        .await;
    assert_eq!(
        app.texts("[data-testid='bulk-preview-counts'] li").await,
        ["2 rows ready"]
    );
    assert_eq!(
        app.bulk().preview_rows().await,
        [("2".into(), "ready".into()), ("3".into(), "ready".into())]
    );
    app.screenshot("bulk-mac-preview").await;

    app.click_button("Send 2 rows").await;
    assert_eq!(app.bulk().wait_results().await, "2 confirmed");
    let mut sent: Vec<String> = sandbox.requests_to(UPDATE).iter().map(contact_of).collect();
    sent.sort();
    assert_eq!(sent, ["9876500101", "9876500102"]);

    let target = dir.0.join("mac - results.csv");
    app.click_button("Save the results…").await;
    save_in_dialog("Save the results", &target);
    app.wait_text("Saved to").await;
    assert!(app.testid_text("bulk-saved").await.contains("results.csv"));
    app.screenshot("bulk-mac-results-saved").await;
    let text = std::fs::read_to_string(&target).expect("the results file");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["Phone", "Name", "VIP", "Remarks", "Result", "Details"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{text:?}");
    assert_eq!(&rows[0][0], "9876500101");
    assert_eq!(&rows[0][3], "x;'=1+1", "the formula after “;” is guarded");
    assert!(rows.iter().all(|r| &r[4] == "confirmed"), "{text:?}");
    app.close().await;
}
