//! The sandbox: a real HTTP server that implements the DeepCall contract with
//! the seed data. It serves the contract and end-to-end tests, benchmarks,
//! the `deepcall-sandbox` binary and the app's Sandbox mode. No Tauri here.
//!
//! It is as strict as the vendor's docs: the same auth rule, every documented
//! validation with its code, "contact must exist", merge semantics. Tests can
//! also make it misbehave, one request at a time ([`Fault`]) or at random for
//! bulk runs ([`Misbehaviour`]), and read back every request it received with
//! what became of it ([`RecordedRequest::carried_out`], [`RecordedRequest::answer`]).
//!
//! Whether a request is carried out is decided, and done, when it arrives,
//! before anything is awaited, so it never depends on the client staying
//! connected (hyper drops a handler when its client goes away). The one
//! exception is [`Fault::Delay`], which waits first, as it always has.
//!
//! It can also be a host that lacks optional endpoints
//! ([`Options::switched_off`]), and one whose sign-in is revoked while
//! clients use it ([`Sandbox::revoke_sign_in`], [`Sandbox::set_token`]).

mod api;
mod docs;
mod misbehave;
mod refusal;
pub mod seed;

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

pub use api::endpoints;
pub use misbehave::{Misbehaviour, RateLimit};
pub use refusal::{RefusalBody, RefusalShape, RetryAfter};
pub use seed::{extra_contact, AgentRec, ContactRec, GroupRec, LARGE_GROUP_ID, USER_ID};

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
    /// Adds this many contacts, numbered from [`seed::FIRST_EXTRA_CONTACT`]
    /// (for bulk runs: DeepCall updates only contacts it has).
    pub contacts: usize,
    pub credentials: Credentials,
    /// How much of the request log is kept (the newest requests).
    pub log_limit: LogLimit,
    /// Misbehaviour from the start (none by default).
    pub misbehaviour: Misbehaviour,
    /// Endpoints this host does not have (`Module/action`, one of
    /// [`endpoints`], e.g. `Directory/getInfo`): see [`Sandbox::switch_off`].
    pub switched_off: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            large_group: None,
            contacts: 0,
            credentials: Credentials::default(),
            log_limit: LogLimit::default(),
            misbehaviour: Misbehaviour::default(),
            switched_off: Vec::new(),
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
///
/// Whether the request is carried out: not for [`Fault::ApiError`],
/// [`Fault::IgnoreRequest`], [`Fault::DropConnection`], [`Fault::RateLimited`],
/// [`Fault::TooManyInFlight`], [`Fault::ServerError`] and
/// `Hold { apply: false }`; for [`Fault::Delay`]
/// after the wait, if the client is still connected then; for every other
/// fault at once on arrival, after which the answer is lost, held or spoiled.
/// The request log says which ([`RecordedRequest::carried_out`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Wait this long, then carry the request out and answer normally. If
    /// the client goes away during the wait, it is not carried out.
    Delay(Duration),
    /// A proxy's HTML error page with HTTP 502 (after carrying it out).
    BadGatewayHtml,
    /// Close the connection without answering or carrying it out.
    DropConnection,
    /// Carry the request out, then close the connection without answering.
    DropAfterApplying,
    /// Withhold the answer until [`Sandbox::release_held`] (or shutdown).
    /// `apply: true` carries the request out at once on arrival, so the
    /// change is made while the client still waits ("the server applied it
    /// but the client never heard"); released, it gets the normal answer.
    /// `apply: false` never carries it out; released, it gets HTTP 504 with
    /// a gateway's page, as from a proxy that gave up waiting. Either way,
    /// what happens to the data does not depend on the client staying
    /// connected.
    Hold { apply: bool },
    /// HTTP 429 Too Many Requests, worded as [`Misbehaviour::refusal`]
    /// says; not carried out. The rate limit and the random 429s record it.
    RateLimited,
    /// The same 429, recorded for a request that arrived while
    /// [`Misbehaviour::max_in_flight`] requests were under way.
    TooManyInFlight,
    /// This HTTP status (500, 502, 503, 504) with a gateway's HTML page (a
    /// 503 with [`Misbehaviour::refusal`]'s `Retry-After`); not carried out.
    ServerError(u16),
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
    /// not carried out.
    ApiError { code: i64, message: String },
    /// Says success without carrying the request out, as a server that
    /// silently drops a change would.
    IgnoreRequest,
}

