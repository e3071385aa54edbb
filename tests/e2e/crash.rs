//! A change cut off by a crash. The sandbox holds its answer to the change
//! while the app is killed with SIGKILL; the server has applied it, or not.
//! At the next start History shows the change as *outcome unknown*, and
//! Check now settles it from a fresh read of the group or the contact:
//! *confirmed* when the server has it, *not applied* when it does not.
//! Nothing is sent again.

use std::sync::Arc;

use deepcall_desk::sandbox::{Fault, Options, Sandbox};
use rusqlite::{Connection, OpenFlags};
use thirtyfour::prelude::*;

use crate::support::home::history_file;
use crate::support::requests::{SUBMIT, UPDATE};
use crate::support::{App, Launch, TempDir, WAIT};

const RAVI: &str = "9876543210";

/// The change the crash cuts off.
#[derive(Clone, Copy)]
enum Cut {
    /// Manoj (#8) stops receiving group 28's calls.
    Receiving,
    /// Ravi Verma becomes VIP.
    ContactVip,
}

impl Cut {
    fn endpoint(self) -> &'static str {
        match self {
            Cut::Receiving => SUBMIT,
            Cut::ContactVip => UPDATE,
        }
    }

    /// Whether the server has the change now.
    fn on_server(self, s: &Sandbox) -> bool {
        match self {
            Cut::Receiving => s
                .group_members(28)
                .unwrap()
                .iter()
                .any(|(id, on)| *id == 8 && !*on),
            Cut::ContactVip => s.contact(RAVI).unwrap()["other"]["vip"] == true,
        }
    }

    /// Makes the change on screen, with the answer held.
    async fn make(self, app: &App, applied: bool) {
        match self {
            Cut::Receiving => {
                app.go("Groups").await;
                app.groups().open("28").await;
                app.groups().switch("manoj (#8)").await;
                app.sandbox
                    .fail_next_on(SUBMIT, Fault::Hold { apply: applied });
                app.groups().flip("manoj (#8)").await;
            }
            Cut::ContactVip => {
                app.go("Contacts").await;
                app.contacts().look_up(RAVI).await;
                app.switch("VIP").await.click().await.unwrap();
                app.contacts().wait_save_enabled().await;
                app.sandbox
                    .fail_next_on(UPDATE, Fault::Hold { apply: applied });
                app.contacts().press_save().await;
            }
        }
    }

    /// What the History entry says, in part.
    fn words(self) -> [&'static str; 2] {
        match self {
            Cut::Receiving => ["manoj", "Mahipal singh"],
            Cut::ContactVip => ["Ravi Verma", "VIP"],
        }
    }
}

/// The outcomes in the app's History file, read without changing it.
fn recorded_outcomes(home: &TempDir) -> Vec<String> {
    let conn = Connection::open_with_flags(history_file(&home.0), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the History file exists");
    let mut stmt = conn
        .prepare("SELECT outcome FROM entries ORDER BY id")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

async fn cut_off(tag: &'static str, cut: Cut, applied: bool) {
    let sandbox = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    let home = Arc::new(TempDir::new(tag));
    let launch = || Launch {
        sandbox: Some(sandbox.clone()),
        home: Some(home.clone()),
        ..Launch::new(tag)
    };
    assert!(!cut.on_server(&sandbox));

    // ---- a change whose answer never comes --------------------------------
    let app = App::launch_with(launch()).await;
    cut.make(&app, applied).await;
    assert!(
        sandbox.wait_for_request(cut.endpoint(), WAIT).await,
        "the change reached DeepCall"
    );
    // Written down, committed, before the request left.
    assert_eq!(recorded_outcomes(&home), ["sending"]);
    app.kill();
    app.close().await;
    sandbox.release_held();
    assert_eq!(cut.on_server(&sandbox), applied);

    // ---- the next start: outcome unknown, then Check now -------------------
    let app = App::launch_with(launch()).await;
    app.go("History").await;
    let unknown = app
        .find(By::Css(
            "[data-testid='history-entry'][data-outcome='unknown']",
        ))
        .await;
    app.screenshot(&format!("{tag}-unknown")).await;
    let text = unknown
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    for words in cut.words() {
        assert!(text.contains(words), "{words} in {text}");
    }
    let id = unknown.attr("data-entry-id").await.unwrap().unwrap();
    unknown
        .find(By::XPath(".//button[normalize-space(.)='Check now']"))
        .await
        .expect("Check now is offered")
        .click()
        .await
        .unwrap();
    let settled = if applied { "confirmed" } else { "notApplied" };
    app.find(By::Css(format!(
        "[data-testid='history-entry'][data-entry-id='{id}'][data-outcome='{settled}']"
    )))
    .await;
    app.screenshot(&format!("{tag}-checked")).await;
    app.close().await;

    assert_eq!(recorded_outcomes(&home), [settled]);
    assert_eq!(
        sandbox.requests_to(cut.endpoint()).len(),
        1,
        "the change was never sent again"
    );
    assert_eq!(cut.on_server(&sandbox), applied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_cut_off_by_a_crash_that_deepcall_applied_is_confirmed_by_check_now() {
    cut_off("crash-applied", Cut::Receiving, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_cut_off_by_a_crash_that_deepcall_did_not_apply_is_found_not_applied() {
    cut_off("crash-not-applied", Cut::Receiving, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_change_cut_off_by_a_crash_is_checked_by_reading_the_contact() {
    cut_off("crash-contact", Cut::ContactVip, true).await;
}
