//! Authentication in the body: ssid, or userId + token, never both; and the
//! address rule (plain http:// only on this computer).

use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate};
use deepcall_desk::deepcall::group::{Assignment, GroupId};
use deepcall_desk::deepcall::{BaseUrl, Client, DeepCallError, Module};
use deepcall_desk::sandbox::{RecordedRequest, Sandbox};
use serde_json::json;

use crate::common::*;

const RELATION_PATH: &str = "/api/v2/Group/getGroupAgentRelation";
const UPDATE_PATH: &str = "/api/v2/Directory/update";

/// Makes one call to every endpoint the app uses.
async fn use_every_endpoint(client: &Client) {
    let g = bounded(client.group_members(GroupId::new(28).unwrap()))
        .await
        .expect("getGroupAgentRelation");
    let a = Assignment::from_current(GroupId::new(28).unwrap(), &g);
    bounded(client.assign_group(&a))
        .await
        .expect("submitAssignGroupToAgent");
    bounded(client.group_list()).await.expect("list");
    let n = ContactNumber::parse("9123456780").unwrap();
    let mut u = ContactUpdate::default();
    u.info.insert("designation".into(), "Director".into());
    bounded(client.update_contact(&n, &u))
        .await
        .expect("update");
    bounded(client.contact_info(&n)).await.expect("getInfo");
    // A caller's stale credential fields are replaced, not added to.
    bounded(client.call(
        Module::Group,
        "list",
        obj(json!({"ssid": "stale", "userId": "stale", "token": "stale"})),
    ))
    .await
    .expect("stale fields are overwritten");
}

fn endpoints(requests: &[RecordedRequest]) -> Vec<&str> {
    requests.iter().map(RecordedRequest::endpoint).collect()
}

const ALL_ENDPOINTS: [&str; 6] = [
    "Group/getGroupAgentRelation",
    "Group/submitAssignGroupToAgent",
    "Group/list",
    "Directory/update",
    "Directory/getInfo",
    "Group/list",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssid_only_bodies_work_and_never_carry_a_token() {
    let sb = sandbox().await;
    use_every_endpoint(&ssid_client(&sb)).await;
    let requests = sb.requests();
    assert_eq!(endpoints(&requests), ALL_ENDPOINTS);
    for r in &requests {
        let body = r.json.as_ref().expect("JSON body").as_object().unwrap();
        assert_eq!(body["ssid"], SSID, "{}", r.path);
        assert!(!body.contains_key("userId"), "{}: {}", r.path, r.body);
        assert!(!body.contains_key("token"), "{}: {}", r.path, r.body);
        assert!(!r.body.contains(TOKEN), "{}", r.path);
        assert!(!r.body.contains("stale"), "{}", r.path);
        assert_eq!(r.method, "POST");
        assert_eq!(r.content_type.as_deref(), Some("application/json"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_bodies_work_and_never_carry_an_ssid() {
    let sb = sandbox().await;
    use_every_endpoint(&token_client(&sb)).await;
    let requests = sb.requests();
    assert_eq!(endpoints(&requests), ALL_ENDPOINTS);
    for r in &requests {
        let body = r.json.as_ref().expect("JSON body").as_object().unwrap();
        assert_eq!(body["userId"], USER, "{}", r.path);
        assert_eq!(body["token"], TOKEN, "{}", r.path);
        assert!(!body.contains_key("ssid"), "{}: {}", r.path, r.body);
        assert!(!r.body.contains(SSID), "{}", r.path);
        assert!(!r.body.contains("stale"), "{}", r.path);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_credentials_in_one_body_get_1000() {
    let sb = sandbox().await;
    let url = sb.url();
    for body in [
        r#"{"ssid":"sandbox-ssid","userId":"29791451","token":"sandbox-token","quick":true,"groupId":28}"#,
        r#"{"ssid":"sandbox-ssid","token":"sandbox-token","quick":true,"groupId":28}"#,
        r#"{"ssid":"sandbox-ssid","userId":"29791451","quick":true,"groupId":28}"#,
    ] {
        let (status, answer) = raw_post_json(&url, RELATION_PATH, None, body).await;
        assert_eq!(status, 200);
        assert_eq!(answer["status"], "error", "{body}");
        assert_eq!(answer["code"], 1000, "{body}");
    }
    let (_, answer) = raw_post_json(
        &url,
        UPDATE_PATH,
        Some("text/plain"),
        r#"{"ssid":"sandbox-ssid","userId":"29791451","token":"sandbox-token","contact":"9876543210","contactinfo":{"name":"Sunil Singh"}}"#,
    )
    .await;
    assert_eq!(answer["code"], 1000);
    assert_eq!(
        sb.contact("9876543210").unwrap()["contactinfo"]["name"],
        "Ravi Verma"
    );
    // Each alone is fine (null counts as absent).
    for body in [
        r#"{"ssid":"sandbox-ssid","quick":true,"groupId":28}"#,
        r#"{"userId":"29791451","token":"sandbox-token","quick":true,"groupId":28}"#,
        r#"{"ssid":null,"userId":"29791451","token":"sandbox-token","quick":true,"groupId":28}"#,
    ] {
        let (_, answer) = raw_post_json(&url, RELATION_PATH, None, body).await;
        assert_eq!(answer["status"], "success", "{body}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_debug_output_hides_credentials() {
    let sb = sandbox().await;
    for client in [ssid_client(&sb), token_client(&sb)] {
        let text = format!("{client:?}");
        assert!(!text.contains(TOKEN) && !text.contains(SSID), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_another_host_is_refused_before_any_request() {
    let sb: Sandbox = sandbox().await;
    let port = sb.addr().port();
    for input in [
        "http://v4-api.deepcall.com".to_owned(),
        "http://192.168.1.5:8080".to_owned(),
        "http://10.0.0.1".to_owned(),
        "http://0.0.0.0".to_owned(),
        "http://localhost.example.com".to_owned(),
        // Resolves to 127.0.0.1 through public DNS: refused by name, unresolved.
        format!("http://127.0.0.1.nip.io:{port}"),
        format!("HTTP://brand.example:{port}/"),
    ] {
        match BaseUrl::parse(&input) {
            Err(e @ DeepCallError::InsecureAddress { .. }) => assert_plain_words(&e),
            other => panic!("{input}: expected InsecureAddress, got {other:?}"),
        }
    }
    assert!(sb.requests().is_empty(), "nothing was sent");
    // https anywhere, and http on this computer, are fine.
    for ok in [
        "https://v4-api.deepcall.com".to_owned(),
        "v4-api.deepcall.com".to_owned(),
        sb.url(),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}"),
    ] {
        assert!(BaseUrl::parse(&ok).is_ok(), "{ok}");
    }
    assert_eq!(
        BaseUrl::parse("v4-api.deepcall.com").unwrap().as_str(),
        "https://v4-api.deepcall.com"
    );
    // localhost really reaches the sandbox.
    let client = client_with(
        &format!("http://localhost:{port}"),
        ssid_auth(),
        normal_config(),
    );
    let r = bounded(client.group_list()).await;
    // localhost may resolve to ::1 first, where the sandbox does not listen;
    // either it answers, or it is an honest connect failure, never a hang.
    match r {
        Ok(list) => assert!(list.is_some()),
        Err(DeepCallError::Network { .. }) => {}
        Err(other) => panic!("{other:?}"),
    }
}