/// What the sandbox answered a request, as far as it knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Not answered yet: a wait is under way.
    Pending,
    /// Withheld by [`Fault::Hold`] until [`Sandbox::release_held`].
    Held,
    /// An answer with this HTTP status was handed to the connection (a
    /// dripped or very large body may still have been on its way).
    Status(u16),
    /// The sandbox closed the connection without answering (a fault).
    Dropped,
    /// Never answered: the client went away, or the sandbox shut down,
    /// while the answer waited.
    Unanswered,
}

/// One request as the sandbox received it, and what became of it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Its place in the order of logging (0 for the first), so that an
    /// entry can be told apart after older ones have left the log.
    pub seq: u64,
    pub at: SystemTime,
    pub method: String,
    /// e.g. `/api/v2/Group/getGroupAgentRelation`
    pub path: String,
    pub content_type: Option<String>,
    pub body: String,
    /// The body as JSON, when it was JSON.
    pub json: Option<Value>,
    /// The fault it met: set by a test, or drawn by [`Misbehaviour`].
    pub fault: Option<Fault>,
    /// The wait [`Misbehaviour::delay`] put before its answer (refusals
    /// included).
    pub slowed_by: Option<Duration>,
    /// Whether the sandbox carried it out and its API accepted it: for a
    /// change, the change was made (whatever then became of the answer).
    /// False when a fault stopped it first or the API refused it.
    pub carried_out: bool,
    /// The `code` of the DeepCall answer prepared for it (200, an error
    /// number, or an injected [`Fault::ApiError`]'s), when there was one.
    pub api_code: Option<i64>,
    pub answer: Answer,
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
    next_seq: u64,
}

impl RequestLog {
    /// Adds `request` under the next number, which it returns.
    fn push(&mut self, mut request: RecordedRequest) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        request.seq = seq;
        self.body_bytes += request.body.len();
        self.entries.push_back(request);
        while self.entries.len() > self.limit.requests || self.body_bytes > self.limit.body_bytes {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.body_bytes -= old.body.len();
        }
        seq
    }

    /// Changes entry `seq`, if it is still in the log.
    fn update(&mut self, seq: u64, change: impl FnOnce(&mut RecordedRequest)) {
        if let Ok(i) = self.entries.binary_search_by_key(&seq, |r| r.seq) {
            change(&mut self.entries[i]);
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
    }
}

/// The credentials the server accepts now.
struct SignIn {
    credentials: Credentials,
    /// Every credential is refused (error 1014) until
    /// [`Sandbox::set_token`] or [`Sandbox::set_ssid`].
    revoked: bool,
}

struct Shared {
    data: Mutex<Data>,
    log: Mutex<RequestLog>,
    /// Endpoints this host does not have (`Module/action`).
    switched_off: Mutex<Vec<String>>,
    /// Each fault with the endpoint it waits for (`None`: any).
    next_faults: Mutex<VecDeque<(Option<String>, Fault)>>,
    standing_fault: Mutex<Option<Fault>>,
    misbehaving: Mutex<misbehave::Misbehaving>,
    sign_in: Mutex<SignIn>,
    /// API requests under way: from their arrival until their answer is
    /// handed over (see [`Slot`]).
    in_flight: AtomicU32,
    /// Counts up on every change to the log, to wake those waiting on it.
    log_changed: watch::Sender<u64>,
    /// Counts up on every [`Sandbox::release_held`].
    releases: watch::Sender<u64>,
}

impl Shared {
    fn log(&self, request: RecordedRequest) -> u64 {
        let seq = lock(&self.log).push(request);
        self.log_changed.send_modify(|n| *n += 1);
        seq
    }

