//! The trust guarantees, against real local servers: a saved secret
//! never follows a redirect, never comes back out of an error, the
//! connection check works on a host with only the seed endpoints, loopback
//! never goes through a proxy, and the sandbox cannot grow without bound.

use deepcall_desk::deepcall::group::GroupId;
use deepcall_desk::deepcall::{Auth, CheckOutcome, DeepCallError};
use deepcall_desk::sandbox::{Fault, LogLimit, Options, Sandbox};
use deepcall_desk::secret::Secret;
use serde_json::json;

use crate::common::*;

const G28: fn() -> GroupId = || GroupId::new(28).unwrap();

/// A distinctive token, so that any copy of it is found.
const LEAKY: &str = "tok-TRUST-LEAKCHECK-7f3a9c";

fn leaky_auth() -> Auth {
    Auth::Token {
        user_id: USER.into(),
        token: Secret::new(LEAKY),
    }
}

/// Asserts that neither what the manager reads nor what an engineer's
/// `Debug` shows carries the token.
#[track_caller]
fn assert_no_token(e: &DeepCallError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(LEAKY), "the token leaked: {shown}");
    assert!(
        !shown.contains("TRUST-LEAKCHECK"),
        "part of the token leaked: {shown}"
    );
}

// ---- 1. no redirects ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_never_followed_and_name_where_they_point() {
    let target = sandbox().await;
    for (status, line) in [
        (301, "301 Moved Permanently"),
        (302, "302 Found"),
        (307, "307 Temporary Redirect"),
        (308, "308 Permanent Redirect"),
    ] {
        let location = format!("{}/api/v2/Group/getGroupAgentRelation", target.url());
        let redirector = canned_server(
            format!(
                "HTTP/1.1 {line}\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .into_bytes(),
        )
        .await;
        let client = client_with(&redirector, token_auth(), normal_config());

        let err = bounded(client.group_members(G28())).await.unwrap_err();
        match &err {
            DeepCallError::Redirected { status: s, to } => {
                assert_eq!(*s, status);
                // The address to enter, without DeepCall's own path.
                assert_eq!(to.as_deref(), Some(target.url().as_str()));
            }
            other => panic!("{status}: expected Redirected, got {other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains("forwards to"), "{text}");
        assert!(text.contains(&target.url()), "{text}");
        assert!(!err.is_retryable());
        assert_plain_words(&err);

        // The check says the same, in its own verdict.
        let check = bounded(client.check_connection()).await;
        assert_eq!(check.outcome, CheckOutcome::Redirected, "{check:?}");
        assert!(check.message.contains(&target.url()), "{check:?}");

        assert!(
            target.requests().is_empty(),
            "{status}: the second server received {:?}",
            target.requests()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_plain_http_or_nowhere_is_named_as_such() {
    let cases = [
        (
            "http://deepcall.example/api/v2/Group/list?token=x",
            Some("http://deepcall.example"),
            "not a secure",
        ),
        (
            "/elsewhere/api/v2/Group/list",
            None,
            "forwards to http://127.0.0.1",
        ),
        (
            "mailto:someone@example.com",
            None,
            "forwards somewhere else",
        ),
    ];
    for (location, expected, words) in cases {
        let redirector = canned_server(
            format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
                .into_bytes(),
        )
        .await;
        let client = client_with(&redirector, token_auth(), normal_config());
        let err = bounded(client.group_members(G28())).await.unwrap_err();
        let DeepCallError::Redirected { to, .. } = &err else {
            panic!("{location}: {err:?}");
        };
        if let Some(expected) = expected {
            assert_eq!(to.as_deref(), Some(expected));
        }
        assert!(err.to_string().contains(words), "{location}: {err}");
        assert!(!err.to_string().contains("token=x"), "{err}");
    }
}

// ---- 4. nothing a server echoes carries the secret ---------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_echoes_the_token_never_gets_it_into_an_error() {
    let answers = [
        // In DeepCall's own error message.
        http_answer(
            "200 OK",
            "application/json",
            &json!({"status": "error", "code": 1014, "message": format!("Invalid token {LEAKY}")})
                .to_string(),
        ),
        // In a field of the wrong type: the parser's own words would quote it.
        http_answer(
            "200 OK",
            "application/json",
            &json!({"status": "success", "code": 200, "response": {
                "groupData": {"name": "G", "unique_id": LEAKY},
                "relationData": []}})
            .to_string(),
        ),
        // JSON-escaped, as a server may write it.
        http_answer(
            "200 OK",
            "application/json",
            &format!(
                r#"{{"status":"success","code":200,"response":{{"groupData":{{"unique_id":"{}"}},"relationData":[]}}}}"#,
                LEAKY.replace('-', "\\u002d")
            ),
        ),
        // In an error page.
        http_answer("502 Bad Gateway", "text/html", &format!("<h1>{LEAKY}</h1>")),
        // In where a redirect points.
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: https://evil.example/{LEAKY}/x\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes(),
    ];
    for answer in answers {
        let url = canned_server(answer).await;
        let client = client_with(&url, leaky_auth(), normal_config());
        let err = bounded(client.group_members(G28())).await.unwrap_err();
        assert_no_token(&err);
        let check = bounded(client.check_connection()).await;
        assert!(!check.message.contains(LEAKY), "{check:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoed_token_in_data_is_redacted_before_it_is_read() {
    let mut body =
        serde_json::from_str::<serde_json::Value>(include_str!("../data/group28_answer.json"))
            .unwrap();
    body["response"]["groupData"]["name"] = json!(format!("Team {LEAKY}"));
    let url = canned_server(http_answer("200 OK", "application/json", &body.to_string())).await;
    let client = client_with(&url, leaky_auth(), normal_config());
    let group = bounded(client.group_members(G28())).await.expect("parses");
    assert_eq!(group.group.name, "Team [redacted]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parser_output_is_not_shown_to_the_manager() {
    let sb = sandbox().await;
    sb.fail_next(Fault::WrongTypes);
    let err = bounded(token_client(&sb).group_members(G28()))
        .await
        .unwrap_err();
    let DeepCallError::UnexpectedAnswer { detail } = &err else {
        panic!("{err:?}");
    };
    assert!(!detail.is_empty(), "the detail is kept for engineers");
    assert!(!err.to_string().contains(detail.as_str()), "{err}");
    assert!(!err.to_string().contains("invalid type"), "{err}");
    assert_plain_words(&err);
}

// ---- 3. the connection check -------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_without_group_list_is_checked_with_the_seed_endpoint() {
    let sb = sandbox().await;
    sb.switch_off("Group/list");
    // Switched off really means unknown there.
    assert!(bounded(token_client(&sb).group_list()).await.is_err());
    sb.clear_requests();

    for client in [token_client(&sb), ssid_client(&sb)] {
        let check = bounded(client.check_connection()).await;
        assert_eq!(check.outcome, CheckOutcome::Connected, "{check:?}");
    }
    let wrong_token = client_with(
        &sb.url(),
        Auth::Token {
            user_id: USER.into(),
            token: Secret::new("not-the-token"),
        },
        normal_config(),
    );
    let wrong_ssid = client_with(
        &sb.url(),
        Auth::Session {
            ssid: Secret::new("not-the-ssid"),
        },
        normal_config(),
    );
    for client in [wrong_token, wrong_ssid] {
        let check = bounded(client.check_connection()).await;
        assert_eq!(check.outcome, CheckOutcome::WrongCredentials, "{check:?}");
    }
    // Only the seed endpoint was asked, and without a group: nothing read.
    let asked: Vec<_> = sb
        .requests()
        .iter()
        .map(|r| {
            (
                r.endpoint().to_owned(),
                r.json.as_ref().map(|j| j.get("groupId").is_some()),
            )
        })
        .collect();
    assert_eq!(asked.len(), 4, "{asked:?}");
    assert!(
        asked
            .iter()
            .all(|(e, g)| e == "Group/getGroupAgentRelation" && *g == Some(false)),
        "{asked:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_1015_gives_the_no_permission_verdict() {
    let sb = sandbox().await;
    sb.set_agent_to_agent_call(false);
    let check = bounded(token_client(&sb).check_connection()).await;
    assert_eq!(check.outcome, CheckOutcome::NoPermission, "{check:?}");
    assert!(check.message.contains("AGENT_TO_AGENT_CALL"), "{check:?}");
    assert!(check.message.starts_with("Connected, but"), "{check:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_verdict_of_the_check() {
    // An unsettling answer from the seed endpoint: Group/list decides.
    let sb = sandbox().await;
    sb.fail_next_on(
        "Group/getGroupAgentRelation",
        Fault::ApiError {
            code: 1000,
            message: "Invalid parameters".into(),
        },
    );
    let check = bounded(token_client(&sb).check_connection()).await;
    assert_eq!(check.outcome, CheckOutcome::Connected, "{check:?}");
    assert_eq!(
        sb.requests()
            .iter()
            .map(|r| r.endpoint().to_owned())
            .collect::<Vec<_>>(),
        ["Group/getGroupAgentRelation", "Group/list"]
    );

    // Neither settles it: failed, in words, without the server's own text.
    let sb = sandbox().await;
    sb.switch_off("Group/list");
    sb.fail_next_on(
        "Group/getGroupAgentRelation",
        Fault::ApiError {
            code: 4242,
            message: "weird server words".into(),
        },
    );
    let check = bounded(token_client(&sb).check_connection()).await;
    assert_eq!(check.outcome, CheckOutcome::Failed, "{check:?}");
    assert!(!check.message.contains("weird server words"), "{check:?}");

    // DeepCall's own trouble.
    let sb = sandbox().await;
    sb.fail_next(Fault::ApiError {
        code: 1009,
        message: "Something went wrong".into(),
    });
    let check = bounded(token_client(&sb).check_connection()).await;
    assert_eq!(check.outcome, CheckOutcome::Failed, "{check:?}");

    // Not DeepCall, unreachable.
    let html = canned_server(http_answer("200 OK", "text/html", "<html>hi</html>")).await;
    let check = bounded(client_with(&html, token_auth(), normal_config()).check_connection()).await;
    assert_eq!(check.outcome, CheckOutcome::NotDeepCall, "{check:?}");
    let check =
        bounded(client_with(&closed_port_url(), token_auth(), normal_config()).check_connection())
            .await;
    assert_eq!(check.outcome, CheckOutcome::Unreachable, "{check:?}");
}

// ---- 9. the sandbox cannot grow without bound --------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_request_log_keeps_only_the_newest() {
    let sb = Sandbox::start(Options {
        log_limit: LogLimit {
            requests: 5,
            body_bytes: 1024 * 1024,
        },
        ..Options::default()
    })
    .await
    .unwrap();
    let client = token_client(&sb);
    for id in 1..=8u64 {
        let _ = bounded(client.group_members(GroupId::new(id).unwrap())).await;
    }
    let ids: Vec<_> = sb
        .requests()
        .iter()
        .map(|r| r.json.as_ref().unwrap()["groupId"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [4, 5, 6, 7, 8]);

    // The bodies together are capped too.
    let sb = Sandbox::start(Options {
        log_limit: LogLimit {
            requests: 1000,
            body_bytes: 200,
        },
        ..Options::default()
    })
    .await
    .unwrap();
    let client = token_client(&sb);
    for _ in 0..10 {
        let _ = bounded(client.group_members(G28())).await;
    }
    let kept = sb.requests();
    let bytes: usize = kept.iter().map(|r| r.body.len()).sum();
    assert!(!kept.is_empty() && kept.len() < 10, "{}", kept.len());
    assert!(bytes <= 200, "{bytes}");
    sb.clear_requests();
    assert!(sb.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_listens_only_on_loopback() {
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let refused = Sandbox::start(Options {
            listen: addr.parse().unwrap(),
            ..Options::default()
        })
        .await;
        let err = refused.err().expect("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("only on this computer"), "{err}");
    }
    let ok = Sandbox::start(Options::default()).await.unwrap();
    assert!(ok.addr().ip().is_loopback());
}
