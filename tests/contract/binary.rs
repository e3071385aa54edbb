//! The `deepcall-sandbox` binary: what it prints, that it serves, and how it
//! refuses bad arguments.

use std::process::Stdio;
use std::time::Duration;

use deepcall_desk::deepcall::group::GroupId;
use deepcall_desk::deepcall::DeepCallError;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

use crate::common::*;

const BIN: &str = env!("CARGO_BIN_EXE_deepcall-sandbox");

/// The port in `listening on http://127.0.0.1:PORT`, if the line is exactly that.
fn listening_port(line: &str) -> Option<u16> {
    let port = line.strip_prefix("listening on http://127.0.0.1:")?;
    if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    port.parse().ok().filter(|p| *p != 0)
}

/// A running `deepcall-sandbox`: its base URL, the lines it printed after
/// the first, and the process (killed when dropped).
struct Running {
    url: String,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    child: tokio::process::Child,
}

/// Starts the binary with `args` and reads its first line, which must be
/// exactly `listening on http://127.0.0.1:PORT`.
async fn start(args: &[&str]) -> Running {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the sandbox binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = next_line(&mut lines).await;
    let port = listening_port(&first).unwrap_or_else(|| {
        panic!("first line is not 'listening on http://127.0.0.1:PORT': {first:?}")
    });
    Running {
        url: format!("http://127.0.0.1:{port}"),
        lines,
        child,
    }
}

