//! The Directory module: update (merge, every validation, every documented
//! code with the Directory meaning) and getInfo.

use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate, Dialer};
use deepcall_desk::deepcall::{ApiErrorKind, Auth, Module};
use deepcall_desk::sandbox::Fault;
use deepcall_desk::secret::Secret;
use serde_json::{json, Value};

use crate::common::*;

const UPDATE_PATH: &str = "/api/v2/Directory/update";
const GET_INFO_PATH: &str = "/api/v2/Directory/getInfo";
const RAVI: &str = "9876543210";

fn number(n: &str) -> ContactNumber {
    ContactNumber::parse(n).unwrap()
}

fn info_update(field: &str, value: &str) -> ContactUpdate {
    let mut u = ContactUpdate::default();
    u.info.insert(field.into(), value.into());
    u
}

/// A raw Directory body signed in with the session id, plus `extra`.
fn raw_body(extra: Value) -> String {
    signed_body(json!({"ssid": SSID}), extra)
}

// ---- update and getInfo ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_sends_only_changes_and_server_merges() {
    let sb = sandbox().await;
    let client = ssid_client(&sb);
    let before = sb.contact(RAVI).unwrap();
    let mut u = ContactUpdate {
        vip: Some(true),
        total_calls: Some(13),
        last_call_time: Some("20-11-2026".into()),
        ..Default::default()
    };
    u.info.insert("email".into(), "ravi@verma.co.in".into());
    u.info.insert("preferred_language".into(), "Marathi".into());
    u.dialer.insert(Dialer::Ibd, "3".into());
    bounded(client.update_contact(&number(RAVI), &u))
        .await
        .expect("the update is accepted");

    let sent = sb.requests_to("Directory/update");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].json.as_ref().unwrap(),
        &json!({
            "ssid": SSID,
            "contact": RAVI,
            "contactinfo": {"email": "ravi@verma.co.in", "preferred_language": "Marathi"},
            "other": {"vip": true, "totalcalls": 13, "lastcalltime": "20-11-2026", "ibd": "3"}
        }),
        "only the changed fields"
    );

    let after = sb.contact(RAVI).unwrap();
    assert_eq!(after["contactinfo"]["email"], "ravi@verma.co.in");
    assert_eq!(after["contactinfo"]["preferred_language"], "Marathi");
    assert_eq!(after["other"]["vip"], true);
    assert_eq!(after["other"]["totalcalls"], 13);
    assert_eq!(after["other"]["ibd"], "3");
    for kept in [
        "name",
        "dob",
        "address",
        "company",
        "designation",
        "custom_field_1",
    ] {
        assert_eq!(
            after["contactinfo"][kept], before["contactinfo"][kept],
            "{kept}"
        );
    }
    for kept in ["source", "blacklist", "obd", "pc", "ctc"] {
        assert_eq!(after["other"][kept], before["other"][kept], "{kept}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_info_returns_the_contacts_values() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let c = bounded(client.contact_info(&number("+91 91234 56780")))
        .await
        .map(|_| ())
        .expect_err("+91… is a different number from 9123456780");
    assert_eq!(c.api_kind(), Some(ApiErrorKind::ContactNotFound));

    let c = bounded(client.contact_info(&number("91234 56780")))
        .await
        .expect("getInfo works")
        .expect("readable");
    assert_eq!(c.info["name"], "Anita Desai");
    assert_eq!(c.info["email"], "anita@desai.co.in");
    assert_eq!(c.info["company"], "Desai Exports");
    assert_eq!(c.vip, Some(true));
    assert_eq!(c.blacklist, Some(false));
    assert_eq!(c.total_calls, Some(40));
    assert_eq!(c.source, Some(2));
    let sent = sb.requests_to("Directory/getInfo");
    assert_eq!(
        sent.last().unwrap().json.as_ref().unwrap()["cn"],
        "9123456780"
    );
    assert_eq!(sent.last().unwrap().json.as_ref().unwrap()["field"], "all");

    let c = bounded(client.contact_info(&number("9988776655")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.blacklist, Some(true));
    assert_eq!(c.info["name"], "Unknown caller");

    let r = bounded(client.contact_info(&number("9000000000"))).await;
    assert_api(r, Module::Directory, 1012, ApiErrorKind::ContactNotFound);
    assert_raw_error(
        raw_post_json(
            &sb.url(),
            GET_INFO_PATH,
            None,
            &raw_body(json!({"cn": "9000000000", "field": "all"})),
        )
        .await,
        1012,
    );
}

// ---- Directory/update: 1000 for every invalid value ---------------------------

/// The client refuses `update` itself (field `field`), and the server refuses
/// the same values sent raw and through `Client::call`, changing nothing.
async fn refused_by_both(update: ContactUpdate, field: &str, raw_extra: Value) {
    let sb = sandbox().await;
    let client = ssid_client(&sb);
    let before = sb.contact(RAVI).unwrap();
    assert_invalid_input(
        bounded(client.update_contact(&number(RAVI), &update)).await,
        field,
    );
    assert!(
        sb.requests().is_empty(),
        "the client sent nothing for a value it refused"
    );
    let mut body = obj(json!({"contact": RAVI}));
    body.extend(obj(raw_extra.clone()));
    let r = bounded(client.call(Module::Directory, "update", body.clone())).await;
    assert_api(r, Module::Directory, 1000, ApiErrorKind::InvalidField);
    assert_raw_error(
        raw_post_json(&sb.url(), UPDATE_PATH, None, &raw_body(Value::Object(body))).await,
        1000,
    );
    assert_eq!(sb.contact(RAVI).unwrap(), before, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_in_any_script_are_accepted_by_both() {
    // "letters, whitespace and `.` only": Hindi letters carry marks (the
    // virama in "वर्मा") that are not letters by themselves.
    for name in ["रवि वर्मा", "Dr. Ólafur Ragnar", "ரவி", "José"] {
        let sb = sandbox().await;
        bounded(ssid_client(&sb).update_contact(&number(RAVI), &info_update("name", name)))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(sb.contact(RAVI).unwrap()["contactinfo"]["name"], name);
    }
}

/// Every value the client and DeepCall both refuse, one row each: the
/// update, the field the client names, and the same value as a raw body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_1000_every_invalid_value_is_refused_by_both() {
    let mut rows: Vec<(String, ContactUpdate, &str, Value)> = Vec::new();
    for bad in ["R2D2", "Ravi_Verma", "Ravi@Verma", "   ", "\u{94d}Ravi"] {
        let update = info_update("name", bad);
        rows.push((
            format!("name {bad:?}"),
            update,
            "name",
            json!({"contactinfo": {"name": bad}}),
        ));
    }
    for bad in ["nope", "a@b", "a b@c.in", "@b.in", "a@b.c"] {
        let update = info_update("email", bad);
        rows.push((
            format!("email {bad:?}"),
            update,
            "email",
            json!({"contactinfo": {"email": bad}}),
        ));
    }
    for bad in ["31-02-2024", "2024-02-01", "1-2-2024", "yesterday"] {
        let update = info_update("dob", bad);
        rows.push((
            format!("dob {bad:?}"),
            update,
            "dob",
            json!({"contactinfo": {"dob": bad}}),
        ));
        let update = ContactUpdate {
            last_call_time: Some(bad.into()),
            ..Default::default()
        };
        rows.push((
            format!("lastcalltime {bad:?}"),
            update,
            "lastcalltime",
            json!({"other": {"lastcalltime": bad}}),
        ));
    }
    for (name, update, field, raw_extra) in rows {
        row(&name, refused_by_both(update, field, raw_extra)).await;
    }
}

/// Values the client's types cannot even express; the server refuses them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_1000_wrong_types_and_unknown_fields() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let before = sb.contact(RAVI).unwrap();
    for extra in [
        json!({"other": {"totalcalls": -1}}),
        json!({"other": {"totalcalls": 1.5}}),
        json!({"other": {"totalcalls": "12"}}),
        json!({"other": {"source": -2}}),
        json!({"other": {"vip": "true"}}),
        json!({"other": {"vip": "Y"}}),
        json!({"other": {"blacklist": 1}}),
        json!({"other": {"updatetime": "2026-11-02"}}),
        json!({"other": {"favourite": 1}}),
        json!({"other": {"ibd": true}}),
        json!({"contactinfo": {"favourite_colour": "blue"}}),
        json!({"contactinfo": {"name": 5}}),
        json!({"contactinfo": "Sunil Singh"}),
        json!({"other": [1, 2]}),
    ] {
        let mut body = obj(json!({"contact": RAVI}));
        body.extend(obj(extra.clone()));
        let r = bounded(client.call(Module::Directory, "update", body.clone())).await;
        assert_api(r, Module::Directory, 1000, ApiErrorKind::InvalidField);
        assert_raw_error(
            raw_post_json(
                &sb.url(),
                UPDATE_PATH,
                Some("text/plain"),
                &raw_body(Value::Object(body)),
            )
            .await,
            1000,
        );
    }
    // An unknown contactinfo field passes the client (accounts define their
    // own custom fields) and DeepCall refuses it.
    let r = bounded(client.update_contact(&number(RAVI), &info_update("favourite_colour", "blue")))
        .await;
    let msg = assert_api(r, Module::Directory, 1000, ApiErrorKind::InvalidField);
    assert!(msg.contains("favourite_colour"), "{msg}");
    // A custom field this account does define is fine.
    bounded(client.update_contact(&number(RAVI), &info_update("customer_tier", "Gold")))
        .await
        .expect("a defined custom field");
    let after = sb.contact(RAVI).unwrap();
    assert_eq!(after["contactinfo"]["customer_tier"], "Gold");
    assert_eq!(after["contactinfo"]["name"], before["contactinfo"]["name"]);
    assert_eq!(after["other"]["totalcalls"], before["other"]["totalcalls"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_with_nothing_changed_is_refused_by_the_client() {
    let sb = sandbox().await;
    assert_invalid_input(
        bounded(ssid_client(&sb).update_contact(&number(RAVI), &ContactUpdate::default())).await,
        "contact",
    );
    assert!(sb.requests().is_empty());
}

// ---- 1005, 1012, 1014, 1047 -------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_1005_invalid_number() {
    let sb = sandbox().await;
    let client = ssid_client(&sb);
    for typed in ["12345", "98765x43210", "1234567890123456", ""] {
        assert_invalid_input(ContactNumber::parse(typed), "contact");
    }
    for bad in [
        json!("12345"),
        json!("98765x43210"),
        json!("1234567890123456"),
        json!(true),
    ] {
        let body = obj(json!({"contact": bad, "contactinfo": {"name": "Sunil Singh"}}));
        let r = bounded(client.call(Module::Directory, "update", body.clone())).await;
        assert_api(
            r,
            Module::Directory,
            1005,
            ApiErrorKind::InvalidContactNumber,
        );
        assert_raw_error(
            raw_post_json(&sb.url(), UPDATE_PATH, None, &raw_body(Value::Object(body))).await,
            1005,
        );
    }
    // No contact at all is a missing parameter.
    assert_raw_error(
        raw_post_json(
            &sb.url(),
            UPDATE_PATH,
            None,
            &raw_body(json!({"contactinfo": {"name": "Sunil Singh"}})),
        )
        .await,
        1000,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_1012_unknown_contact() {
    let sb = sandbox().await;
    let r = bounded(
        token_client(&sb)
            .update_contact(&number("9000000000"), &info_update("name", "Sunil Singh")),
    )
    .await;
    assert_api(r, Module::Directory, 1012, ApiErrorKind::ContactNotFound);
    assert!(sb.contact("9000000000").is_none(), "update never creates");
    assert_raw_error(
        raw_post_json(
            &sb.url(),
            UPDATE_PATH,
            None,
            &raw_body(json!({"contact": "9000000000", "contactinfo": {"name": "Sunil Singh"}})),
        )
        .await,
        1012,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_1014_wrong_credentials() {
    let sb = sandbox().await;
    let before = sb.contact(RAVI).unwrap();
    for auth in [
        Auth::Session {
            ssid: Secret::new("stale-session"),
        },
        Auth::Token {
            user_id: USER.into(),
            token: Secret::new("stale-token"),
        },
    ] {
        let client = client_with(&sb.url(), auth, normal_config());
        let r = bounded(client.update_contact(&number(RAVI), &info_update("name", "Sunil Singh")))
            .await;
        assert_api(r, Module::Directory, 1014, ApiErrorKind::InvalidToken);
    }
    assert_raw_error(
        raw_post_json(
            &sb.url(),
            UPDATE_PATH,
            None,
            r#"{"ssid":"nope","contact":"9876543210","contactinfo":{"name":"Sunil Singh"}}"#,
        )
        .await,
        1014,
    );
    assert_eq!(sb.contact(RAVI).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_1047_body_that_is_not_a_json_object() {
    let sb = sandbox().await;
    for body in [
        "ssid=sandbox-ssid&contact=9876543210",
        "",
        "[1,2,3]",
        r#""just a string""#,
        r#"{"ssid":"sandbox-ssid","contact":"9876543210""#,
    ] {
        assert_raw_error(
            raw_post_json(
                &sb.url(),
                UPDATE_PATH,
                Some("application/x-www-form-urlencoded"),
                body,
            )
            .await,
            1047,
        );
    }
}

// ---- every Directory code, with the Directory meaning -------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_directory_code_has_its_directory_meaning() {
    let sb = sandbox().await;
    let client = ssid_client(&sb);
    let update = info_update("name", "Sunil Singh");
    let cases = [
        (1000, ApiErrorKind::InvalidField),
        (1005, ApiErrorKind::InvalidContactNumber),
        (1009, ApiErrorKind::SomethingWentWrong),
        (1010, ApiErrorKind::DatabaseError),
        (1012, ApiErrorKind::ContactNotFound),
        (1014, ApiErrorKind::InvalidToken),
        (1015, ApiErrorKind::PermissionDenied),
        (1047, ApiErrorKind::InvalidRequestData),
        (1501, ApiErrorKind::StickyAgentError),
        (1502, ApiErrorKind::TypeNotValid),
        (1503, ApiErrorKind::AccountManagerError),
        (1504, ApiErrorKind::CreateFailed),
        (1505, ApiErrorKind::CliNotFound),
        (1506, ApiErrorKind::GroupIdDoesNotExist),
        (1507, ApiErrorKind::AgentNotInGroup),
        (1508, ApiErrorKind::BadExpiry),
        (1509, ApiErrorKind::BadExpiry),
        (1510, ApiErrorKind::DoNotCallError),
    ];
    for (code, kind) in cases {
        sb.fail_next(Fault::ApiError {
            code,
            message: format!("vendor text for {code}"),
        });
        let r = bounded(client.update_contact(&number(RAVI), &update)).await;
        let msg = assert_api(r, Module::Directory, code, kind);
        assert_eq!(msg, format!("vendor text for {code}"));
    }
    // The same numbers mean something else in the Group module.
    for (code, group_kind) in [
        (1501, ApiErrorKind::GroupNameMissing),
        (1502, ApiErrorKind::GroupIdMissing),
        (1503, ApiErrorKind::GroupNotFound),
        (1012, ApiErrorKind::Unknown),
    ] {
        sb.fail_next(Fault::ApiError {
            code,
            message: String::new(),
        });
        let r = bounded(
            client.group_members(deepcall_desk::deepcall::group::GroupId::new(28).unwrap()),
        )
        .await;
        assert_api(r, Module::Group, code, group_kind);
    }
}

/// A DeepCall error answer means DeepCall refused: nothing may change. (The
/// app relies on this: after an error it shows the old values as current.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_error_fault_leaves_the_contact_unchanged() {
    let sb = sandbox().await;
    let before = sb.contact(RAVI).unwrap();
    sb.fail_next(Fault::ApiError {
        code: 1510,
        message: "DNC error".into(),
    });
    let r = bounded(
        ssid_client(&sb).update_contact(&number(RAVI), &info_update("name", "Sunil Singh")),
    )
    .await;
    assert_api(r, Module::Directory, 1510, ApiErrorKind::DoNotCallError);
    assert_eq!(sb.contact(RAVI).unwrap(), before, "refused, so unchanged");
}