    fn update(&self, seq: u64, change: impl FnOnce(&mut RecordedRequest)) {
        lock(&self.log).update(seq, change);
        self.log_changed.send_modify(|n| *n += 1);
    }

    /// The luck of a request to `endpoint`: refused if it came over the cap
    /// on requests in flight (`admitted` false), else a test's queued or
    /// standing fault, else whatever misbehaviour draws; slowed as
    /// misbehaviour says either way.
    fn fault_for(&self, endpoint: &str, admitted: bool) -> misbehave::Luck {
        let set = if admitted {
            {
                let mut queue = lock(&self.next_faults);
                let mine = queue
                    .iter()
                    .position(|(only, _)| only.as_deref().is_none_or(|e| e == endpoint));
                mine.and_then(|i| queue.remove(i)).map(|(_, f)| f)
            }
            .or_else(|| lock(&self.standing_fault).clone())
        } else {
            Some(Fault::TooManyInFlight)
        };
        lock(&self.misbehaving).draw(Instant::now(), set)
    }

    /// Runs the request through the API.
    fn carry_out(&self, endpoint: &str, json: Option<Value>) -> Carried {
        if lock(&self.switched_off).iter().any(|e| e == endpoint) {
            return Carried::SwitchedOff;
        }
        let sign_in = lock(&self.sign_in);
        let credentials = (!sign_in.revoked).then_some(&sign_in.credentials);
        let mut data = lock(&self.data);
        match api::dispatch(&mut data, credentials, endpoint, json) {
            Some(answer) => Carried::Answered(answer),
            None => Carried::Unknown,
        }
    }

    /// A place among the requests in flight, if the cap leaves one.
    fn admit(self: &Arc<Self>) -> Option<Slot> {
        let cap = lock(&self.misbehaving).max_in_flight();
        // One atomic step from reading the count to taking the place: two
        // requests arriving together cannot both take the last one.
        self.in_flight
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                cap.is_none_or(|cap| n < cap).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(self.clone()))
    }
}

/// What the API made of a request.
enum Carried {
    Answered(Value),
    /// An endpoint this server has never had.
    Unknown,
    /// An endpoint this host lacks ([`Sandbox::switch_off`]).
    SwitchedOff,
}