async fn next_line(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> String {
    tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("a line within 10 s")
        .expect("stdout readable")
        .expect("a line")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_prints_its_address_and_serves() {
    let Running { url, mut child, .. } =
        start(&["--listen", "127.0.0.1:0", "--large-group", "5"]).await;

    let client = client_with(&url, token_auth(), normal_config());
    let g = bounded(client.group_members(GroupId::new(28).unwrap()))
        .await
        .expect("the binary's sandbox answers");
    assert_eq!(g.members.len(), 3);
    let large = bounded(client.group_members(GroupId::new(9000).unwrap()))
        .await
        .expect("--large-group 5 adds group 9000");
    assert_eq!(large.members.len(), 5);

    child.kill().await.expect("killed");
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits after kill")
        .expect("waited");
    assert!(!status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_misbehaves_as_told() {
    let g28 = || GroupId::new(28).unwrap();

    // A rate limit of 2 in a minute: the third request gets 429. The
    // misbehaviour is named on the third line.
    let sb = start_saying(
        &[
            "--listen",
            "127.0.0.1:0",
            "--rate-limit",
            "2",
            "--rate-window-ms",
            "60000",
            "--seed",
            "7",
        ],
        "misbehaving: rate limit 2 per 60000 ms, 429s as json with Retry-After 1 s, seed 7",
    )
    .await;
    let client = client_with(&sb.url, token_auth(), normal_config());
    for _ in 0..2 {
        bounded(client.group_members(g28()))
            .await
            .expect("within the limit");
    }
    let err = bounded(client.group_members(g28())).await.unwrap_err();
    assert_eq!(
        err,
        DeepCallError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );

    // Every request a 5xx.
    let sb = start(&["--fail-5xx", "1", "--seed", "3"]).await;
    let client = client_with(&sb.url, token_auth(), normal_config());
    let err = bounded(client.group_members(g28())).await.unwrap_err();
    assert!(
        matches!(err, DeepCallError::HttpStatus { status } if (500..=504).contains(&status)),
        "{err:?}"
    );

    // Every connection dropped.
    let sb = start(&["--drop", "1"]).await;
    let client = client_with(&sb.url, token_auth(), normal_config());
    let err = bounded(client.group_members(g28())).await.unwrap_err();
    assert!(matches!(err, DeepCallError::Network { .. }), "{err:?}");

    // Slow, but answered.
    let sb = start(&["--delay-ms", "100..150"]).await;
    let client = client_with(&sb.url, token_auth(), normal_config());
    let (result, took) = timed(client.group_members(g28())).await;
    result.expect("answered");
    assert!(took >= Duration::from_millis(100), "{took:?}");
}

/// Starts the binary with `args` and checks that the line after the
/// credentials is `says`.
async fn start_saying(args: &[&str], says: &str) -> Running {
    let mut sb = start(args).await;
    assert!(next_line(&mut sb.lines).await.starts_with("credentials: "));
    assert_eq!(next_line(&mut sb.lines).await, says, "{args:?}");
    sb
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_refuses_in_the_shape_asked_for() {
    let sb = start_saying(
        &["--fail-429", "1", "--refusal", "json", "--retry-after", "2"],
        "misbehaving: 429 100%, 429s as json with Retry-After 2 s, seed 0",
    )
    .await;
    let a = raw_post_signed(
        &sb.url,
        "/api/v2/Group/getGroupAgentRelation",
        json!({"quick": true, "groupId": 28}),
    )
    .await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(
        a.body,
        r#"{"status":"error","message":"Too Many Requests","code":429}"#
    );
    assert_eq!(a.header("retry-after"), Some("2"));

    // A cap, gateway pages and a Retry-After date, all named.
    start_saying(
        &[
            "--max-in-flight",
            "3",
            "--fail-5xx",
            "0.5",
            "--refusal",
            "html",
            "--retry-after",
            "date+5",
            "--delay-ms",
            "80..120",
            "--seed",
            "4",
        ],
        "misbehaving: at most 3 in flight, 5xx 50%, delay 80..=120 ms, \
         429s as html with Retry-After a date 5 s ahead, seed 4",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_without_get_info_answers_404_with_a_page() {
    let sb = start_saying(
        &["--without", "Directory/getInfo", "--without", "Group/list"],
        "misbehaving: without Directory/getInfo, Group/list",
    )
    .await;
    let a = raw_post_signed(
        &sb.url,
        "/api/v2/Directory/getInfo",
        json!({"cn": "9876543210", "field": "all"}),
    )
    .await;
    assert_eq!(a.status, 404);
    assert_eq!(a.header("content-type"), Some("text/html"));
    assert!(
        a.body.contains("<title>404 Not Found</title>"),
        "{:?}",
        a.body
    );
    // The rest of the host is there.
    let client = client_with(&sb.url, token_auth(), normal_config());
    bounded(client.group_members(GroupId::new(28).unwrap()))
        .await
        .expect("the seed endpoint answers");
}

/// Runs the binary with `args`; returns (exit code, stderr).
async fn run_bad(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the sandbox binary starts");
    let mut stderr = String::new();
    let mut pipe = child.stderr.take().expect("piped stderr");
    let status = tokio::time::timeout(Duration::from_secs(10), async {
        pipe.read_to_string(&mut stderr).await.expect("stderr");
        child.wait().await.expect("waited")
    })
    .await
    .unwrap_or_else(|_| panic!("{args:?}: the binary did not exit within 10 s"));
    (status.code(), stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_exit_2_with_a_plain_message() {
    let cases: [(&[&str], &str); 22] = [
        (
            &["--large-group", "lots"],
            "--large-group: 'lots' is not a number",
        ),
        (&["--large-group"], "--large-group needs a number"),
        (
            &["--listen", "nowhere"],
            "--listen: 'nowhere' is not an address",
        ),
        (&["--listen"], "--listen needs an address"),
        (&["--bogus"], "unknown argument '--bogus'"),
        (
            &["--rate-limit", "0"],
            "--rate-limit: '0' is not a number of requests",
        ),
        (&["--rate-limit"], "--rate-limit needs a number"),
        (
            &["--rate-window-ms", "500"],
            "--rate-window-ms needs --rate-limit",
        ),
        (
            &["--rate-limit", "5", "--rate-window-ms", "0"],
            "--rate-window-ms: '0' is not a number of milliseconds from 1",
        ),
        (
            &["--fail-5xx", "1.5"],
            "--fail-5xx: '1.5' is not a probability from 0 to 1",
        ),
        (
            &["--drop", "often"],
            "--drop: 'often' is not a probability from 0 to 1",
        ),
        (
            &["--delay-ms", "200..20"],
            "--delay-ms: '200..20' ends before it starts",
        ),
        (
            &["--delay-ms", "soon"],
            "--delay-ms: 'soon' is not a number of milliseconds",
        ),
        (&["--seed", "-1"], "--seed: '-1' is not a whole number"),
        (
            &["--fail-429", "1.5"],
            "--fail-429: '1.5' is not a probability from 0 to 1",
        ),
        (&["--fail-429"], "--fail-429 needs a probability"),
        (
            &["--max-in-flight", "0"],
            "--max-in-flight: '0' is not a number of requests from 1",
        ),
        (
            &["--refusal", "xml"],
            "--refusal: 'xml' is not one of json, html, empty or text",
        ),
        (
            &["--retry-after", "soon"],
            "--retry-after: 'soon' is not a number of seconds from 0 to 86400, date+SECONDS or none",
        ),
        (
            &["--retry-after", "date+x"],
            "--retry-after: 'date+x' is not a number of seconds",
        ),
        (
            &["--without", "Group/delete"],
            "--without: 'Group/delete' is not an endpoint of the sandbox; it has Group/getGroupAgentRelation",
        ),
        (&["--without"], "--without needs an endpoint"),
    ];
    for (args, expected) in cases {
        let (code, stderr) = run_bad(args).await;
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr:?}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("RUST_BACKTRACE"), "{args:?}: {stderr}");
    }
    let (_, stderr) = run_bad(&["--bogus"]).await;
    assert!(stderr.contains("usage: deepcall-sandbox"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_refuses_to_listen_beyond_this_computer() {
    let (code, stderr) = run_bad(&["--listen", "0.0.0.0:0"]).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("only on this computer (127.0.0.1 or [::1]), not on 0.0.0.0"),
        "{stderr:?}"
    );
}
