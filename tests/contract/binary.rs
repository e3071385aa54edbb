//! The `deepcall-sandbox` binary: what it prints, that it serves, and how it
//! refuses bad arguments.

use std::process::Stdio;
use std::time::Duration;

use deepcall_desk::deepcall::group::GroupId;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_prints_its_address_and_serves() {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--large-group", "5"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the sandbox binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("the first line within 10 s")
        .expect("stdout readable")
        .expect("a first line");
    let port = listening_port(&first).unwrap_or_else(|| {
        panic!("first line is not 'listening on http://127.0.0.1:PORT': {first:?}")
    });
    let url = format!("http://127.0.0.1:{port}");

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
    let cases: [(&[&str], &str); 5] = [
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
