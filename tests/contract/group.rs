//! The Group module: getGroupAgentRelation, submitAssignGroupToAgent, list,
//! with every documented error code, through the real client and raw.

use deepcall_desk::deepcall::group::{
    Assignment, ChangeOutcome, GroupId, GroupMembers, GroupSummary, ReceivingChange,
};
use deepcall_desk::deepcall::{ApiErrorKind, Auth, Client, DeepCallError, Module};
use deepcall_desk::history::{AccountRef, History, Outcome, Purpose, Query};
use deepcall_desk::sandbox::{Fault, Options, Sandbox};
use deepcall_desk::secret::Secret;
use deepcall_desk::sending::send::{self, NotChanged, SendError};
use serde_json::{json, Value};

use crate::common::*;

const RELATION: &str = "getGroupAgentRelation";
const ASSIGN: &str = "submitAssignGroupToAgent";
const RELATION_PATH: &str = "/api/v2/Group/getGroupAgentRelation";
const ASSIGN_PATH: &str = "/api/v2/Group/submitAssignGroupToAgent";

fn gid(n: u64) -> GroupId {
    GroupId::new(n).unwrap()
}

/// Group 28 as the seed has it: agents 3, 8 and 2, all receiving calls.
const GROUP_28_SEED: [(u64, bool); 3] = [(3, true), (8, true), (2, true)];

/// Group 29 as the seed has it; #12 is a member missing from agentData.
const GROUP_29_SEED: [(u64, bool); 4] = [(4, true), (12, false), (6, false), (10, true)];

/// Each member's id, name and whether they receive calls.
fn named(g: &GroupMembers) -> Vec<(u64, &str, bool)> {
    g.members
        .iter()
        .map(|m| (m.agent_id, m.name.as_deref().unwrap(), m.receives_calls))
        .collect()
}

/// Agents `members` in group `group`, of whom `receiving` receive calls.
fn assignment(group: u64, members: &[u64], receiving: &[u64]) -> Assignment {
    Assignment {
        group: gid(group),
        members: members.to_vec(),
        receiving: receiving.to_vec(),
    }
}

/// A raw body signed in with userId + token, plus `extra`.
fn raw_body(extra: Value) -> String {
    signed_body(json!({"userId": USER, "token": TOKEN}), extra)
}

