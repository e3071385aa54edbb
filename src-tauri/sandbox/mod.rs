//! The sandbox: a real HTTP server that implements the DeepCall contract with
//! the seed data. It serves the contract and end-to-end tests, benchmarks,
//! the `deepcall-sandbox` binary and the app's Sandbox mode. No Tauri here.
//!
//! It is as strict as the vendor's docs: the same auth rule, every documented
//! validation with its code, "contact must exist", merge semantics. Tests can
//! also make it misbehave ([`Fault`]) and read back every request it received.

mod api;
mod docs;
pub mod seed;

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

pub use seed::{AgentRec, ContactRec, GroupRec, LARGE_GROUP_ID, USER_ID};

type Body = BoxBody<Bytes, std::io::Error>;

/// The credentials the sandbox accepts. Anything else gets error 1014.
#[derive(Clone)]
pub struct Credentials {
    pub ssid: String,
    pub user_id: String,
    pub token: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            ssid: "sandbox-ssid".into(),
            user_id: USER_ID.into(),
            token: "sandbox-token".into(),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Must be a loopback address: the sandbox's credentials are public.
    pub listen: SocketAddr,
    /// Adds group 9000 with this many members.
    pub large_group: Option<usize>,
    pub credentials: Credentials,
    /// How much of the request log is kept (the newest requests).
    pub log_limit: LogLimit,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            large_group: None,
            credentials: Credentials::default(),
            log_limit: LogLimit::default(),
        }
    }
}

/// The request log keeps the newest requests within both limits, so a
/// long-running sandbox (the app's Sandbox mode) cannot grow without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimit {
    pub requests: usize,
    /// The request bodies together.
    pub body_bytes: usize,
}

impl Default for LogLimit {
    fn default() -> Self {
        Self {
            requests: 2_000,
            body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// A way for the sandbox to misbehave, as real servers and proxies do.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// A proxy's HTML error page with HTTP 502.
    BadGatewayHtml,
    /// Close the connection without answering.
    DropConnection,
    /// HTTP 200 with an empty body.
    EmptyBody,
    /// HTTP 200 with the first half of a valid answer.
    TruncatedJson,
    /// HTTP 200 with well-formed JSON of the wrong types.
    WrongTypes,
    /// An answer of this many bytes; `announce` sets Content-Length.
    Oversize { bytes: usize, announce: bool },
    /// Send the answer one byte at a time, with this pause between bytes.
    Drip(Duration),
    /// A DeepCall error answer (HTTP 200, `status: "error"`); the request is
    /// not carried out. Every other fault lets the request take effect and
    /// then loses or spoils the answer.
    ApiError { code: i64, message: String },
    /// Says success without carrying the request out, as a server that
    /// silently drops a change would.
    IgnoreRequest,
}

/// One request as the sandbox received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub at: SystemTime,
    pub method: String,
    /// e.g. `/api/v2/Group/getGroupAgentRelation`
    pub path: String,
    pub content_type: Option<String>,
    pub body: String,
    /// The body as JSON, when it was JSON.
    pub json: Option<Value>,
}

impl RecordedRequest {
    /// The `Module/action` part of the path.
    pub fn endpoint(&self) -> &str {
        self.path
            .trim_start_matches("/api/v2/")
            .trim_end_matches('/')
    }
}

pub(crate) struct Data {
    pub agents: Vec<AgentRec>,
    pub groups: BTreeMap<u64, GroupRec>,
    pub contacts: BTreeMap<String, ContactRec>,
    pub custom_fields: Vec<String>,
    /// Whether the user holds the AGENT_TO_AGENT_CALL permission.
    pub agent_to_agent_call: bool,
}

/// The newest requests, within [`LogLimit`].
struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    body_bytes: usize,
    limit: LogLimit,
}

