//! Opening a group: by number, from the recent list and from the account's
//! groups; what happens without a readable list; errors in plain words; and
//! the member list exported through GTK's save dialog.

use std::sync::Arc;
use std::time::Duration;

use deepcall_desk::sandbox::{Fault, Options, Sandbox};
use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::requests::{GROUP_LIST, RELATION, SUBMIT};
use crate::support::screens::groups::{self, NOTICE_RETRY};
use crate::support::x11::{screenshot_x, wait_for_x_window, xdotool};
use crate::support::TempDir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opens_a_group_by_number_recent_list_and_shows_every_member() {
    let app = groups::launch("groups-open", None).await;
    let sb = app.sandbox.clone();

    // Not a number: a message beside the field, and nothing sent.
    sb.clear_requests();
    for (typed, message) in [
        ("", "Enter a group number."),
        ("twenty", "\"twenty\" is not a group number"),
        ("0", "A group number is a whole number of 1 or more."),
    ] {
        let field = app.field("Group number").await;
        field.clear().await.unwrap();
        if !typed.is_empty() {
            field.send_keys(typed).await.unwrap();
        }
        app.click_button("Open group").await;
        app.wait_until(
            &format!(
                "const p = document.getElementById('group-number-problem'); return !!p && p.textContent.includes({});",
                serde_json::to_string(message).unwrap()
            ),
            &format!("{typed:?}: {message}"),
        )
        .await;
    }
    app.screenshot("groups-number-problem").await;
    assert!(
        sb.requests_to(RELATION).is_empty(),
        "invalid numbers send nothing"
    );

    // By number, with Enter.
    let field = app.field("Group number").await;
    field.clear().await.unwrap();
    field.send_keys("28" + Key::Enter).await.unwrap();
    app.groups().wait_open("28").await;
    let title = app.text_of(By::Id("group-title")).await;
    assert_eq!(title, "Mahipal singh #28");
    let meta = app.text_of(By::Css(".meta")).await;
    assert!(meta.contains("Active"), "{meta}");
    assert!(meta.contains("Created") && meta.contains("2024"), "{meta}");
    assert!(meta.contains("by user 29791451"), "{meta}");
    let counts = app.text_of(By::Css("[data-testid='group-counts']")).await;
    assert_eq!(counts, "3 members · 3 receive calls");
    // Three agents, two called "bhawesh": always name and number.
    assert_eq!(
        app.groups().switches().await,
        [
            ("bhawesh (#2) receives calls".to_owned(), true),
            ("bhawesh (#3) receives calls".to_owned(), true),
            ("manoj (#8) receives calls".to_owned(), true),
        ]
    );
    app.assert_accessible("groups-loaded").await;
    app.screenshot("groups-loaded").await;

    // A member missing from the account's agent list is listed and marked.
    app.groups().open("29").await;
    let row = app.text_of(By::XPath("//li[@data-agent='12']")).await;
    assert!(row.contains("Agent #12"), "{row}");
    assert!(row.contains("Not in agent list"), "{row}");
    app.groups().switch("Agent #12").await;
    assert_eq!(
        app.text_of(By::Css("[data-testid='group-counts']")).await,
        "4 members · 2 receive calls"
    );

    // An empty group says so.
    app.groups().open("30").await;
    app.wait_text("This group has no members yet.").await;
    assert!(app.text_of(By::Css(".meta")).await.contains("Inactive"));

    // Recently opened, most recent first, and they open with a click.
    app.go("Contacts").await;
    app.go("Groups").await;
    let recent = app
        .driver
        .execute(
            "return Array.from(document.querySelectorAll('.recent button'), (b) => b.textContent.trim());",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        recent.json(),
        &json!([
            "Weekend cover (#30)",
            "Night shift (#29)",
            "Mahipal singh (#28)"
        ])
    );
    app.click_button("Mahipal singh (#28)").await;
    app.groups().wait_open("28").await;

    // The account's groups from Group/list, searchable.
    app.find(By::XPath(
        "//summary[starts-with(normalize-space(.), 'Choose from your groups')]",
    ))
    .await
    .click()
    .await
    .unwrap();
    app.type_into("Find a group", "night").await;
    let shown = app
        .driver
        .execute(
            "return Array.from(document.querySelectorAll('.choices li button'), (b) => b.textContent.trim());",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(shown.json(), &json!(["Night shift (#29)"]));
    app.click_button("Night shift (#29)").await;
    app.groups().wait_open("29").await;
    app.screenshot("groups-choices").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_readable_group_list_the_number_field_still_works() {
    let sb = Arc::new(Sandbox::start(Options::default()).await.unwrap());
    // Group/list answers with something that is not a group list.
    sb.fail_next_on(GROUP_LIST, Fault::WrongTypes);
    let app = groups::launch("groups-no-list", Some(sb.clone())).await;
    app.find(By::Id("group-number")).await;
    // Quietly: no error, no list, and the number still opens the group.
    app.wait_until(
        "return document.querySelectorAll('.notice').length === 0 && !document.querySelector('details.choices');",
        "no list and no error",
    )
    .await;
    assert_eq!(sb.requests_to(GROUP_LIST).len(), 1);
    app.groups().open("28").await;
    assert!(app.driver.find(By::Css("details.choices")).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_in_plain_words_with_retry_where_it_helps() {
    let app = groups::launch("groups-errors", None).await;
    let sb = app.sandbox.clone();

    // Not this account's group (1503).
    app.type_into("Group number", "31").await;
    app.click_button("Open group").await;
    let notice = app.find(By::Css(".notice[role='alert']")).await;
    let text = notice.text().await.unwrap();
    assert!(
        text.contains("There is no such group, or it does not belong to this account."),
        "{text}"
    );
    assert!(!text.contains("1503"));
    assert!(app.driver.find(By::XPath(NOTICE_RETRY)).await.is_err());
    app.screenshot("groups-not-found").await;

    // Missing permission (1015) when opening.
    sb.set_agent_to_agent_call(false);
    app.type_into("Group number", "28").await;
    app.click_button("Open group").await;
    app.wait_text("AGENT_TO_AGENT_CALL").await;
    sb.set_agent_to_agent_call(true);

    // Network down, then Retry.
    sb.fail_next(Fault::DropConnection);
    app.click_button("Open group").await;
    app.wait_text("The connection to DeepCall broke").await;
    app.assert_accessible("groups-network-error").await;
    app.screenshot("groups-network-error").await;
    app.groups().press_retry().await;
    app.groups().wait_open("28").await;

    // An invalid request (1000) on a change: plain words, no raw code.
    sb.fail_next_on(
        SUBMIT,
        Fault::ApiError {
            code: 1000,
            message: "Invalid parameters".into(),
        },
    );
    app.groups().flip("manoj (#8)").await;
    app.wait_text("DeepCall did not accept one of the values sent.")
        .await;
    app.groups().wait_switch("manoj (#8)", true).await;

    // No answer at all: the app gives up after its 30-second limit, says
    // so, and offers Retry. (The one slow step of this suite.)
    sb.fail_next_on(RELATION, Fault::Delay(Duration::from_secs(45)));
    app.click_button("Reload").await;
    app.driver
        .query(By::XPath(
            "//*[contains(normalize-space(.), 'DeepCall did not answer within 30 seconds')]",
        ))
        .wait(Duration::from_secs(45), Duration::from_millis(200))
        .first()
        .await
        .expect("the timeout message");
    app.screenshot("groups-timeout").await;
    app.groups().press_retry().await;
    app.groups().wait_open("28").await;
}

/// The save dialog is GTK's own: it is driven with xdotool as a person
/// would type into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_the_member_list_to_csv_through_the_save_dialog() {
    let app = groups::launch("groups-export", None).await;
    app.groups().open("29").await;
    let out = TempDir::new("groups-export-out");
    let target = out.0.join("night-shift.csv");
    // The dialog plugin serves Rust only: the window may not call it.
    let denied = app
        .invoke(
            "plugin:dialog|save",
            json!({ "options": { "defaultPath": "/tmp/x.csv" } }),
        )
        .await;
    assert!(denied.get("error").is_some(), "{denied}");
    assert!(
        denied.to_string().contains("not allowed"),
        "refused by the capability: {denied}"
    );
    app.click_button("Export to CSV").await;
    let window = wait_for_x_window("Save the member list");
    screenshot_x("groups-export-dialog");
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["key", "--window", &window, "ctrl+a"]);
    xdotool(&[
        "type",
        "--window",
        &window,
        "--delay",
        "20",
        &target.display().to_string(),
    ]);
    xdotool(&["key", "--window", &window, "Return"]);
    app.wait_text("Saved 4 members to").await;
    let csv = std::fs::read_to_string(&target).expect("the file was written");
    assert_eq!(
        csv.trim_start_matches('\u{feff}'),
        "Name,Number,Receives calls,Note\r\n\
         vijay developer,4,Yes,\r\n\
         ,12,No,Not in the account's agent list\r\n\
         Bhawna,6,No,\r\n\
         Manoj Kumar111,10,Yes,\r\n"
    );
    app.screenshot("groups-exported").await;
}
