//! Proxies: this computer's own addresses (the Sandbox, `http://127.0.0.1…`)
//! never go through one; real DeepCall hosts go through the proxy the
//! environment names.
//!
//! The proxy variables are read when the HTTP client is built, and setting
//! them inside this multi-threaded test process would race with the other
//! tests, so the real test runs in a child process of this same test binary,
//! alone. The dead proxies are set from the start; the recording proxy's
//! address is set by the child itself, once it holds the port (a port freed
//! by the parent could be taken meanwhile by another test's sandbox).

use std::process::Command;

use deepcall_desk::deepcall::group::GroupId;
use deepcall_desk::deepcall::{Auth, DeepCallError};
use deepcall_desk::secret::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::common::*;

const CHILD: &str = "proxy::in_a_process_with_proxy_variables";
const FAKE_PROXY_ENV: &str = "DEEPCALL_TEST_FAKE_PROXY";

#[test]
fn loopback_bypasses_the_proxy_and_real_hosts_use_it() {
    // A proxy that is not there, for plain http and for everything.
    let dead = closed_port_url();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            CHILD,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HTTP_PROXY", &dead)
        .env("http_proxy", &dead)
        .env("ALL_PROXY", &dead)
        .env("all_proxy", &dead)
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env(FAKE_PROXY_ENV, "1")
        .output()
        .expect("the test binary runs again");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the child failed:\n{text}");
    assert!(text.contains("1 passed"), "the child ran no test:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by loopback_bypasses_the_proxy_and_real_hosts_use_it, with proxy variables set"]
async fn in_a_process_with_proxy_variables() {
    assert!(
        std::env::var_os(FAKE_PROXY_ENV).is_some(),
        "started by the parent test"
    );
    assert!(std::env::var("HTTP_PROXY").is_ok() && std::env::var("ALL_PROXY").is_ok());
    // A proxy that only records what it is asked, for https; named before
    // any client is built (this process runs this one test).
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the fake proxy binds");
    let proxy_url = format!("http://{}", listener.local_addr().unwrap());
    std::env::set_var("HTTPS_PROXY", &proxy_url);
    std::env::set_var("https_proxy", &proxy_url);

    // The Sandbox answers although HTTP_PROXY and ALL_PROXY point nowhere.
    let sb = sandbox().await;
    let group = bounded(token_client(&sb).group_members(GroupId::new(28).unwrap()))
        .await
        .expect("loopback is reached directly, not through the proxy");
    assert_eq!(group.group.id, 28);

    // A real host goes through HTTPS_PROXY: the proxy is asked to CONNECT to it.
    let asked = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("the client comes");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                break;
            }
            head.push(byte[0]);
        }
        let _ = stream
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await;
        String::from_utf8_lossy(&head).into_owned()
    });
    let remote = client_with(
        "https://deepcall-desk-proxy-test.invalid",
        Auth::Token {
            user_id: USER.into(),
            token: Secret::new("tok-not-for-the-proxy"),
        },
        normal_config(),
    );
    let err = bounded(remote.group_members(GroupId::new(28).unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(err, DeepCallError::Network { .. }), "{err:?}");
    let head = bounded(asked).await.unwrap();
    assert!(
        head.starts_with("CONNECT deepcall-desk-proxy-test.invalid:443 "),
        "{head:?}"
    );
    assert!(!head.contains("tok-not-for-the-proxy"), "{head:?}");
}