impl RequestLog {
    fn push(&mut self, request: RecordedRequest) {
        self.body_bytes += request.body.len();
        self.entries.push_back(request);
        while self.entries.len() > self.limit.requests || self.body_bytes > self.limit.body_bytes {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.body_bytes -= old.body.len();
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
    }
}

struct Shared {
    data: Mutex<Data>,
    log: Mutex<RequestLog>,
    /// Endpoints that answer as unknown ones do (`Module/action`).
    switched_off: Mutex<Vec<String>>,
    /// Each fault with the endpoint it waits for (`None`: any).
    next_faults: Mutex<VecDeque<(Option<String>, Fault)>>,
    standing_fault: Mutex<Option<Fault>>,
    credentials: Credentials,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test thread that panicked while holding a lock must not wedge the server.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// Set to true once to stop the server and every connection.
    shutdown: watch::Sender<bool>,
}

impl Sandbox {
    /// Binds and starts serving on the current tokio runtime. Refuses any
    /// address but loopback: the sandbox's credentials are public, so it
    /// must never be reachable from another computer.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        if !options.listen.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the sandbox listens only on this computer (127.0.0.1 or [::1]), not on {}",
                    options.listen.ip()
                ),
            ));
        }
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let seed = seed::seed(options.large_group);
        let shared = Arc::new(Shared {
            data: Mutex::new(Data {
                agents: seed.agents,
                groups: seed.groups,
                contacts: seed.contacts,
                custom_fields: seed.custom_fields,
                agent_to_agent_call: true,
            }),
            log: Mutex::new(RequestLog {
                entries: VecDeque::new(),
                body_bytes: 0,
                limit: options.log_limit,
            }),
            switched_off: Mutex::new(Vec::new()),
            next_faults: Mutex::new(VecDeque::new()),
            standing_fault: Mutex::new(None),
            credentials: options.credentials,
        });
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, shared.clone(), stopped));
        Ok(Self {
            addr,
            shared,
            shutdown,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base address a client uses.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far (the newest within [`LogLimit`]),
    /// oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).entries.iter().cloned().collect()
    }

    /// Requests to one `Module/action`, oldest first.
    pub fn requests_to(&self, endpoint: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.endpoint() == endpoint)
            .collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// The next API request gets this fault (queued after any already set).
    pub fn fail_next(&self, fault: Fault) {
        lock(&self.shared.next_faults).push_back((None, fault));
    }

    /// The next request to `endpoint` (e.g. `Group/submitAssignGroupToAgent`)
    /// gets this fault; other requests pass untouched.
    pub fn fail_next_on(&self, endpoint: &str, fault: Fault) {
        lock(&self.shared.next_faults).push_back((Some(endpoint.to_owned()), fault));
    }

    /// Every API request gets this fault until [`Sandbox::clear_faults`].
    pub fn fail_always(&self, fault: Fault) {
        *lock(&self.shared.standing_fault) = Some(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.next_faults).clear();
        *lock(&self.shared.standing_fault) = None;
    }

    /// Makes `endpoint` (e.g. `Group/list`) answer as an endpoint this
    /// server does not have, as a DeepCall host without it would.
    pub fn switch_off(&self, endpoint: &str) {
        lock(&self.shared.switched_off).push(endpoint.to_owned());
    }

    /// Grants or revokes the user's AGENT_TO_AGENT_CALL permission (error 1015).
    pub fn set_agent_to_agent_call(&self, allowed: bool) {
        lock(&self.shared.data).agent_to_agent_call = allowed;
    }

    /// A group's members as the server holds them: (agent id, receives calls).
    pub fn group_members(&self, id: u64) -> Option<Vec<(u64, bool)>> {
        lock(&self.shared.data)
            .groups
            .get(&id)
            .map(|g| g.members.clone())
    }

    /// A contact as the server holds it: `{contactinfo, other}`.
    pub fn contact(&self, number: &str) -> Option<Value> {
        lock(&self.shared.data)
            .contacts
            .get(number)
            .map(|c| serde_json::json!({"contactinfo": c.contactinfo, "other": c.other}))
    }

    pub fn shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stopped: watch::Receiver<bool>) {
    loop {
        let mut stop = stopped.clone();
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: pause instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        let mut stop = stopped.clone();
        tokio::spawn(async move {
            // Lets a request ask for its own connection to be cut.
            let kill = Arc::new(Notify::new());
            let service = {
                let kill = kill.clone();
                hyper::service::service_fn(move |req| {
                    let shared = shared.clone();
                    let kill = kill.clone();
                    async move { Ok::<_, Infallible>(handle(shared, kill, req).await) }
                })
            };
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        });
    }
}

const MAX_REQUEST_BYTES: usize = 1024 * 1024;

