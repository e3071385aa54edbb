//! The vendor's own examples (the seed pages), sent as they stand with a raw
//! HTTP client, and the vendor's literal example answer.

use deepcall_desk::deepcall::group::RawGroupRelation;
use deepcall_desk::deepcall::{parse_envelope, Module};
use serde_json::{json, Value};

use crate::common::*;

const GROUP28_ANSWER: &str = include_str!("../data/group28_answer.json");
const DIRECTORY_UPDATE_ANSWER: &str = include_str!("../data/directory_update_answer.json");

/// curl's `--data-raw` sends this unless told otherwise.
const CURL_DEFAULT_CT: &str = "application/x-www-form-urlencoded";

/// The seed's update example with `{{ssid}}` and `{{callernumber}}` filled in.
fn fill(template: &str) -> String {
    template
        .replace("{{ssid}}", SSID)
        .replace("{{callernumber}}", "9876543210")
        .replace("{{userid}}", USER)
        .replace("{{token}}", TOKEN)
}

/// Directory/update, one line, as the axios/PHP/Python examples send it.
const UPDATE_ONE_LINE: &str = r#"{"ssid":"{{ssid}}","contact":"{{callernumber}}","contactinfo":{"name":"Sunil Singh"},"other":{"IBD":3,"OBD":4}}"#;

/// Directory/update as the curl example writes it (`--data-raw '{ … }'`).
const UPDATE_CURL: &str = "{\n\"ssid\":\"{{ssid}}\",\n\"contact\":\"{{callernumber}}\",\n\"contactinfo\":{\"name\":\"Sunil Singh\"},\n\"other\":{\"IBD\":3,\"OBD\":4}\n}";

/// Directory/update as the OkHttp/fetch/Ruby examples write it (text/plain in OkHttp).
const UPDATE_OKHTTP: &str = "{\n \"ssid\":\"{{ssid}}\",\n \"contact\":\"{{callernumber}}\",\n \"contactinfo\":{\"name\":\"Sunil Singh\"},\n \"other\":{\"IBD\":3,\"OBD\":4}\n\n}";

/// Group/getGroupAgentRelation, one line, as the axios example sends it.
const RELATION_ONE_LINE: &str =
    r#"{"userId": "{{userid}}","token":"{{token}}","quick":true,"groupId":28}"#;

/// Group/getGroupAgentRelation as the curl example writes it.
const RELATION_CURL: &str =
    "{\n\"userId\": \"{{userid}}\",\n\"token\":\"{{token}}\",\n\"quick\":true,\n\"groupId\":28\n}";

const UPDATE_PATH: &str = "/api/v2/Directory/update";
const RELATION_PATH: &str = "/api/v2/Group/getGroupAgentRelation";

