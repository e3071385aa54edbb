//! Hostile answers: each must end as a typed error within the client's
//! timeout (plus a margin), never as a panic or a hang.

use std::time::Duration;

use deepcall_desk::deepcall::group::GroupId;
use deepcall_desk::deepcall::{ApiErrorKind, Client, DeepCallError, Module, NetworkStage};
use deepcall_desk::sandbox::{Fault, Sandbox};
use serde_json::json;

use crate::common::*;

/// The client's own backstop is timeout + 1 s; allow a little more for a busy machine.
fn deadline() -> Duration {
    hostile_config().timeout + Duration::from_millis(2_500)
}

fn hostile_client(sb: &Sandbox) -> Client {
    client_with(&sb.url(), token_auth(), hostile_config())
}

fn g28() -> GroupId {
    GroupId::new(28).unwrap()
}

/// Reads group 28 through a hostile-config client, with `fault` on that call.
async fn read_with_fault(fault: Fault) -> (Result<(), DeepCallError>, Duration, Sandbox) {
    let sb = sandbox().await;
    sb.fail_next(fault);
    let (r, took) = timed(hostile_client(&sb).group_members(g28())).await;
    (r.map(|_| ()), took, sb)
}

#[track_caller]
fn within(took: Duration, limit: Duration) {
    assert!(took < limit, "took {took:?}, more than {limit:?}");
}