async fn handle(shared: Arc<Shared>, kill: Arc<Notify>, req: Request<Incoming>) -> Response<Body> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let content_type = req
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = match http_body_util::Limited::new(req.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, "request too large"),
    };
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice::<Value>(&bytes).ok();
    lock(&shared.log).push(RecordedRequest {
        at: SystemTime::now(),
        method: method.clone(),
        path: path.clone(),
        content_type,
        body,
        json: json.clone(),
    });

    let Some(endpoint) = path.strip_prefix("/api/v2/") else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let endpoint = endpoint.trim_end_matches('/');
    if method != "POST" {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }

    let fault = {
        let mut queue = lock(&shared.next_faults);
        let mine = queue
            .iter()
            .position(|(only, _)| only.as_deref().is_none_or(|e| e == endpoint));
        mine.and_then(|i| queue.remove(i)).map(|(_, f)| f)
    }
    .or_else(|| lock(&shared.standing_fault).clone());
    if let Some(fault) = &fault {
        match fault {
            Fault::Delay(d) => tokio::time::sleep(*d).await,
            Fault::DropConnection => {
                kill.notify_one();
                std::future::pending::<()>().await;
            }
            _ => {}
        }
    }

    // An injected DeepCall error refuses the request: nothing changes.
    if let Some(Fault::ApiError { code, message }) = &fault {
        return json_response(
            StatusCode::OK,
            &serde_json::json!({"status": "error", "message": message, "code": code}),
        );
    }
    if let Some(Fault::IgnoreRequest) = &fault {
        return json_response(StatusCode::OK, &serde_json::json!({"status": "success"}));
    }
    // Every other fault loses or spoils the answer after the request was
    // carried out, as a broken proxy or connection does.
    let switched_off = lock(&shared.switched_off).iter().any(|e| e == endpoint);
    let answer = if switched_off {
        None
    } else {
        let mut data = lock(&shared.data);
        api::dispatch(&mut data, &shared.credentials, endpoint, json)
    };
    let Some(answer) = answer else {
        return json_response(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"status": "error", "code": 404, "message": "Not found"}),
        );
    };
    match fault {
        None | Some(Fault::Delay(_)) | Some(Fault::DropConnection) => {
            json_response(StatusCode::OK, &answer)
        }
        Some(f) => faulty(f, &answer),
    }
}

fn faulty(fault: Fault, answer: &Value) -> Response<Body> {
    let full = serde_json::to_vec_pretty(answer).unwrap_or_default();
    match fault {
        Fault::BadGatewayHtml => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .header("content-type", "text/html")
            .body(full_body(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            ))
            .unwrap_or_else(|_| internal()),
        Fault::EmptyBody => Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "application/json; charset=utf-8")
            .body(full_body(Bytes::new()))
            .unwrap_or_else(|_| internal()),
        Fault::TruncatedJson => {
            let half = full[..full.len() / 2].to_vec();
            raw_json(StatusCode::OK, half)
        }
        Fault::WrongTypes => json_response(
            StatusCode::OK,
            &serde_json::json!({"status": "success", "code": 200,
                "response": {"groupData": "oops", "agentData": 5, "relationData": "x"}}),
        ),
        Fault::Oversize { bytes, announce } => {
            // A valid-looking JSON answer padded to `bytes`, sent in 64 KiB chunks.
            let head = br#"{"status":"success","code":200,"response":{"pad":""#.to_vec();
            let tail = br#""}}"#.to_vec();
            let pad = bytes.saturating_sub(head.len() + tail.len());
            let mut chunks: Vec<Bytes> = vec![Bytes::from(head)];
            let mut left = pad;
            while left > 0 {
                let n = left.min(64 * 1024);
                chunks.push(Bytes::from(vec![b'x'; n]));
                left -= n;
            }
            chunks.push(Bytes::from(tail));
            let total: usize = chunks.iter().map(Bytes::len).sum();
            let stream = futures_util::stream::iter(
                chunks
                    .into_iter()
                    .map(|c| Ok::<_, std::io::Error>(Frame::data(c))),
            );
            let mut builder = Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json");
            if announce {
                builder = builder.header("content-length", total);
            }
            builder
                .body(StreamBody::new(stream).boxed())
                .unwrap_or_else(|_| internal())
        }
        Fault::Drip(pause) => {
            let stream = futures_util::stream::unfold((full, 0usize), move |(buf, i)| async move {
                if i >= buf.len() {
                    return None;
                }
                if i > 0 {
                    tokio::time::sleep(pause).await;
                }
                let frame = Frame::data(Bytes::copy_from_slice(&buf[i..i + 1]));
                Some((Ok::<_, std::io::Error>(frame), (buf, i + 1)))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .body(StreamBody::new(stream).boxed())
                .unwrap_or_else(|_| internal())
        }
        Fault::ApiError { .. } | Fault::IgnoreRequest | Fault::Delay(_) | Fault::DropConnection => {
            json_response(StatusCode::OK, answer)
        }
    }
}

fn full_body(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

fn raw_json(status: StatusCode, bytes: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .header("access-control-allow-origin", "*")
        .body(full_body(bytes))
        .unwrap_or_else(|_| internal())
}

fn json_response(status: StatusCode, v: &Value) -> Response<Body> {
    raw_json(status, serde_json::to_vec(v).unwrap_or_default())
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(full_body(text))
        .unwrap_or_else(|_| internal())
}

fn internal() -> Response<Body> {
    let mut r = Response::new(full_body("internal error"));
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}