/// A request's place among those in flight, given back when dropped: when
/// its answer is handed over (before the log says so, so that whoever sees
/// the answer finds the place free), or when it is never answered.
struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
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
        options
            .misbehaviour
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        if let Some(e) = options
            .switched_off
            .iter()
            .find(|e| !endpoints().any(|known| known == e.as_str()))
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "switched_off: '{e}' is not an endpoint of the sandbox ({})",
                    endpoints().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let seed = seed::seed(options.large_group, options.contacts);
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
                next_seq: 0,
            }),
            switched_off: Mutex::new(options.switched_off),
            next_faults: Mutex::new(VecDeque::new()),
            standing_fault: Mutex::new(None),
            misbehaving: Mutex::new(misbehave::Misbehaving::new(options.misbehaviour)),
            sign_in: Mutex::new(SignIn {
                credentials: options.credentials,
                revoked: false,
            }),
            in_flight: AtomicU32::new(0),
            log_changed: watch::Sender::new(0),
            releases: watch::Sender::new(0),
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

    /// Waits until a request to `endpoint` is in the log (at once if one
    /// already is); `false` if none came within `timeout`. An entry is
    /// logged only once its request has been carried out (or not), so after
    /// `true` the data already shows it.
    pub async fn wait_for_request(&self, endpoint: &str, timeout: Duration) -> bool {
        self.wait_for_log(timeout, |log| log.iter().any(|r| r.endpoint() == endpoint))
            .await
    }

    /// Waits until `done` holds for the request log (checked at once, then
    /// on every change to it); `false` if it did not within `timeout`.
    pub async fn wait_for_log(
        &self,
        timeout: Duration,
        done: impl Fn(&[RecordedRequest]) -> bool,
    ) -> bool {
        let mut changed = self.shared.log_changed.subscribe();
        let check = async {
            loop {
                // Checked in place, under the lock: no copy of the log.
                if done(lock(&self.shared.log).entries.make_contiguous()) {
                    return true;
                }
                if changed.changed().await.is_err() {
                    return false;
                }
            }
        };
        tokio::time::timeout(timeout, check).await.unwrap_or(false)
    }

    /// Answers every request held by [`Fault::Hold`] so far.
    pub fn release_held(&self) {
        self.shared.releases.send_modify(|n| *n += 1);
    }

    /// Replaces the misbehaviour (and restarts its generator from the new
    /// seed and its rate window from empty). `Misbehaviour::default()`
    /// switches it off. [`Sandbox::clear_faults`] leaves it alone.
    pub fn set_misbehaviour(&self, misbehaviour: Misbehaviour) -> std::io::Result<()> {
        misbehaviour
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        *lock(&self.shared.misbehaving) = misbehave::Misbehaving::new(misbehaviour);
        Ok(())
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

    /// Every API request gets this fault until [`Sandbox::clear_faults`]
    /// (misbehaviour then draws for none of them).
    pub fn fail_always(&self, fault: Fault) {
        *lock(&self.shared.standing_fault) = Some(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.next_faults).clear();
        *lock(&self.shared.standing_fault) = None;
    }

    /// Makes `endpoint` (e.g. `Group/list`, `Directory/getInfo`) answer as
    /// on a DeepCall host without it: HTTP 404 with the web server's HTML
    /// "Not Found" page, nothing carried out.
    pub fn switch_off(&self, endpoint: &str) {
        lock(&self.shared.switched_off).push(endpoint.to_owned());
    }

    /// Revokes the sign-in: from now on every API request is answered
    /// DeepCall's invalid-token error (HTTP 200, `status: "error"`, code
    /// 1014), whatever credentials it carries, as when a token expires or
    /// is replaced in the DeepCall panel; nothing is carried out.
    /// [`Sandbox::set_token`] or [`Sandbox::set_ssid`] accepts credentials again.
    pub fn revoke_sign_in(&self) {
        lock(&self.shared.sign_in).revoked = true;
    }

    /// Accepts `token` (with the same user ID) from now on, and no longer
    /// the old one, as after a manager makes a new token; ends a
    /// [`Sandbox::revoke_sign_in`].
    pub fn set_token(&self, token: &str) {
        let mut sign_in = lock(&self.shared.sign_in);
        sign_in.credentials.token = token.to_owned();
        sign_in.revoked = false;
    }

    /// Accepts session ID `ssid` from now on, and no longer the old one;
    /// ends a [`Sandbox::revoke_sign_in`].
    pub fn set_ssid(&self, ssid: &str) {
        let mut sign_in = lock(&self.shared.sign_in);
        sign_in.credentials.ssid = ssid.to_owned();
        sign_in.revoked = false;
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

    /// Per contact number: how many `Directory/update` requests the sandbox
    /// carried out (the proof that no row of a bulk run was applied twice).
    pub fn updates_carried_out(&self) -> std::collections::HashMap<String, usize> {
        let mut out = std::collections::HashMap::new();
        for r in self.requests_to("Directory/update") {
            let number = r.json.as_ref().and_then(|j| j["contact"].as_str());
            if let (true, Some(number)) = (r.carried_out, number) {
                *out.entry(number.to_owned()).or_default() += 1;
            }
        }
        out
    }

    /// How many requests to `endpoint` (e.g. `Directory/update`) the log
    /// holds that were carried out.
    pub fn requests_carried_out(&self, endpoint: &str) -> usize {
        lock(&self.shared.log)
            .entries
            .iter()
            .filter(|r| r.carried_out && r.endpoint() == endpoint)
            .count()
    }

    /// Adds a contact (or gives an existing one a fresh start): `number`,
    /// as DeepCall stores it, named `name`, neither VIP nor blacklisted.
    pub fn add_contact(&self, number: &str, name: &str) {
        let serde_json::Value::Object(contactinfo) = serde_json::json!({ "name": name }) else {
            unreachable!("a literal object")
        };
        let serde_json::Value::Object(other) =
            serde_json::json!({"totalcalls": 0, "source": 1, "vip": false, "blacklist": false})
        else {
            unreachable!("a literal object")
        };
        lock(&self.shared.data)
            .contacts
            .insert(number.to_owned(), seed::ContactRec { contactinfo, other });
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
    let api = method == "POST" && path.starts_with("/api/v2/");
    // Counted from arrival, before the body is read; `None` when over the
    // cap (and for other paths, which are not API requests).
    let slot = if api { shared.admit() } else { None };
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
    let mut record = RecordedRequest {
        seq: 0,
        at: SystemTime::now(),
        method,
        path,
        content_type,
        body,
        json: json.clone(),
        fault: None,
        slowed_by: None,
        carried_out: false,
        api_code: None,
        answer: Answer::Pending,
    };

    let refusal = match record.path.strip_prefix("/api/v2/") {
        None => Some((StatusCode::NOT_FOUND, "not found")),
        Some(_) if record.method != "POST" => Some((StatusCode::METHOD_NOT_ALLOWED, "use POST")),
        Some(_) => None,
    };
    if let Some((status, text)) = refusal {
        record.answer = Answer::Status(status.as_u16());
        shared.log(record);
        return plain(status, text);
    }
    let endpoint = record.endpoint().to_owned();
    let luck = shared.fault_for(&endpoint, slot.is_some());
    record.fault = luck.fault.clone();
    record.slowed_by = luck.slow;

    // Fault::Delay waits before the request is carried out, as it always
    // has; its wait is its only delay.
    if let Some(Fault::Delay(wait)) = luck.fault {
        record.slowed_by = None;
        let ticket = Ticket::new(&shared, record, slot);
        tokio::time::sleep(wait).await;
        let outcome = prepare(&shared, &endpoint, json, None, &luck.refusal);
        shared.update(ticket.seq, |r| {
            r.carried_out = outcome.carried_out;
            r.api_code = outcome.api_code;
        });
        return ticket.answer(outcome.reply, &kill).await;
    }

    // Everything else is decided, and carried out or not, here: no await
    // comes between the request's arrival and its effect on the data.
    let outcome = prepare(&shared, &endpoint, json, luck.fault.as_ref(), &luck.refusal);
    record.carried_out = outcome.carried_out;
    record.api_code = outcome.api_code;
    let held = matches!(luck.fault, Some(Fault::Hold { .. }));
    let mut releases = shared.releases.subscribe();
    if held {
        record.answer = Answer::Held;
    }
    // Logged after the data changed: whoever sees the entry sees the change.
    let ticket = Ticket::new(&shared, record, slot);
    if let Some(wait) = luck.slow {
        tokio::time::sleep(wait).await;
    }
    if held {
        // Any release from now on answers it (`subscribe` marked the count
        // as seen before the entry was logged, so none is missed).
        let _ = releases.changed().await;
    }
    ticket.answer(outcome.reply, &kill).await
}

/// What a request came to.
struct Outcome {
    carried_out: bool,
    api_code: Option<i64>,
    reply: Reply,
}

enum Reply {
    Send(Response<Body>),
    /// A refusal with this status in this shape, worded when handed over
    /// (so that a `Retry-After` date counts from then).
    Refuse(StatusCode, RefusalShape),
    /// Close the connection without answering.
    Drop,
}

/// Carries the request out unless `fault` stops it first, and makes the
/// answer `fault` calls for (a refusal shaped as `refusal` says). Never awaits.
fn prepare(
    shared: &Shared,
    endpoint: &str,
    json: Option<Value>,
    fault: Option<&Fault>,
    refusal: &RefusalShape,
) -> Outcome {
    let refused = |api_code, reply| Outcome {
        carried_out: false,
        api_code,
        reply,
    };
    match fault {
        // An injected DeepCall error refuses the request: nothing changes.
        Some(Fault::ApiError { code, message }) => {
            return refused(
                Some(*code),
                Reply::Send(json_response(
                    StatusCode::OK,
                    &serde_json::json!({"status": "error", "message": message, "code": code}),
                )),
            )
        }
        Some(Fault::IgnoreRequest) => {
            return refused(
                None,
                Reply::Send(json_response(
                    StatusCode::OK,
                    &serde_json::json!({"status": "success"}),
                )),
            )
        }
        Some(Fault::DropConnection) => return refused(None, Reply::Drop),
        Some(Fault::RateLimited | Fault::TooManyInFlight) => {
            return refused(
                None,
                Reply::Refuse(StatusCode::TOO_MANY_REQUESTS, refusal.clone()),
            );
        }
        Some(Fault::ServerError(status)) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return refused(None, Reply::Refuse(status, refusal.clone()));
        }
        Some(Fault::Hold { apply: false }) => {
            return refused(
                None,
                Reply::Refuse(StatusCode::GATEWAY_TIMEOUT, refusal.clone()),
            )
        }
        _ => {}
    }
    let answer = match shared.carry_out(endpoint, json) {
        Carried::Answered(answer) => answer,
        Carried::Unknown => {
            return refused(
                Some(404),
                Reply::Send(json_response(
                    StatusCode::NOT_FOUND,
                    &serde_json::json!({"status": "error", "code": 404, "message": "Not found"}),
                )),
            )
        }
        // A host without the endpoint: its web server answers, not DeepCall.
        Carried::SwitchedOff => {
            return refused(None, Reply::Send(refusal::page(StatusCode::NOT_FOUND)))
        }
    };
    let reply = match fault {
        Some(Fault::DropAfterApplying) => Reply::Drop,
        None | Some(Fault::Delay(_)) | Some(Fault::Hold { .. }) => {
            Reply::Send(json_response(StatusCode::OK, &answer))
        }
        // Every other fault loses or spoils the answer after the request was
        // carried out, as a broken proxy or connection does.
        Some(f) => Reply::Send(faulty(f.clone(), &answer)),
    };
    Outcome {
        carried_out: answer.get("status").and_then(Value::as_str) == Some("success"),
        api_code: answer.get("code").and_then(Value::as_i64),
        reply,
    }
}

/// A logged request whose answer is still to come. Dropped unanswered (the
/// client went away, or the sandbox shut down), it says so in the log.
struct Ticket {
    shared: Arc<Shared>,
    seq: u64,
    answered: bool,
    /// Its place among the requests in flight, if it took one.
    slot: Option<Slot>,
}

impl Ticket {
    fn new(shared: &Arc<Shared>, record: RecordedRequest, slot: Option<Slot>) -> Self {
        Self {
            seq: shared.log(record),
            shared: shared.clone(),
            answered: false,
            slot,
        }
    }

    async fn answer(mut self, reply: Reply, kill: &Notify) -> Response<Body> {
        self.answered = true;
        // Handed over now: the place is free before anyone can see the answer.
        self.slot = None;
        let response = match reply {
            Reply::Send(response) => response,
            Reply::Refuse(status, shape) => refusal::refusal(status, &shape, SystemTime::now()),
            Reply::Drop => {
                self.shared.update(self.seq, |r| r.answer = Answer::Dropped);
                kill.notify_one();
                return std::future::pending().await;
            }
        };
        let status = response.status().as_u16();
        self.shared
            .update(self.seq, |r| r.answer = Answer::Status(status));
        response
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.slot = None;
        if !self.answered {
            self.shared
                .update(self.seq, |r| r.answer = Answer::Unanswered);
        }
    }
}

fn faulty(fault: Fault, answer: &Value) -> Response<Body> {
    let full = serde_json::to_vec_pretty(answer).unwrap_or_default();
    match fault {
        Fault::BadGatewayHtml => refusal::page(StatusCode::BAD_GATEWAY),
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
        Fault::ApiError { .. }
        | Fault::IgnoreRequest
        | Fault::Delay(_)
        | Fault::DropConnection
        | Fault::DropAfterApplying
        | Fault::Hold { .. }
        | Fault::RateLimited
        | Fault::TooManyInFlight
        | Fault::ServerError(_) => json_response(StatusCode::OK, answer),
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