fn vendor_group28() -> Value {
    serde_json::from_str(GROUP28_ANSWER).expect("the vendor's answer is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_update_curl_example_as_it_stands() {
    let sb = sandbox().await;
    let body = fill(UPDATE_ONE_LINE);
    assert_eq!(
        body,
        r#"{"ssid":"sandbox-ssid","contact":"9876543210","contactinfo":{"name":"Sunil Singh"},"other":{"IBD":3,"OBD":4}}"#
    );
    let raw = raw_post_full(&sb.url(), UPDATE_PATH, Some(CURL_DEFAULT_CT), &body).await;
    assert_eq!(raw.status, 200);
    // The headers of the vendor's example answer that a browser relies on.
    assert_eq!(
        raw.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(raw.header("access-control-allow-origin"), Some("*"));
    let answer = raw.json();
    assert_eq!(
        answer,
        json!({"message":"Directory successfully updated","status":"success","code":200})
    );
    let vendor: Value = serde_json::from_str(DIRECTORY_UPDATE_ANSWER).unwrap();
    assert_eq!(answer, vendor, "the vendor's own example answer");

    // The sandbox saw exactly what was sent.
    let seen = sb.requests_to("Directory/update");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].content_type.as_deref(), Some(CURL_DEFAULT_CT));
    assert_eq!(seen[0].body, body);

    // Merge: the name changed, the dialer statuses were set, the rest kept.
    let c = sb.contact("9876543210").expect("the contact still exists");
    assert_eq!(c["contactinfo"]["name"], "Sunil Singh");
    assert_eq!(c["contactinfo"]["email"], "ravi.verma@example.in");
    assert_eq!(c["contactinfo"]["dob"], "14-08-1986");
    assert_eq!(c["contactinfo"]["address"], "12 MG Road, Pune");
    assert_eq!(c["contactinfo"]["company"], "Verma Traders");
    assert_eq!(c["contactinfo"]["designation"], "Owner");
    assert_eq!(c["contactinfo"]["custom_field_1"], "Gold plan");
    assert_eq!(c["other"]["ibd"], 3);
    assert_eq!(c["other"]["obd"], 4);
    assert_eq!(c["other"]["totalcalls"], 12);
    assert_eq!(c["other"]["source"], 1);
    assert_eq!(c["other"]["vip"], false);
    assert_eq!(c["other"]["blacklist"], false);
    assert_eq!(c["other"]["lastcalltime"], "18-11-2026");
    assert_eq!(c["other"]["pc"], "");
    assert_eq!(c["other"]["ctc"], "");
    // DeepCall sets updatetime itself, as dd-mm-YYYY.
    let updated = c["other"]["updatetime"].as_str().expect("updatetime");
    assert!(
        deepcall_desk::deepcall::directory::rules::parse_date(updated).is_some(),
        "{updated}"
    );

    // The client reads the same values back.
    let number = deepcall_desk::deepcall::directory::ContactNumber::parse("9876543210").unwrap();
    let info = bounded(ssid_client(&sb).contact_info(&number))
        .await
        .expect("getInfo works")
        .expect("getInfo is readable");
    assert_eq!(info.info["name"], "Sunil Singh");
    assert_eq!(info.info["email"], "ravi.verma@example.in");
    assert_eq!(info.dialer["ibd"], "3");
    assert_eq!(info.dialer["obd"], "4");
    assert_eq!(info.total_calls, Some(12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_update_multiline_examples_with_each_content_type() {
    let sb = sandbox().await;
    let cases = [
        (UPDATE_CURL, Some(CURL_DEFAULT_CT)),
        (UPDATE_OKHTTP, Some("text/plain")),
        (UPDATE_OKHTTP, None),
        (UPDATE_ONE_LINE, None),
        (UPDATE_ONE_LINE, Some("text/plain")),
        (UPDATE_ONE_LINE, Some("application/json")),
    ];
    for (template, ct) in cases {
        let (status, answer) = raw_post_json(&sb.url(), UPDATE_PATH, ct, &fill(template)).await;
        assert_eq!(status, 200, "{ct:?}");
        assert_eq!(
            answer,
            json!({"message":"Directory successfully updated","status":"success","code":200}),
            "{ct:?} {template}"
        );
    }
    let seen = sb.requests_to("Directory/update");
    let types: Vec<_> = seen.iter().map(|r| r.content_type.as_deref()).collect();
    assert_eq!(types, cases.map(|(_, ct)| ct));
    assert_eq!(
        sb.contact("9876543210").unwrap()["contactinfo"]["name"],
        "Sunil Singh"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_relation_example_with_number_group_id_and_each_content_type() {
    let sb = sandbox().await;
    let body = fill(RELATION_ONE_LINE);
    assert_eq!(
        body,
        r#"{"userId": "29791451","token":"sandbox-token","quick":true,"groupId":28}"#
    );
    let vendor = vendor_group28();
    for ct in [Some(CURL_DEFAULT_CT), None, Some("text/plain")] {
        let (status, answer) = raw_post_json(&sb.url(), RELATION_PATH, ct, &body).await;
        assert_eq!(status, 200, "{ct:?}");
        assert_eq!(answer["status"], "success", "{ct:?}: {answer}");
        assert_eq!(answer, vendor, "{ct:?}: the vendor's example answer");
    }
    // The multi-line curl form too.
    let (status, answer) = raw_post_json(
        &sb.url(),
        RELATION_PATH,
        Some(CURL_DEFAULT_CT),
        &fill(RELATION_CURL),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer, vendor);

    let seen = sb.requests_to("Group/getGroupAgentRelation");
    let types: Vec<_> = seen.iter().map(|r| r.content_type.as_deref()).collect();
    assert_eq!(
        types,
        [
            Some(CURL_DEFAULT_CT),
            None,
            Some("text/plain"),
            Some(CURL_DEFAULT_CT)
        ]
    );
    // groupId really went as the number 28.
    assert_eq!(seen[0].json.as_ref().unwrap()["groupId"], json!(28));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_group28_answer_equals_vendor_example_in_order() {
    let sb = sandbox().await;
    let (status, answer) =
        raw_post_json(&sb.url(), RELATION_PATH, None, &fill(RELATION_ONE_LINE)).await;
    assert_eq!(status, 200);
    let vendor = vendor_group28();
    // Part by part, so a difference is easy to read; arrays compare in order.
    for part in ["groupData", "agentData", "relationData"] {
        assert_eq!(answer["response"][part], vendor["response"][part], "{part}");
    }
    let ids = |v: &Value, list: &str, key: &str| -> Vec<u64> {
        v["response"][list]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x[key].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        ids(&answer, "agentData", "unique_id"),
        [1, 2, 6, 9, 3, 5, 10, 4, 7, 8, 11]
    );
    assert_eq!(ids(&answer, "relationData", "agent_id"), [3, 8, 2]);
    assert_eq!(
        answer["response"]["groupData"]["agents"],
        json!(["#3 bhawesh", "#8 manoj", "#2 bhawesh"])
    );
    assert_eq!(answer["status"], "success");
    assert_eq!(answer["code"], 200);
    assert_eq!(answer, vendor);
}

#[test]
fn vendor_literal_answer_parses_into_three_named_members() {
    let answer = parse_envelope(Module::Group, 200, GROUP28_ANSWER.as_bytes())
        .expect("the vendor's example is a success");
    let response = answer.get("response").cloned().expect("it has a response");
    let raw: RawGroupRelation =
        serde_json::from_value(response).expect("the vendor's example parses");
    assert_eq!(raw.agent_data.len(), 11);
    assert_eq!(raw.relation_data.len(), 3);
    let g = raw.join();
    assert_eq!(g.group.id, 28);
    assert_eq!(g.group.name, "Mahipal singh");
    assert_eq!(g.group.status, Some(1));
    assert_eq!(g.group.created_at, Some(1731746318));
    assert_eq!(g.group.created_by.as_deref(), Some("29791451"));
    let members: Vec<_> = g
        .members
        .iter()
        .map(|m| {
            (
                m.agent_id,
                m.name.as_deref(),
                m.in_agent_list,
                m.receives_calls,
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            (3, Some("bhawesh"), true, true),
            (8, Some("manoj"), true, true),
            (2, Some("bhawesh"), true, true),
        ]
    );
    // Two members share a name; the id tells them apart.
    assert_eq!(g.members[0].name, g.members[2].name);
    assert_ne!(g.members[0].agent_id, g.members[2].agent_id);
    let others: Vec<u64> = g.other_agents.iter().map(|a| a.agent_id).collect();
    assert_eq!(others, [1, 6, 9, 5, 10, 4, 7, 11]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_reads_sandbox_group28_like_the_vendor_literal() {
    let sb = sandbox().await;
    let from_sandbox = bounded(
        token_client(&sb).group_members(deepcall_desk::deepcall::group::GroupId::new(28).unwrap()),
    )
    .await
    .expect("group 28 reads");
    let answer = parse_envelope(Module::Group, 200, GROUP28_ANSWER.as_bytes()).unwrap();
    let literal: RawGroupRelation =
        serde_json::from_value(answer.get("response").cloned().unwrap()).unwrap();
    assert_eq!(from_sandbox, literal.join());
}
