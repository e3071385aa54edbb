//! Helpers shared by the contract tests: a sandbox per test, clients with
//! either kind of credentials, a raw HTTP/1.1 client on a bare `TcpStream`
//! (to send the vendor's examples exactly as they stand), a canned-answer
//! server for answers the sandbox cannot produce, and typed-error checks.

use std::fmt::Debug;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use deepcall_desk::deepcall::{
    ApiErrorKind, Auth, BaseUrl, Client, DeepCallError, Http, HttpConfig, Module,
};
use deepcall_desk::sandbox::{Misbehaviour, Options, Sandbox, USER_ID};
use deepcall_desk::secret::Secret;
use futures_util::FutureExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The sandbox's accepted credentials (see `sandbox::Credentials::default`).
pub const SSID: &str = "sandbox-ssid";
pub const TOKEN: &str = "sandbox-token";
pub const USER: &str = USER_ID;

/// No single call in this suite may take longer than this: a hang guard.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

/// Starts a fresh sandbox with the seed data on 127.0.0.1 and a free port.
pub async fn sandbox() -> Sandbox {
    Sandbox::start(Options::default())
        .await
        .expect("the sandbox starts")
}

/// Starts a fresh sandbox that misbehaves as told from the start.
pub async fn misbehaving(misbehaviour: Misbehaviour) -> Sandbox {
    Sandbox::start(Options {
        misbehaviour,
        ..Options::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Timeouts for well-behaved exchanges: generous, yet far below the guard.
pub fn normal_config() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(10),
        max_response_bytes: 16 * 1024 * 1024,
    }
}

/// Short timeouts and a small size cap, for hostile answers.
pub fn hostile_config() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_secs(1),
        max_response_bytes: 64 * 1024,
    }
}

pub fn token_auth() -> Auth {
    Auth::Token {
        user_id: USER.into(),
        token: Secret::new(TOKEN),
    }
}

pub fn ssid_auth() -> Auth {
    Auth::Session {
        ssid: Secret::new(SSID),
    }
}

pub fn client_with(url: &str, auth: Auth, config: HttpConfig) -> Client {
    let http = Http::new(config).expect("the HTTP client builds");
    let base = BaseUrl::parse(url).expect("a loopback http:// address is accepted");
    Client::new(http, base, auth)
}

/// A client that signs in with userId + token.
pub fn token_client(sb: &Sandbox) -> Client {
    client_with(&sb.url(), token_auth(), normal_config())
}

/// A client that signs in with a session id.
pub fn ssid_client(sb: &Sandbox) -> Client {
    client_with(&sb.url(), ssid_auth(), normal_config())
}

/// Runs `fut`, failing the test (instead of hanging it) after [`HANG_GUARD`].
pub async fn bounded<F: Future>(fut: F) -> F::Output {
    match tokio::time::timeout(HANG_GUARD, fut).await {
        Ok(v) => v,
        Err(_) => panic!("hang guard: the call took longer than {HANG_GUARD:?}"),
    }
}

/// Runs `fut` and returns its output with the time it took.
pub async fn timed<F: Future>(fut: F) -> (F::Output, Duration) {
    let start = Instant::now();
    let out = bounded(fut).await;
    (out, start.elapsed())
}

/// Runs one row of a table-driven test; if it fails, the failure message
/// starts with the row's name, then says what failed.
pub async fn row<F: Future<Output = ()>>(name: &str, check: F) {
    if let Err(failure) = AssertUnwindSafe(check).catch_unwind().await {
        let said = failure
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| failure.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        panic!("row “{name}”: {said}");
    }
}

/// Builds a JSON object body (for `Client::call`) from a `json!` literal.
pub fn obj(v: Value) -> serde_json::Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

// ---- typed-error checks ----------------------------------------------------

/// Asserts a DeepCall API refusal with this module, number and meaning, and
/// that what a manager reads is the plain sentence, without the number.
/// Returns the server's own message.
#[track_caller]
pub fn assert_api<T: Debug>(
    result: Result<T, DeepCallError>,
    module: Module,
    code: i64,
    kind: ApiErrorKind,
) -> String {
    let err = result.expect_err("DeepCall should have refused this");
    let DeepCallError::Api {
        module: m,
        code: c,
        kind: k,
        ref server_message,
    } = err
    else {
        panic!("expected an API error {module} {code} ({kind:?}), got {err:?}");
    };
    assert_eq!((m, c, k), (module, code, kind), "wrong API error: {err:?}");
    assert_eq!(err.api_kind(), Some(kind));
    assert_plain_words(&err);
    assert_eq!(err.to_string(), kind.plain_message());
    assert!(
        server_message.is_empty() || !err.to_string().contains(server_message.as_str()),
        "the server's own text is for engineers, not the main message: {err}"
    );
    server_message.clone()
}

