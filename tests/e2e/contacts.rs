//! The contact editor in the real window, against a sandbox whose request
//! log shows exactly what reached "DeepCall": every field type with its name,
//! type and format; one edit sends one field; the blacklist warning (cancel
//! sends nothing, confirm + Save sends one request); invalid input sends
//! nothing; every documented Directory error, network and timeout keep the
//! form; keyboard only; axe-core on every state; screenshots of each.

use std::time::{Duration, Instant};

use deepcall_desk::deepcall::{ApiErrorKind, Module};
use deepcall_desk::sandbox::Fault;
use serde_json::json;
use thirtyfour::prelude::*;

use crate::support::requests::{updates, without_auth, GET_INFO};
use crate::support::screens::contacts;

const RAVI: &str = "9876543210";
const ANITA: &str = "9123456780";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_type_reaches_deepcall_and_one_edit_sends_one_field() {
    let app = contacts::launch("contacts-fields").await;

    // ---- a number that cannot be one: a message, and no request at all ----
    app.contacts().look_up("98765-abc").await;
    let p = app.contacts().wait_problem("Phone number").await;
    assert!(p.contains("only digits"), "{p}");
    assert!(app.sandbox.requests().is_empty(), "nothing was sent");
    app.screenshot("contacts-number-invalid").await;

    // ---- pre-filled from Directory/getInfo ----------------------------------
    app.contacts().look_up("+91 98765-43210").await;
    // With the country code, DeepCall's directory has no such number.
    app.wait_text("This number is not in your DeepCall directory")
        .await;
    app.contacts().open("98765 43210").await;
    assert_eq!(app.contacts().value_of("Name").await, "Ravi Verma");
    assert_eq!(
        app.contacts().value_of("Email").await,
        "ravi.verma@example.in"
    );
    assert_eq!(app.contacts().value_of("Date of birth").await, "1986-08-14");
    assert_eq!(app.contacts().value_of("Total calls").await, "12");
    assert_eq!(
        app.contacts().value_of("Last call date").await,
        "2026-11-18"
    );
    assert!(!app.switch_is_on("VIP").await);
    assert!(!app.switch_is_on("Blacklisted").await);
    assert!(!app.contacts().save_enabled().await, "nothing to save yet");
    let lookups = app.sandbox.requests_to(GET_INFO);
    assert_eq!(
        without_auth(lookups.last().unwrap()),
        json!({"cn": RAVI, "field": "all"})
    );
    app.screenshot("contacts-prefilled").await;
    app.assert_accessible("Contacts, pre-filled form").await;

    // ---- one edit sends exactly that field -----------------------------------
    app.sandbox.clear_requests();
    app.type_into("Email", "a@b.in").await;
    app.contacts().wait_save_enabled().await;
    assert_eq!(
        app.contacts().review_lines().await,
        ["Email: ravi.verma@example.in → a@b.in"]
    );
    app.contacts().press_save().await;
    let saved = app.find(By::Css("[data-testid='saved']")).await;
    assert!(saved
        .text()
        .await
        .unwrap()
        .contains("Email: ravi.verma@example.in → a@b.in"));
    assert_eq!(
        updates(&app.sandbox),
        [json!({"contact": RAVI, "contactinfo": {"email": "a@b.in"}})]
    );
    assert_eq!(app.sandbox.requests().len(), 1, "one request, nothing else");
    app.screenshot("contacts-success").await;
    app.assert_accessible("Contacts, saved").await;

    // ---- every kind of field, with its name, type and format ------------------
    app.sandbox.clear_requests();
    app.type_into("Name", "Sunil Singh").await;
    app.pick_date("Date of birth", "1990-11-05").await;
    app.type_into("Company", "Singh & Sons").await;
    app.type_into("Custom field 2", "Prefers mornings").await;
    app.type_into("Add a field by name", "customer_tier").await;
    app.button("Add field").await.click().await.unwrap();
    app.type_into("Customer tier", "Gold").await;
    app.switch("VIP").await.click().await.unwrap();
    app.type_into("Outbound dialler status", "4").await;
    app.type_into("Total calls", "13").await;
    app.type_into("Source", "0").await;
    app.pick_date("Last call date", "2026-11-20").await;
    app.contacts().wait_save_enabled().await;
    assert_eq!(
        app.contacts().review_lines().await,
        [
            "Name: Ravi Verma → Sunil Singh",
            "Date of birth: 14-08-1986 → 05-11-1990",
            "Company: Verma Traders → Singh & Sons",
            "Custom field 2: (empty) → Prefers mornings",
            "Customer tier: (empty) → Gold",
            "VIP: off → on",
            "Outbound dialler status: (empty) → 4",
            "Total calls: 12 → 13",
            "Source: 1 → 0",
            "Last call date: 18-11-2026 → 20-11-2026",
        ]
    );
    app.scroll_to("[data-testid='review']").await;
    app.screenshot("contacts-review").await;
    app.contacts().press_save().await;
    app.find(By::XPath(
        "//*[@data-testid='saved']//li[normalize-space(.)='VIP: off → on']",
    ))
    .await;
    assert_eq!(
        updates(&app.sandbox),
        [json!({
            "contact": RAVI,
            "contactinfo": {"name": "Sunil Singh", "dob": "05-11-1990", "company": "Singh & Sons",
                            "custom_field_2": "Prefers mornings", "customer_tier": "Gold"},
            "other": {"vip": true, "obd": "4", "totalcalls": 13, "source": 0,
                      "lastcalltime": "20-11-2026"}
        })]
    );
    let held = app.sandbox.contact(RAVI).unwrap();
    assert_eq!(held["contactinfo"]["name"], "Sunil Singh");
    assert_eq!(held["other"]["vip"], true);
    assert_eq!(held["other"]["totalcalls"], 13);
    assert_eq!(held["contactinfo"]["address"], "12 MG Road, Pune", "kept");
    // Saved: nothing left to save.
    assert!(!app.contacts().save_enabled().await);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_blacklist_warning_both_ways_then_save() {
    let app = contacts::launch("contacts-keyboard").await;
    // From the screen's heading, Tab reaches the number field first.
    app.tab_to("find-number", 3).await;
    app.press("98765 43210").await;
    app.press(Key::Enter).await;
    app.find(By::Id("contact-title")).await;
    app.sandbox.clear_requests();

    // Change a field by keyboard.
    app.tab_to("contact-name", 3).await;
    app.press_ctrl('a').await;
    app.press("Ravi K. Verma").await;

    // Blacklisted: Space opens the warning, with Cancel focused.
    app.tab_to("contact-blacklist", 40).await;
    app.press(Key::Space).await;
    let text = app.open_dialog_text().await.expect("the warning opened");
    assert!(
        text.contains("Blacklist Ravi Verma (9876543210)?"),
        "{text}"
    );
    assert!(text.contains("stop all further communication"), "{text}");
    assert_eq!(app.focused().await.1, "Cancel", "Cancel has the focus");
    app.screenshot("contacts-blacklist-warning").await;
    app.assert_accessible("Contacts, blacklist warning").await;

    // Escape cancels: the switch stays off, nothing is sent.
    app.press(Key::Escape).await;
    app.wait_dialog_closed().await;
    assert!(!app.switch_is_on("Blacklisted").await);
    assert_eq!(app.focused().await.0, "contact-blacklist", "focus returns");

    // Enter on the focused Cancel: the same.
    app.press(Key::Space).await;
    assert!(app.open_dialog_text().await.is_some());
    app.press(Key::Enter).await;
    app.wait_dialog_closed().await;
    assert!(!app.switch_is_on("Blacklisted").await);
    assert!(
        app.contacts()
            .review_lines()
            .await
            .iter()
            .all(|l| !l.starts_with("Blacklisted")),
        "no blacklist change after cancelling"
    );
    assert!(app.sandbox.requests().is_empty(), "cancelling sent nothing");

    // Confirm: Tab to "Blacklist 9876543210", Enter.
    app.press(Key::Space).await;
    assert!(app.open_dialog_text().await.is_some());
    app.press(Key::Tab).await;
    assert_eq!(app.focused().await.1, "Blacklist 9876543210");
    app.press(Key::Enter).await;
    app.wait_dialog_closed().await;
    assert!(app.switch_is_on("Blacklisted").await);
    let highlighted = app
        .find(By::Css("[data-testid='review'] li.danger"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        highlighted.starts_with("Blacklisted: off → on"),
        "{highlighted}"
    );
    assert!(
        app.sandbox.requests().is_empty(),
        "nothing sent before Save"
    );
    app.scroll_to("[data-testid='review']").await;
    app.screenshot("contacts-review-blacklist").await;
    app.assert_accessible("Contacts, review with blacklist")
        .await;

    // Review and save by keyboard.
    assert_eq!(
        app.contacts().review_lines().await[0],
        "Name: Ravi Verma → Ravi K. Verma"
    );
    app.tab_to("contact-save", 40).await;
    app.press(Key::Enter).await;
    app.find(By::Css("[data-testid='saved']")).await;
    assert_eq!(
        updates(&app.sandbox),
        [
            json!({"contact": RAVI, "contactinfo": {"name": "Ravi K. Verma"},
                "other": {"blacklist": true}})
        ],
        "exactly one request, with blacklist: true"
    );
    assert_eq!(app.sandbox.requests().len(), 1);
    assert_eq!(
        app.sandbox.contact(RAVI).unwrap()["other"]["blacklist"],
        true
    );

    // Turning it off needs no warning.
    app.tab_back_to("contact-blacklist", 40).await;
    app.press(Key::Space).await;
    assert!(
        app.open_dialog_text().await.is_none(),
        "no warning to turn it off"
    );
    assert!(!app.switch_is_on("Blacklisted").await);
    app.contacts().wait_save_enabled().await;
    assert_eq!(
        app.contacts().review_lines().await,
        ["Blacklisted: on → off"]
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_sends_nothing_and_every_error_keeps_the_form() {
    let app = contacts::launch("contacts-errors").await;
    app.contacts().open(ANITA).await;
    app.sandbox.clear_requests();

    // ---- inline problems from the Rust rules, as the manager types ----------
    app.type_into("Name", "R2D2").await;
    assert!(app
        .contacts()
        .wait_problem("Name")
        .await
        .contains("only letters, spaces and dots"));
    app.type_into("Email", "anita@desai").await;
    assert!(app
        .contacts()
        .wait_problem("Email")
        .await
        .contains("name@example.com"));
    app.type_into("Total calls", "-1").await;
    assert!(app
        .contacts()
        .wait_problem("Total calls")
        .await
        .contains("whole number"));
    app.type_into("Source", "1.5").await;
    assert!(app
        .contacts()
        .wait_problem("Source")
        .await
        .contains("whole number"));
    app.type_into("Add a field by name", "tier-2").await;
    app.button("Add field").await.click().await.unwrap();
    assert!(app
        .contacts()
        .wait_problem("Add a field by name")
        .await
        .contains("underscores"));
    // A reserved name (one JavaScript objects give a meaning to) is refused
    // with a plain message, and no field is added.
    app.type_into("Add a field by name", "__proto__").await;
    app.button("Add field").await.click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let p = app.contacts().wait_problem("Add a field by name").await;
        if p.contains("reserved name") {
            assert!(p.contains("\"__proto__\""), "{p}");
            break;
        }
        assert!(Instant::now() < deadline, "no reserved-name message: {p}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app
        .driver
        .find(By::Id("contact-custom-__proto__"))
        .await
        .is_err());
    app.scroll_to("#contact-new-field").await;
    app.screenshot("contacts-reserved-name").await;
    assert!(!app.contacts().save_enabled().await, "Save stays disabled");
    app.scroll_to("#contact-title").await;
    app.screenshot("contacts-validation").await;
    app.assert_accessible("Contacts, inline validation errors")
        .await;
    // Enter in a field submits the form: still nothing is sent.
    app.field("Name").await.send_keys(Key::Enter).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        updates(&app.sandbox).is_empty(),
        "invalid input sends nothing"
    );

    // Fixed, the problems go away.
    app.type_into("Name", "Anita D. Rao").await;
    app.type_into("Email", "anita@desai.in").await;
    app.type_into("Total calls", "41").await;
    app.type_into("Source", "2").await;
    app.contacts().wait_save_enabled().await;
    assert_eq!(app.contacts().problem_of("Name").await, None);

    // ---- every documented Directory error, in plain words, form intact -------
    let codes = [
        1000, 1005, 1012, 1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509, 1510, 1009, 1010,
        1014, 1015, 1047,
    ];
    for (i, code) in codes.into_iter().enumerate() {
        app.sandbox.fail_next(Fault::ApiError {
            code,
            message: format!("vendor text {code}"),
        });
        app.contacts().press_save().await;
        let expected = ApiErrorKind::classify(Module::Directory, code).plain_message();
        let notice = app.find(By::Css("[role='alert']")).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !notice.text().await.unwrap_or_default().contains(expected) {
            assert!(Instant::now() < deadline, "{code}: {expected} not shown");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let text = app.contacts().page_text().await;
        assert!(
            !text.contains(&code.to_string()),
            "no raw code {code}: {text}"
        );
        assert!(!text.contains("vendor text"), "no vendor text");
        if code == 1015 {
            // The Groups permission is not named for a contact.
            assert!(!text.contains("AGENT_TO_AGENT_CALL"), "{text}");
        }
        assert_eq!(
            app.contacts().value_of("Name").await,
            "Anita D. Rao",
            "{code}: form intact"
        );
        assert_eq!(app.contacts().value_of("Email").await, "anita@desai.in");
        assert_eq!(app.contacts().value_of("Total calls").await, "41");
        assert_eq!(
            updates(&app.sandbox).len(),
            i + 1,
            "{code}: one request per Save"
        );
        if code == 1012 {
            app.screenshot("contacts-error-1012").await;
            app.assert_accessible("Contacts, DeepCall error").await;
        }
    }
    assert_eq!(
        app.sandbox.contact(ANITA).unwrap()["contactinfo"]["name"],
        "Anita Desai",
        "no refused request changed anything"
    );

    // ---- network: the connection drops -------------------------------------
    app.sandbox.fail_next(Fault::DropConnection);
    app.contacts().press_save().await;
    app.wait_text("DeepCall could not be reached").await;
    assert_eq!(app.contacts().value_of("Name").await, "Anita D. Rao");
    app.screenshot("contacts-error-network").await;

    // ---- timeout: DeepCall takes longer than the app waits (30 s) -----------
    app.sandbox.fail_next(Fault::Delay(Duration::from_secs(40)));
    app.contacts().press_save().await;
    let deadline = Instant::now() + Duration::from_secs(45);
    while !app
        .contacts()
        .page_text()
        .await
        .contains("did not answer within")
    {
        assert!(Instant::now() < deadline, "no timeout message");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(app.contacts().value_of("Name").await, "Anita D. Rao");

    // ---- and then it works: the same values saved -----------------------------
    app.sandbox.clear_faults();
    app.button("Retry").await.click().await.unwrap();
    app.find(By::Css("[data-testid='saved']")).await;
    let held = app.sandbox.contact(ANITA).unwrap();
    assert_eq!(held["contactinfo"]["name"], "Anita D. Rao");
    assert_eq!(held["other"]["totalcalls"], 41);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_current_values_the_form_starts_empty_and_changes_only_what_is_filled() {
    let app = contacts::launch("contacts-empty").await;
    // getInfo answers with a proxy's error page: the form starts empty.
    app.sandbox.fail_next(Fault::BadGatewayHtml);
    app.contacts().look_up(RAVI).await;
    let note = app.find(By::Css("[data-testid='empty-note']")).await;
    let note = note.text().await.unwrap();
    assert!(
        note.contains("only the fields you fill in will change"),
        "{note}"
    );
    assert_eq!(app.contacts().value_of("Name").await, "");
    assert_eq!(app.contacts().value_of("Email").await, "");
    app.screenshot("contacts-empty").await;
    app.assert_accessible("Contacts, empty form").await;

    app.sandbox.clear_requests();
    app.type_into("Address", "1 Park Street, Kolkata").await;
    app.contacts().wait_save_enabled().await;
    assert_eq!(
        app.contacts().review_lines().await,
        ["Address: (empty) → 1 Park Street, Kolkata"]
    );
    app.contacts().press_save().await;
    app.find(By::Css("[data-testid='saved']")).await;
    assert_eq!(
        updates(&app.sandbox),
        [json!({"contact": RAVI, "contactinfo": {"address": "1 Park Street, Kolkata"}})]
    );
    let held = app.sandbox.contact(RAVI).unwrap();
    assert_eq!(held["contactinfo"]["name"], "Ravi Verma", "the rest kept");

    // A number DeepCall does not have: said plainly, no form.
    app.contacts().look_up("8000000009").await;
    app.wait_text("This number is not in your DeepCall directory")
        .await;
    assert!(app.driver.find(By::Id("contact-title")).await.is_err());
    app.close().await;
}