/// What a read of group 28 must end in.
enum Want {
    Exactly(DeepCallError),
    /// Any error of this kind, named for the failure message.
    Like(&'static str, fn(&DeepCallError) -> bool),
}

/// One hostile answer from the sandbox on a read of group 28.
struct Hostile {
    name: &'static str,
    fault: Fault,
    want: Want,
    /// Whether the app may offer Retry (`None`: not checked).
    retryable: Option<bool>,
    /// The client must wait at least this long before giving up.
    at_least: Option<Duration>,
}

/// Every hostile answer, one row each: each ends as its typed error in plain
/// words within the client's timeout (plus a margin).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_end_as_typed_errors_in_time() {
    let too_large = DeepCallError::ResponseTooLarge {
        limit_bytes: hostile_config().max_response_bytes,
    };
    let timeout = DeepCallError::Timeout { seconds: 1 };
    let rows = [
        Hostile {
            name: "an HTML 502 page is HTTP status 502",
            fault: Fault::BadGatewayHtml,
            want: Want::Exactly(DeepCallError::HttpStatus { status: 502 }),
            retryable: Some(true),
            at_least: None,
        },
        Hostile {
            name: "an empty body is not DeepCall",
            fault: Fault::EmptyBody,
            want: Want::Exactly(DeepCallError::NotDeepCall {
                what: "the answer was empty".into(),
            }),
            retryable: None,
            at_least: None,
        },
        Hostile {
            name: "truncated JSON is not DeepCall",
            fault: Fault::TruncatedJson,
            want: Want::Exactly(DeepCallError::NotDeepCall {
                what: "the answer was cut off".into(),
            }),
            retryable: None,
            at_least: None,
        },
        Hostile {
            name: "wrong types are an unexpected answer",
            fault: Fault::WrongTypes,
            want: Want::Like("UnexpectedAnswer", |e| {
                matches!(e, DeepCallError::UnexpectedAnswer { .. })
            }),
            retryable: Some(false),
            at_least: None,
        },
        Hostile {
            name: "too large, with Content-Length, is refused",
            fault: Fault::Oversize {
                bytes: 1024 * 1024,
                announce: true,
            },
            want: Want::Exactly(too_large.clone()),
            retryable: None,
            at_least: None,
        },
        Hostile {
            name: "too large, without Content-Length, is refused",
            fault: Fault::Oversize {
                bytes: 4 * 1024 * 1024,
                announce: false,
            },
            want: Want::Exactly(too_large),
            retryable: None,
            at_least: None,
        },
        Hostile {
            name: "a dripping server times out",
            fault: Fault::Drip(Duration::from_millis(20)),
            want: Want::Exactly(timeout.clone()),
            retryable: Some(true),
            at_least: Some(Duration::from_millis(900)),
        },
        Hostile {
            name: "a slow server times out",
            fault: Fault::Delay(Duration::from_secs(5)),
            want: Want::Exactly(timeout),
            retryable: None,
            at_least: Some(Duration::from_millis(900)),
        },
    ];
    for h in rows {
        row(h.name, async {
            let (r, took, _sb) = read_with_fault(h.fault).await;
            let err = r.unwrap_err();
            match &h.want {
                Want::Exactly(want) => assert_eq!(&err, want),
                Want::Like(what, is) => assert!(is(&err), "expected {what}, got {err:?}"),
            }
            if let Some(retryable) = h.retryable {
                assert_eq!(err.is_retryable(), retryable, "retryable: {err:?}");
            }
            assert_plain_words(&err);
            if let Some(at_least) = h.at_least {
                assert!(took >= at_least, "gave up too early: {took:?}");
            }
            within(took, deadline());
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_page_with_http_200_is_not_deepcall() {
    let page = "<!DOCTYPE html><html><head><title>Login</title></head><body><form>Sign in</form></body></html>";
    let url = canned_server(http_answer("200 OK", "text/html; charset=utf-8", page)).await;
    let client = client_with(&url, token_auth(), hostile_config());
    let (r, took) = timed(client.group_members(g28())).await;
    match r.unwrap_err() {
        e @ DeepCallError::NotDeepCall { .. } => {
            assert!(e.to_string().contains("web page"), "{e}");
            assert_plain_words(&e);
        }
        other => panic!("expected NotDeepCall, got {other:?}"),
    }
    within(took, deadline());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn size_cap_boundary_is_exact() {
    let sb = sandbox().await;
    let client = hostile_client(&sb);
    let cap = hostile_config().max_response_bytes;
    for announce in [true, false] {
        sb.fail_next(Fault::Oversize {
            bytes: cap,
            announce,
        });
        let answer = bounded(client.call(Module::Group, "list", obj(json!({}))))
            .await
            .unwrap_or_else(|e| panic!("exactly the cap (announce {announce}) is accepted: {e:?}"));
        let envelope = r#"{"status":"success","code":200,"response":{"pad":""}}"#.len();
        assert_eq!(
            answer["response"]["pad"].as_str().unwrap().len(),
            cap - envelope
        );
        sb.fail_next(Fault::Oversize {
            bytes: cap + 1,
            announce,
        });
        let err = bounded(client.call(Module::Group, "list", obj(json!({}))))
            .await
            .unwrap_err();
        assert_eq!(err, DeepCallError::ResponseTooLarge { limit_bytes: cap });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_but_within_timeout_succeeds() {
    let (r, took, _sb) = read_with_fault(Fault::Delay(Duration::from_millis(300))).await;
    r.expect("a 300 ms delay is within a 1 s timeout");
    assert!(took >= Duration::from_millis(300));
    within(took, deadline());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connection_is_a_network_error_in_the_exchange() {
    let (r, took, sb) = read_with_fault(Fault::DropConnection).await;
    let err = r.unwrap_err();
    assert!(
        matches!(
            err,
            DeepCallError::Network {
                stage: NetworkStage::Exchange,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_plain_words(&err);
    within(took, deadline());
    // The request did reach the server, once (no silent retry).
    assert_eq!(sb.requests_to("Group/getGroupAgentRelation").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_is_a_network_error_at_connect() {
    let url = closed_port_url();
    let client = client_with(&url, token_auth(), hostile_config());
    let (r, took) = timed(client.group_members(g28())).await;
    let err = r.unwrap_err();
    assert!(
        matches!(
            err,
            DeepCallError::Network {
                stage: NetworkStage::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_plain_words(&err);
    within(took, deadline());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_status_in_body_decides_over_http_status() {
    // A DeepCall error with HTTP 500 is still DeepCall's error.
    let body = r#"{"status":"error","message":"Something went wrong","code":1009}"#;
    let url = canned_server(http_answer(
        "500 Internal Server Error",
        "application/json",
        body,
    ))
    .await;
    let client = client_with(&url, token_auth(), hostile_config());
    let r = bounded(client.group_members(g28())).await;
    assert_api(r, Module::Group, 1009, ApiErrorKind::SomethingWentWrong);

    // A DeepCall success with an odd HTTP status is still a success envelope.
    let body =
        r#"{"status":"success","response":[{"unique_id":"28","name":"Mahipal singh"}],"code":200}"#;
    let url = canned_server(http_answer(
        "203 Non-Authoritative Information",
        "application/json",
        body,
    ))
    .await;
    let client = client_with(&url, token_auth(), hostile_config());
    let list = bounded(client.group_list()).await.unwrap().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, 28);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_answers_that_are_not_deepcall() {
    let cases = [
        (
            http_answer("404 Not Found", "text/plain", "not found"),
            "404",
        ),
        (
            http_answer("200 OK", "application/json", r#"{"ok":true}"#),
            "no status",
        ),
        (
            http_answer("200 OK", "application/json", "[1,2,3]"),
            "not a JSON object",
        ),
        (http_answer("200 OK", "text/plain", "hello"), "not JSON"),
        (
            http_answer("503 Service Unavailable", "application/json", "{}"),
            "503",
        ),
    ];
    for (answer, what) in cases {
        row(what, async {
            let url = canned_server(answer).await;
            let client = client_with(&url, token_auth(), hostile_config());
            let (r, took) = timed(client.group_members(g28())).await;
            let err = r.unwrap_err();
            match (&err, what) {
                // A host without the endpoint, and a gateway's error.
                (DeepCallError::NotOffered { status: 404 }, "404")
                | (DeepCallError::HttpStatus { status: 503 }, "503") => {}
                (DeepCallError::NotDeepCall { what: w }, _) if w.contains(what) => {}
                _ => panic!("got {err:?}"),
            }
            assert_plain_words(&err);
            within(took, deadline());
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_last_one_call_or_until_cleared() {
    let sb = sandbox().await;
    let client = hostile_client(&sb);
    sb.fail_next(Fault::EmptyBody);
    sb.fail_next(Fault::BadGatewayHtml);
    assert!(matches!(
        bounded(client.group_members(g28())).await,
        Err(DeepCallError::NotDeepCall { .. })
    ));
    assert_eq!(
        bounded(client.group_members(g28())).await,
        Err(DeepCallError::HttpStatus { status: 502 })
    );
    assert!(bounded(client.group_members(g28())).await.is_ok());

    sb.fail_always(Fault::TruncatedJson);
    for _ in 0..3 {
        assert!(matches!(
            bounded(client.group_members(g28())).await,
            Err(DeepCallError::NotDeepCall { .. })
        ));
    }
    sb.clear_faults();
    assert_eq!(
        bounded(client.group_members(g28()))
            .await
            .unwrap()
            .members
            .len(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_text_echoing_the_token_is_scrubbed() {
    let sb = sandbox().await;
    sb.fail_next(Fault::ApiError {
        code: 1014,
        message: format!("Invalid token {TOKEN} for user {USER}"),
    });
    let r = bounded(hostile_client(&sb).group_members(g28())).await;
    let message = assert_api(r.clone(), Module::Group, 1014, ApiErrorKind::InvalidToken);
    assert!(!message.contains(TOKEN), "{message}");
    assert!(message.contains("[redacted]"), "{message}");
    assert!(!format!("{r:?}").contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_paths_are_not_api_answers() {
    let sb = sandbox().await;
    let (status, body) = raw_post(&sb.url(), "/index.html", None, "{}").await;
    assert_eq!((status, body.as_str()), (404, "not found"));
    let (status, body) = raw_post(&sb.url(), "/api/v2/Group/delete", None, "{}").await;
    assert_eq!(status, 404);
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["status"], "error");
    // The client reports an unknown endpoint as one this host does not
    // offer, in plain words.
    let r = bounded(hostile_client(&sb).call(Module::Group, "delete", obj(json!({})))).await;
    let err = r.unwrap_err();
    assert_eq!(err, DeepCallError::NotOffered { status: 404 });
    assert_plain_words(&err);
    // A trailing slash, as in the vendor's table, reaches the same endpoint.
    let (status, body) = raw_post(
        &sb.url(),
        "/api/v2/Group/getGroupAgentRelation/",
        None,
        r#"{"ssid":"sandbox-ssid","quick":true,"groupId":28}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("Mahipal singh"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_sandbox_stops_listening() {
    let sb = sandbox().await;
    let url = sb.url();
    let client = client_with(&url, token_auth(), hostile_config());
    bounded(client.group_members(g28())).await.expect("serves");
    drop(sb);
    // Give the accept loop and the pooled connection a moment to close.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let fresh = client_with(&url, token_auth(), hostile_config());
    let (r, took) = timed(fresh.group_members(g28())).await;
    assert!(
        matches!(
            r,
            Err(DeepCallError::Network {
                stage: NetworkStage::Connect,
                ..
            })
        ),
        "{r:?}"
    );
    within(took, deadline());
    // The pooled client fails too, as a typed error.
    let (r, took) = timed(client.group_members(g28())).await;
    assert!(matches!(r, Err(DeepCallError::Network { .. })), "{r:?}");
    within(took, deadline());
}