/// `Display` is a sentence in plain words: no error number, no library noise.
#[track_caller]
pub fn assert_plain_words(err: &DeepCallError) {
    let text = err.to_string();
    assert!(text.len() > 10, "too short to help anyone: {text:?}");
    if let DeepCallError::Api { code, .. } = err {
        assert!(
            !text.contains(&code.to_string()),
            "the message shows the error number: {text:?}"
        );
        assert!(
            !text.chars().any(|c| c.is_ascii_digit()),
            "the message shows a number: {text:?}"
        );
    }
    for noise in ["reqwest", "hyper", "serde", "Error {", "kind:", "os error"] {
        assert!(!text.contains(noise), "library noise {noise:?} in {text:?}");
    }
}

/// Asserts that the client refused `field` itself, before sending anything.
#[track_caller]
pub fn assert_invalid_input<T: Debug>(result: Result<T, DeepCallError>, field: &str) {
    match result {
        Err(ref e @ DeepCallError::InvalidInput { field: ref f, .. }) => {
            assert_eq!(f, field, "wrong field in {e:?}");
            assert_plain_words(e);
        }
        other => panic!("expected the client to refuse '{field}', got {other:?}"),
    }
}

// ---- a raw HTTP/1.1 client, as curl would send --------------------------

/// One raw answer.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawAnswer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// POSTs `body` to `{url}{path}` over a bare TCP connection with exactly the
/// headers curl sends, plus `Content-Type` when given. Returns (status, body).
pub async fn raw_post(
    url: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, String) {
    let a = raw_post_full(url, path, content_type, body).await;
    (a.status, a.body)
}

/// [`raw_post`], with the body read as JSON.
pub async fn raw_post_json(
    url: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let a = raw_post_full(url, path, content_type, body).await;
    (a.status, a.json())
}

/// [`raw_post`], with the headers too.
pub async fn raw_post_full(
    url: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> RawAnswer {
    let host = url
        .strip_prefix("http://")
        .expect("raw_post speaks plain http only")
        .trim_end_matches('/');
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
    );
    if let Some(ct) = content_type {
        request.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    request.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    request.push_str(body);

    let exchange = async {
        let mut stream = TcpStream::connect(host).await.expect("connects");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("request sent");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).await.expect("answer read");
        bytes
    };
    let bytes = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the raw exchange finished within 10 s");
    parse_raw_answer(&bytes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_raw_answer(bytes: &[u8]) -> RawAnswer {
    let split = find(bytes, b"\r\n\r\n").expect("an HTTP head");
    let head = std::str::from_utf8(&bytes[..split]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &bytes[split + 4..];
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let body = if chunked {
        dechunk(rest)
    } else if let Some(n) = length {
        assert!(rest.len() >= n, "the body was cut short");
        rest[..n].to_vec()
    } else {
        rest.to_vec()
    };
    RawAnswer {
        status,
        headers,
        body: String::from_utf8(body).expect("a UTF-8 body"),
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = find(rest, b"\r\n").expect("a chunk size line");
        let size_text = std::str::from_utf8(&rest[..eol]).expect("ASCII chunk size");
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).expect("a hex chunk size");
        rest = &rest[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

// ---- servers that are not DeepCall -----------------------------------------

/// A raw JSON body: the `sign_in` fields, plus `extra`.
pub fn signed_body(sign_in: Value, extra: Value) -> String {
    let mut body = obj(sign_in);
    body.extend(obj(extra));
    Value::Object(body).to_string()
}

/// POSTs `extra`, signed in with the session ID, to `{url}{path}`, raw.
pub async fn raw_post_signed(url: &str, path: &str, extra: Value) -> RawAnswer {
    let body = signed_body(serde_json::json!({"ssid": SSID}), extra);
    bounded(raw_post_full(url, path, None, &body)).await
}

/// Asserts a raw DeepCall error answer: HTTP 200, status error, this code,
/// and a message.
#[track_caller]
pub fn assert_raw_error((status, answer): (u16, Value), code: i64) {
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "error", "{answer}");
    assert_eq!(answer["code"], code, "{answer}");
    assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
}

/// A server that answers every request with these exact bytes, then closes.
/// Returns its base URL. It lives as long as the test's runtime.
pub async fn canned_server(answer: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                // Read the whole request first, so closing does not reset it.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let mut needed = None;
                while needed.is_none_or(|n| buf.len() < n) {
                    let Ok(n) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if needed.is_none() {
                        if let Some(split) = find(&buf, b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            needed = Some(split + 4 + length);
                        }
                    }
                }
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}

/// An HTTP/1.1 answer with this status line, content type and body.
pub fn http_answer(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A loopback URL on which nothing listens (the port was just released).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let addr = listener.local_addr().expect("has an address");
    drop(listener);
    format!("http://{addr}")
}