// ---- reading a group ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group28_members_are_named_by_name_and_id() {
    let sb = sandbox().await;
    let g = bounded(token_client(&sb).group_members(gid(28)))
        .await
        .expect("group 28 reads");
    assert_eq!(g.group.id, 28);
    assert_eq!(g.group.name, "Mahipal singh");
    assert_eq!(
        named(&g),
        [
            (3, "bhawesh", true),
            (8, "manoj", true),
            (2, "bhawesh", true)
        ]
    );
    assert!(g.members.iter().all(|m| m.in_agent_list));
    assert_eq!(g.receiving_count(), 3);
    // agentData is the account's list, not the membership.
    assert_eq!(g.other_agents.len(), 8);
    let req = &sb.requests_to("Group/getGroupAgentRelation")[0];
    let sent = req.json.as_ref().unwrap();
    assert_eq!(sent["groupId"], json!(28));
    assert_eq!(sent["quick"], json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group29_member_missing_from_agent_data_is_kept() {
    let sb = sandbox().await;
    let g = bounded(ssid_client(&sb).group_members(gid(29)))
        .await
        .expect("group 29 reads");
    assert_eq!(g.group.name, "Night shift");
    let ids: Vec<u64> = g.members.iter().map(|m| m.agent_id).collect();
    assert_eq!(ids, [4, 12, 6, 10], "DeepCall's order");
    let ghost = &g.members[1];
    assert_eq!(ghost.agent_id, 12);
    assert!(!ghost.in_agent_list, "#12 is not in agentData");
    assert!(!ghost.receives_calls);
    for m in g.members.iter().filter(|m| m.agent_id != 12) {
        assert!(m.in_agent_list, "{m:?}");
        assert!(m.name.is_some(), "{m:?}");
    }
    assert_eq!(g.members[0].name.as_deref(), Some("vijay developer"));
    assert_eq!(g.members[3].name.as_deref(), Some("Manoj Kumar111"));
    assert_eq!(g.receiving_count(), 2);
    // The server keeps #12 as a member too.
    assert_eq!(sb.group_members(29).unwrap(), GROUP_29_SEED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_group_reads_as_no_members() {
    let sb = sandbox().await;
    let g = bounded(ssid_client(&sb).group_members(gid(30)))
        .await
        .expect("group 30 reads");
    assert_eq!(g.group.name, "Weekend cover");
    assert_eq!(g.group.status, Some(0));
    assert!(g.members.is_empty());
    assert_eq!(g.other_agents.len(), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_relation_accepts_group_id_as_number_or_string_and_name_filter() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    for group_id in [json!(28), json!("28"), json!(" 28 ")] {
        let answer = bounded(client.call(
            Module::Group,
            RELATION,
            obj(json!({"groupId": group_id, "quick": true})),
        ))
        .await
        .unwrap_or_else(|e| panic!("{group_id}: {e:?}"));
        assert_eq!(answer["response"]["groupData"]["unique_id"], 28);
    }
    // The name filter is case-insensitive.
    let answer = bounded(client.call(
        Module::Group,
        RELATION,
        obj(json!({"groupId": 28, "quick": true, "name": "MAHIPAL"})),
    ))
    .await
    .expect("a matching name filter");
    assert_eq!(
        answer["response"]["relationData"].as_array().unwrap().len(),
        3
    );
    // Without quick:true, no agent or relation data (the docs' rule).
    let (status, answer) = raw_post_json(
        &sb.url(),
        RELATION_PATH,
        None,
        &raw_body(json!({"groupId": 28})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["status"], "success");
    assert!(answer["response"].get("relationData").is_none(), "{answer}");
}

// ---- getGroupAgentRelation: every documented error ---------------------------

/// A body DeepCall refuses with `code`, sent through `Client::call` and raw.
struct Refused {
    name: &'static str,
    path: &'static str,
    body: Value,
    code: i64,
    kind: ApiErrorKind,
    /// Signed in by Session ID (else User ID + token) through the client.
    by_session: bool,
    /// The raw request's Content-Type (`None`: application/json).
    content_type: Option<&'static str>,
}

/// Every malformed body, one row each, refused alike through the client and
/// raw; none of them changes group 28.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_are_refused_with_their_code_through_the_client_and_raw() {
    let relation_1000 = |name, body| Refused {
        name,
        path: RELATION_PATH,
        body,
        code: 1000,
        kind: ApiErrorKind::InvalidParameter,
        by_session: false,
        content_type: None,
    };
    let relation_1502 = |name, body| Refused {
        name,
        path: RELATION_PATH,
        body,
        code: 1502,
        kind: ApiErrorKind::GroupIdMissing,
        by_session: true,
        content_type: Some("text/plain"),
    };
    let assign_1000 = |name, body| Refused {
        name,
        path: ASSIGN_PATH,
        body,
        code: 1000,
        kind: ApiErrorKind::InvalidParameter,
        by_session: false,
        content_type: Some("text/plain"),
    };
    let rows = [
        relation_1000(
            "relation: groupId not a number",
            json!({"groupId": "abc", "quick": true}),
        ),
        relation_1000(
            "relation: negative groupId",
            json!({"groupId": -3, "quick": true}),
        ),
        relation_1000("relation: groupId 0", json!({"groupId": 0, "quick": true})),
        relation_1000(
            "relation: fractional groupId",
            json!({"groupId": 2.5, "quick": true}),
        ),
        relation_1000(
            "relation: groupId a list",
            json!({"groupId": [28], "quick": true}),
        ),
        relation_1000(
            "relation: quick not a boolean",
            json!({"groupId": 28, "quick": "yes"}),
        ),
        relation_1000(
            "relation: name not text",
            json!({"groupId": 28, "quick": true, "name": 5}),
        ),
        relation_1502("relation: no groupId", json!({"quick": true})),
        relation_1502(
            "relation: groupId null",
            json!({"quick": true, "groupId": null}),
        ),
        relation_1502(
            "relation: groupId empty",
            json!({"quick": true, "groupId": ""}),
        ),
        assign_1000(
            "assign: members as one text",
            json!({"groupId": 28, "agent_unique_id": "3,8,2", "receive_call": ["3"]}),
        ),
        assign_1000(
            "assign: receivers as one text",
            json!({"groupId": 28, "agent_unique_id": ["3", "8", "2"], "receive_call": "3"}),
        ),
        assign_1000(
            "assign: members as an object",
            json!({"groupId": 28, "agent_unique_id": {"0": "3"}, "receive_call": []}),
        ),
        assign_1000(
            "assign: a member id not a number",
            json!({"groupId": 28, "agent_unique_id": ["3", "x"], "receive_call": []}),
        ),
        assign_1000(
            "assign: no receive_call",
            json!({"groupId": 28, "agent_unique_id": ["3", "8", "2"]}),
        ),
        assign_1000(
            "assign: no agent_unique_id",
            json!({"groupId": 28, "receive_call": []}),
        ),
    ];
    let sb = sandbox().await;
    for r in rows {
        let client = if r.by_session {
            ssid_client(&sb)
        } else {
            token_client(&sb)
        };
        let endpoint = r.path.rsplit('/').next().unwrap();
        row(r.name, async {
            let result = bounded(client.call(Module::Group, endpoint, obj(r.body.clone()))).await;
            assert_api(result, Module::Group, r.code, r.kind);
            assert_raw_error(
                raw_post_json(&sb.url(), r.path, r.content_type, &raw_body(r.body.clone())).await,
                r.code,
            );
        })
        .await;
    }
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
    // The client itself never sends such a group number: the window's
    // numbers are checked as they arrive.
    assert!(serde_json::from_value::<GroupId>(json!("abc")).is_err());
    assert!(serde_json::from_value::<GroupId>(json!(0)).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_relation_1503_not_found_other_owner_or_name_mismatch() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    // No such group.
    let r = bounded(client.group_members(gid(999))).await;
    assert_api(r, Module::Group, 1503, ApiErrorKind::GroupNotFound);
    // Group 31 exists but belongs to another account.
    let r = bounded(client.group_members(gid(31))).await;
    assert_api(r, Module::Group, 1503, ApiErrorKind::GroupNotFound);
    // The name filter does not match group 28's name.
    let r = bounded(client.call(
        Module::Group,
        RELATION,
        obj(json!({"groupId": 28, "quick": true, "name": "Night shift"})),
    ))
    .await;
    assert_api(r, Module::Group, 1503, ApiErrorKind::GroupNotFound);
    for extra in [
        json!({"groupId": 999, "quick": true}),
        json!({"groupId": 31, "quick": true}),
        json!({"groupId": 28, "quick": true, "name": "zzz"}),
    ] {
        assert_raw_error(
            raw_post_json(&sb.url(), RELATION_PATH, None, &raw_body(extra)).await,
            1503,
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_relation_1015_permission_revoked() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    sb.set_agent_to_agent_call(false);
    let r = bounded(client.group_members(gid(28))).await;
    assert_api(r, Module::Group, 1015, ApiErrorKind::GroupPermissionDenied);
    let text = DeepCallError::Api {
        module: Module::Group,
        code: 1015,
        kind: ApiErrorKind::GroupPermissionDenied,
        server_message: String::new(),
    }
    .to_string();
    assert!(text.contains("AGENT_TO_AGENT_CALL"), "{text}");
    assert_raw_error(
        raw_post_json(
            &sb.url(),
            RELATION_PATH,
            None,
            &raw_body(json!({"groupId": 28, "quick": true})),
        )
        .await,
        1015,
    );
    // Granted again, the same call works.
    sb.set_agent_to_agent_call(true);
    assert!(bounded(client.group_members(gid(28))).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_relation_1009_something_went_wrong() {
    let sb = sandbox().await;
    sb.fail_next(Fault::ApiError {
        code: 1009,
        message: "Something went wrong".into(),
    });
    let r = bounded(token_client(&sb).group_members(gid(28))).await;
    let err = r.clone().unwrap_err();
    assert!(err.is_retryable());
    let message = assert_api(r, Module::Group, 1009, ApiErrorKind::SomethingWentWrong);
    assert_eq!(message, "Something went wrong");
    // Only the next call failed.
    assert!(bounded(token_client(&sb).group_members(gid(28)))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_relation_1014_wrong_token_or_ssid() {
    let sb = sandbox().await;
    let url = sb.url();
    let wrong_token = Auth::Token {
        user_id: USER.into(),
        token: Secret::new("not-the-token"),
    };
    let wrong_user = Auth::Token {
        user_id: "12345678".into(),
        token: Secret::new(TOKEN),
    };
    let wrong_ssid = Auth::Session {
        ssid: Secret::new("not-the-ssid"),
    };
    for auth in [wrong_token, wrong_user, wrong_ssid] {
        let client = client_with(&url, auth.clone(), normal_config());
        let r = bounded(client.group_members(gid(28))).await;
        assert_api(r, Module::Group, 1014, ApiErrorKind::InvalidToken);
    }
    for body in [
        r#"{"userId":"29791451","token":"nope","quick":true,"groupId":28}"#,
        r#"{"ssid":"nope","quick":true,"groupId":28}"#,
        r#"{"quick":true,"groupId":28}"#,
        r#"{"userId":"29791451","quick":true,"groupId":28}"#,
    ] {
        assert_raw_error(raw_post_json(&url, RELATION_PATH, None, body).await, 1014);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_1501_means_name_missing_in_group_module() {
    let sb = sandbox().await;
    sb.fail_next(Fault::ApiError {
        code: 1501,
        message: "The 'Name' field was not provided in the request".into(),
    });
    let r = bounded(token_client(&sb).group_members(gid(28))).await;
    assert_api(r, Module::Group, 1501, ApiErrorKind::GroupNameMissing);
}

// ---- submitAssignGroupToAgent ------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_turns_one_agent_off_and_keeps_the_rest() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let before = bounded(client.group_members(gid(28))).await.unwrap();
    let mut assignment = Assignment::from_current(gid(28), &before);
    assert_eq!(assignment.members, [3, 8, 2]);
    assert_eq!(assignment.receiving, [3, 8, 2]);
    assert!(assignment.set_receiving(8, false));
    assert!(!assignment.set_receiving(99, false), "#99 is not a member");
    bounded(client.assign_group(&assignment))
        .await
        .expect("the assignment is accepted");

    // The request carried the complete lists, ids as strings.
    let sent = sb.requests_to("Group/submitAssignGroupToAgent");
    assert_eq!(sent.len(), 1);
    let body = sent[0].json.as_ref().expect("JSON body");
    assert_eq!(body["agent_unique_id"], json!(["3", "8", "2"]));
    assert_eq!(body["receive_call"], json!(["3", "2"]));
    assert_eq!(body["groupId"], json!(28));
    assert_eq!(sent[0].content_type.as_deref(), Some("application/json"));

    // Read again: #8 is still a member but no longer receives calls.
    let after = bounded(client.group_members(gid(28))).await.unwrap();
    assert_eq!(
        named(&after),
        [
            (3, "bhawesh", true),
            (8, "manoj", false),
            (2, "bhawesh", true)
        ]
    );
    assert_eq!(after.group, before.group);
    assert_eq!(after.other_agents, before.other_agents);
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, false), (2, true)]
    );
    // Other groups are untouched.
    assert_eq!(sb.group_members(29).unwrap(), GROUP_29_SEED);

    // And back on again.
    let mut again = Assignment::from_current(gid(28), &after);
    again.set_receiving(8, true);
    bounded(client.assign_group(&again)).await.unwrap();
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_keeps_member_missing_from_agent_data() {
    let sb = sandbox().await;
    let client = ssid_client(&sb);
    let g = bounded(client.group_members(gid(29))).await.unwrap();
    let mut a = Assignment::from_current(gid(29), &g);
    assert!(a.set_receiving(12, true));
    bounded(client.assign_group(&a)).await.expect("accepted");
    assert_eq!(
        sb.group_members(29).unwrap(),
        [(4, true), (12, true), (6, false), (10, true)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_1000_receive_call_not_a_subset() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    // The client refuses before sending.
    let bad = assignment(28, &[3, 8], &[3, 2]);
    assert_invalid_input(bounded(client.assign_group(&bad)).await, "receive_call");
    let dup = assignment(28, &[3, 3, 8], &[3]);
    assert_invalid_input(bounded(client.assign_group(&dup)).await, "agent_unique_id");
    assert!(sb.requests_to("Group/submitAssignGroupToAgent").is_empty());

    // The server refuses the same body too.
    let body = json!({"groupId": 28, "agent_unique_id": ["3", "8"], "receive_call": ["3", "2"]});
    let r = bounded(client.call(Module::Group, ASSIGN, obj(body.clone()))).await;
    assert_api(r, Module::Group, 1000, ApiErrorKind::InvalidParameter);
    assert_raw_error(
        raw_post_json(&sb.url(), ASSIGN_PATH, None, &raw_body(body)).await,
        1000,
    );
    let dup = json!({"groupId": 28, "agent_unique_id": ["3", "3", "8"], "receive_call": ["3"]});
    assert_raw_error(
        raw_post_json(&sb.url(), ASSIGN_PATH, None, &raw_body(dup)).await,
        1000,
    );
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_1000_unknown_agent() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    // Passes the client's own checks; only DeepCall knows the agent list.
    let a = assignment(28, &[3, 8, 2, 777], &[3, 777]);
    let r = bounded(client.assign_group(&a)).await;
    let msg = assert_api(r, Module::Group, 1000, ApiErrorKind::InvalidParameter);
    assert!(msg.contains("777"), "{msg}");
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_1502_1503_1015_1014() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    // 1502: no groupId.
    let r = bounded(client.call(
        Module::Group,
        ASSIGN,
        obj(json!({"agent_unique_id": ["3"], "receive_call": ["3"]})),
    ))
    .await;
    assert_api(r, Module::Group, 1502, ApiErrorKind::GroupIdMissing);
    assert_raw_error(
        raw_post_json(
            &sb.url(),
            ASSIGN_PATH,
            None,
            &raw_body(json!({"agent_unique_id": ["3"], "receive_call": ["3"]})),
        )
        .await,
        1502,
    );
    // 1503: another account's group, or none.
    for group in [31, 999] {
        let a = assignment(group, &[1], &[]);
        let r = bounded(client.assign_group(&a)).await;
        assert_api(r, Module::Group, 1503, ApiErrorKind::GroupNotFound);
    }
    assert_eq!(sb.group_members(31).unwrap(), [(1, true)], "not changed");
    // 1015: permission revoked.
    sb.set_agent_to_agent_call(false);
    let keep = assignment(28, &[3, 8, 2], &[3]);
    let r = bounded(client.assign_group(&keep)).await;
    assert_api(r, Module::Group, 1015, ApiErrorKind::GroupPermissionDenied);
    sb.set_agent_to_agent_call(true);
    // 1014: wrong credentials.
    let wrong = client_with(
        &sb.url(),
        Auth::Session {
            ssid: Secret::new("expired-session"),
        },
        normal_config(),
    );
    let r = bounded(wrong.assign_group(&keep)).await;
    assert_api(r, Module::Group, 1014, ApiErrorKind::InvalidToken);
    // None of these changed group 28.
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assign_1009_and_1501_use_group_meanings() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let keep = assignment(28, &[3, 8, 2], &[3, 8, 2]);
    sb.fail_next(Fault::ApiError {
        code: 1009,
        message: "Something went wrong".into(),
    });
    let r = bounded(client.assign_group(&keep)).await;
    assert_api(r, Module::Group, 1009, ApiErrorKind::SomethingWentWrong);
    sb.fail_next(Fault::ApiError {
        code: 1501,
        message: "The 'Name' field was not provided in the request".into(),
    });
    let r = bounded(client.assign_group(&keep)).await;
    // Group 1501 is "name missing", not Directory's "sticky agent error".
    assert_api(r, Module::Group, 1501, ApiErrorKind::GroupNameMissing);
    for (code, kind) in [
        (1502, ApiErrorKind::GroupIdMissing),
        (1503, ApiErrorKind::GroupNotFound),
        (1010, ApiErrorKind::DatabaseError),
        (1047, ApiErrorKind::InvalidRequestData),
    ] {
        sb.fail_next(Fault::ApiError {
            code,
            message: format!("error {code}"),
        });
        let r = bounded(client.assign_group(&keep)).await;
        assert_api(r, Module::Group, code, kind);
    }
}

// ---- Group/list ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_list_returns_readable_summaries() {
    let sb = sandbox().await;
    let list = bounded(ssid_client(&sb).group_list())
        .await
        .expect("Group/list works")
        .expect("its answer is readable");
    assert_eq!(
        list,
        [
            GroupSummary {
                id: 28,
                name: "Mahipal singh".into()
            },
            GroupSummary {
                id: 29,
                name: "Night shift".into()
            },
            GroupSummary {
                id: 30,
                name: "Weekend cover".into()
            },
            GroupSummary {
                id: 32,
                name: "Day shift".into()
            },
            GroupSummary {
                id: 33,
                name: "Sales line".into()
            },
        ],
        "group 31 belongs to another account"
    );
    // forward:false checks the permission.
    sb.set_agent_to_agent_call(false);
    let r = bounded(token_client(&sb).call(
        Module::Group,
        "list",
        obj(json!({"forward": false, "quick": true})),
    ))
    .await;
    assert_api(r, Module::Group, 1015, ApiErrorKind::GroupPermissionDenied);
    // The name filter is case-insensitive.
    let answer =
        bounded(token_client(&sb).call(Module::Group, "list", obj(json!({"name": "NIGHT"}))))
            .await
            .unwrap();
    assert_eq!(answer["response"].as_array().unwrap().len(), 1);
    assert_eq!(answer["response"][0]["unique_id"], 29);
}

// ---- large groups ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_group_of_ten_thousand_members() {
    let sb = Sandbox::start(Options {
        large_group: Some(10_000),
        ..Options::default()
    })
    .await
    .expect("starts");
    let (result, took) = timed(token_client(&sb).group_members(gid(9000))).await;
    let g = result.expect("the large group reads");
    assert_eq!(g.group.name, "Large group");
    assert_eq!(g.members.len(), 10_000);
    assert!(g
        .members
        .iter()
        .all(|m| m.in_agent_list && m.name.is_some()));
    assert_eq!(g.receiving_count(), 6_667);
    assert_eq!(g.members[0].agent_id, 100_000);
    assert_eq!(g.members[9_999].agent_id, 109_999);
    assert_eq!(g.other_agents.len(), 11, "the seed's own agents");
    eprintln!("10,000-member group read in {took:?}");
}

/// History, in a file of its own, for one test.
fn scratch_history() -> History {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-contract-history-{}",
        uuid::Uuid::new_v4().simple()
    ));
    History::open(&dir.join(deepcall_desk::history::FILE_NAME)).expect("history opens")
}

thread_local! {
    /// The History of the test running on this thread (tests run one per thread).
    static HISTORY: History = scratch_history();
}

/// The one way the app changes who receives calls (recorded in History),
/// bounded by the hang guard. A failure comes with the group as last read.
async fn recorded_change(
    client: &Client,
    group: u64,
    changes: &[ReceivingChange],
    allow_nobody: bool,
) -> Result<ChangeOutcome, (DeepCallError, Option<Box<GroupMembers>>)> {
    let history = HISTORY.with(History::clone);
    let sender = AccountRef::sandbox("contract test");
    let sent = send::change_receiving(
        &history,
        client,
        &sender,
        Purpose::Change,
        gid(group),
        changes,
        allow_nobody,
    );
    match bounded(sent).await {
        Ok(o) => Ok(o),
        Err(NotChanged {
            error: SendError::DeepCall(e),
            last_read,
        }) => Err((e, last_read)),
        Err(NotChanged {
            error: SendError::History(e),
            ..
        }) => panic!("history: {e}"),
    }
}

/// The outcomes History holds for this thread's test, oldest first.
fn recorded_outcomes() -> Vec<Outcome> {
    let history = HISTORY.with(History::clone);
    let mut all = history.matching(&Query::default()).unwrap();
    all.reverse();
    all.into_iter().map(|e| e.outcome).collect()
}

fn change(agent_id: u64, receives_calls: bool) -> ReceivingChange {
    ReceivingChange {
        agent_id,
        receives_calls,
    }
}

fn receiving(group: &GroupMembers) -> Vec<(u64, bool)> {
    group
        .members
        .iter()
        .map(|m| (m.agent_id, m.receives_calls))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_reads_sends_complete_lists_and_confirms() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let outcome = recorded_change(&client, 29, &[change(12, true)], false)
        .await
        .unwrap();
    let ChangeOutcome::Applied { group, sent } = outcome else {
        panic!("applied, got {outcome:?}");
    };
    assert!(sent);
    assert_eq!(
        receiving(&group),
        [(4, true), (12, true), (6, false), (10, true)]
    );
    // Read, send, read again: in that order, and nothing else.
    let endpoints: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| r.endpoint().to_owned())
        .collect();
    assert_eq!(
        endpoints,
        [
            "Group/getGroupAgentRelation",
            "Group/submitAssignGroupToAgent",
            "Group/getGroupAgentRelation"
        ]
    );
    let body = sb.requests_to("Group/submitAssignGroupToAgent")[0]
        .json
        .clone()
        .unwrap();
    assert_eq!(body["agent_unique_id"], json!(["4", "12", "6", "10"]));
    assert_eq!(body["receive_call"], json!(["4", "10", "12"]));
    assert_eq!(
        recorded_outcomes(),
        [Outcome::Confirmed],
        "one member switched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_sends_nothing_when_already_so() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let outcome = recorded_change(&client, 28, &[change(3, true)], false)
        .await
        .unwrap();
    assert!(matches!(
        outcome,
        ChangeOutcome::Applied { sent: false, .. }
    ));
    assert!(sb.requests_to("Group/submitAssignGroupToAgent").is_empty());
    assert_eq!(recorded_outcomes(), [], "nothing sent, nothing recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_asks_before_leaving_nobody() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let all_off = [change(3, false), change(8, false), change(2, false)];
    let outcome = recorded_change(&client, 28, &all_off, false).await.unwrap();
    let ChangeOutcome::NobodyWouldReceive { group } = outcome else {
        panic!("a question first, got {outcome:?}");
    };
    assert_eq!(group.receiving_count(), 3, "the group as it is now");
    assert!(sb.requests_to("Group/submitAssignGroupToAgent").is_empty());

    let outcome = recorded_change(&client, 28, &all_off, true).await.unwrap();
    assert!(matches!(outcome, ChangeOutcome::Applied { sent: true, .. }));
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, false), (8, false), (2, false)]
    );
    let body = sb.requests_to("Group/submitAssignGroupToAgent")[0]
        .json
        .clone()
        .unwrap();
    assert_eq!(body["agent_unique_id"], json!(["3", "8", "2"]));
    assert_eq!(body["receive_call"], json!([]));
    assert_eq!(
        recorded_outcomes(),
        [Outcome::Confirmed; 3],
        "one entry per member"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_for_a_former_member_sends_nothing() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    let outcome = recorded_change(&client, 28, &[change(5, true)], false)
        .await
        .unwrap();
    let ChangeOutcome::NoLongerMembers { agent_ids, .. } = outcome else {
        panic!("not a member, got {outcome:?}");
    };
    assert_eq!(agent_ids, [5]);
    assert!(sb.requests_to("Group/submitAssignGroupToAgent").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_notices_a_change_that_was_not_applied() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    sb.fail_next_on("Group/submitAssignGroupToAgent", Fault::IgnoreRequest);
    let (err, last_read) = recorded_change(&client, 28, &[change(8, false)], false)
        .await
        .unwrap_err();
    assert_eq!(err, DeepCallError::NotApplied);
    assert!(err.is_retryable());
    assert_plain_words(&err);
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
    assert_eq!(recorded_outcomes(), [Outcome::NotApplied]);
    // It comes with the read that showed it not applied, and no other.
    assert_eq!(receiving(&last_read.unwrap()), GROUP_28_SEED);
    assert_eq!(sb.requests_to("Group/getGroupAgentRelation").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_refused_changes_nothing() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    sb.fail_next_on(
        "Group/submitAssignGroupToAgent",
        Fault::ApiError {
            code: 1009,
            message: "Something went wrong".into(),
        },
    );
    let (err, last_read) = recorded_change(&client, 28, &[change(8, false)], false)
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::SomethingWentWrong));
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
    // The read before the refused write went through untouched, and is the
    // group the failure carries: a refusal changes nothing, so it is not read again.
    assert_eq!(sb.requests_to("Group/getGroupAgentRelation").len(), 1);
    assert_eq!(receiving(&last_read.unwrap()), GROUP_28_SEED);
    assert_eq!(recorded_outcomes(), [Outcome::Failed]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_receiving_that_may_have_applied_reads_the_group_again() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    // DeepCall makes the change, but the answer never arrives.
    sb.fail_next_on("Group/submitAssignGroupToAgent", Fault::DropAfterApplying);
    let (err, last_read) = recorded_change(&client, 28, &[change(8, false)], false)
        .await
        .unwrap_err();
    assert!(err.may_have_been_applied(), "{err:?}");
    assert_eq!(recorded_outcomes(), [Outcome::Unknown]);
    // The failure carries a read made after it: what DeepCall has now.
    assert_eq!(sb.requests_to("Group/getGroupAgentRelation").len(), 2);
    assert_eq!(
        receiving(&last_read.unwrap()),
        [(3, true), (8, false), (2, true)]
    );
}
