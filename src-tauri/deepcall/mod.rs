//! The DeepCall API client. No Tauri here: this is plain async Rust, tested
//! against the sandbox server over real HTTP.
//!
//! Every call is `POST {base}/api/v2/<Module>/<action>` with a JSON body that
//! carries the credentials; success is decided by the body's `status`, never
//! by the HTTP status alone.

pub mod check;
pub mod directory;
pub mod error;
pub mod group;
mod request_body;
pub mod retry_after;
pub mod server_text;
pub mod wire;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use url::Url;
use zeroize::Zeroizing;

pub use check::{CheckOutcome, ConnectionCheck};
pub use error::{ApiErrorKind, DeepCallError, Module, NetworkStage};

use crate::secret::Secret;
use crate::wiped;

/// The vendor's default public host (also the account form's starting
/// address, through the generated bindings).
pub const DEFAULT_HOST: &str = "https://v4-api.deepcall.com";

/// How the shared HTTP client behaves.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// The whole exchange, body included.
    pub timeout: Duration,
    /// Answers larger than this are refused.
    pub max_response_bytes: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_response_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The HTTP clients shared by every account: connection pools, timeouts,
/// user agent and rustls set up once.
///
/// Two clients, because where a request goes decides how it may travel:
/// - `remote`, for real DeepCall hosts: https only, and through the proxy
///   the environment names (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
///   `NO_PROXY`, upper or lower case; on Windows and macOS also the
///   system's proxy settings);
/// - `local`, for this computer (the Sandbox, `http://127.0.0.1…`): never
///   through a proxy, so a company proxy cannot break or see it.
///
/// Neither follows a redirect: DeepCall carries the credentials in the
/// request body, so a forwarded POST would hand them to whatever host the
/// `Location` names. A 3xx answer is an error that names that address.
#[derive(Debug, Clone)]
pub struct Http {
    remote: reqwest::Client,
    local: reqwest::Client,
    config: HttpConfig,
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Self, DeepCallError> {
        let builder = || {
            reqwest::Client::builder()
                .user_agent(concat!("DeepCallDesk/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(config.connect_timeout)
                .timeout(config.timeout)
                .redirect(reqwest::redirect::Policy::none())
        };
        let built = |b: reqwest::ClientBuilder| {
            b.build().map_err(|e| DeepCallError::Network {
                stage: NetworkStage::Connect,
                detail: format!("could not set up the HTTP client: {}", error_chain(&e)),
            })
        };
        Ok(Self {
            remote: built(builder().https_only(true))?,
            local: built(builder().no_proxy())?,
            config,
        })
    }

    fn client_for(&self, base: &BaseUrl) -> &reqwest::Client {
        if base.is_loopback() {
            &self.local
        } else {
            &self.remote
        }
    }
}

/// A DeepCall brand host, checked: https, or http only on this computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Reads what a manager typed: `v4-api.deepcall.com`, `https://brand.example/`,
    /// or `http://127.0.0.1:8080` for the sandbox.
    pub fn parse(input: &str) -> Result<Self, DeepCallError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DeepCallError::InvalidAddress {
                reason: "it is empty".into(),
            });
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let mut url = Url::parse(&with_scheme).map_err(|e| DeepCallError::InvalidAddress {
            reason: format!("{e}"),
        })?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| DeepCallError::InvalidAddress {
                reason: "it has no host name".into(),
            })?
            .to_owned();
        if !url.username().is_empty() || url.password().is_some() {
            return Err(DeepCallError::InvalidAddress {
                reason: "it must not contain a user name or password".into(),
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(DeepCallError::InvalidAddress {
                reason: "it must not contain '?' or '#'".into(),
            });
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => return Err(DeepCallError::InsecureAddress { host }),
            other => {
                return Err(DeepCallError::InvalidAddress {
                    reason: format!("'{other}' is not a web address scheme"),
                })
            }
        }
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// Whether this is an address on this computer (only those may be http).
    pub fn is_loopback(&self) -> bool {
        self.0.host_str().is_some_and(is_loopback)
    }

    pub fn endpoint(&self, module: Module, action: &str) -> String {
        format!("{}/api/v2/{}/{}", self.as_str(), module.as_str(), action)
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// How a request proves who it is: a session id, or a user id with a token.
/// Never both in one body.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    Session { ssid: Secret },
    Token { user_id: String, token: Secret },
}

impl Auth {
    fn secret(&self) -> &Secret {
        match self {
            Auth::Session { ssid } => ssid,
            Auth::Token { token, .. } => token,
        }
    }
}

/// A DeepCall account's client: shared HTTP, a checked base address, credentials.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    base: BaseUrl,
    auth: Auth,
}

impl Client {
    pub fn new(http: Http, base: BaseUrl, auth: Auth) -> Self {
        Self { http, base, auth }
    }

    /// Sends one call and returns the answer's JSON object when its `status`
    /// says success. Every other outcome is a typed [`DeepCallError`].
    /// Each call is logged: module, endpoint, outcome and duration, and for
    /// a failure the detail the manager is not shown (never a body).
    pub async fn call(
        &self,
        module: Module,
        action: &str,
        body: Map<String, Value>,
    ) -> Result<Map<String, Value>, DeepCallError> {
        self.call_with(module, action, body, |status, bytes| {
            parse_envelope(module, status, bytes)
        })
        .await
    }

    /// [`Client::call`], with the answer (its HTTP status and its bytes, the
    /// secret scrubbed out) read by `read`.
    async fn call_with<R>(
        &self,
        module: Module,
        action: &str,
        body: Map<String, Value>,
        read: impl FnOnce(u16, &[u8]) -> Result<R, DeepCallError>,
    ) -> Result<R, DeepCallError> {
        let started = Instant::now();
        let result = self.exchange(module, action, body, read).await;
        let ms = started.elapsed().as_millis();
        match &result {
            Ok(_) => tracing::info!(
                host = self.base.as_str(),
                "DeepCall {module}/{action}: ok in {ms} ms"
            ),
            Err(e) => tracing::warn!(
                host = self.base.as_str(),
                "DeepCall {module}/{action}: failed in {ms} ms: {}",
                engineer_detail(e)
            ),
        }
        result
    }

    async fn exchange<R>(
        &self,
        module: Module,
        action: &str,
        body: Map<String, Value>,
        read: impl FnOnce(u16, &[u8]) -> Result<R, DeepCallError>,
    ) -> Result<R, DeepCallError> {
        // Wiped once reqwest drops it (see `request_body` for what is not).
        let payload = request_body::request_body(&body, &self.auth).map_err(|e| {
            DeepCallError::invalid_input("request", format!("could not encode the request: {e}"))
        })?;
        let url = self.base.endpoint(module, action);
        let config = &self.http.config;
        let seconds = config.timeout.as_secs().max(1);
        // reqwest's own timeout covers the whole exchange; this outer one is a
        // backstop so that no server, however it drips, can hold a call longer.
        let exchange = async {
            let response = self
                .http
                .client_for(&self.base)
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(payload)
                .send()
                .await
                .map_err(|e| transport_error(e, seconds))?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after::parse(v, std::time::SystemTime::now()));
            if response.status().is_redirection() {
                let to = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| forwarded_base(&url, l));
                return Err(DeepCallError::Redirected { status, to });
            }
            let bytes = match read_capped(response, config.max_response_bytes, seconds).await {
                // "Slow down" was said by the status, body or no body.
                Err(_) if status == TOO_MANY_REQUESTS => {
                    return Err(DeepCallError::RateLimited { retry_after })
                }
                read => read?,
            };
            Ok::<_, DeepCallError>((status, retry_after, bytes))
        };
        let (status, retry_after, bytes) =
            match tokio::time::timeout(config.timeout + Duration::from_secs(1), exchange).await {
                Ok(result) => result.map_err(|e| self.scrub(e))?,
                Err(_) => return Err(DeepCallError::Timeout { seconds }),
            };
        // A server that echoes the secret back (in a field, a name, an error
        // message) must not carry it any further than this; the answer as it
        // came is wiped when `bytes` is dropped.
        let bytes = self.auth.secret().scrub_json_bytes(&bytes);
        read(status, &bytes).map_err(|e| match e {
            DeepCallError::RateLimited { .. } => DeepCallError::RateLimited { retry_after },
            e => self.scrub(e),
        })
    }

    /// [`Client::call`], with the answer's `response` read as `T`
    /// (see [`read_response`]).
    pub async fn call_for<T: serde::de::DeserializeOwned>(
        &self,
        module: Module,
        action: &str,
        body: Map<String, Value>,
    ) -> Result<T, DeepCallError> {
        let response = self
            .call_with(module, action, body, |status, bytes| {
                read_response(module, status, bytes)
            })
            .await?;
        // The parser's words quote the server's values, which may echo the
        // secret in a form the byte scrub in `call` cannot see (escaped).
        response.map_err(|e| {
            let e = self.scrub(e);
            tracing::warn!(
                host = self.base.as_str(),
                "DeepCall {module}/{action}: answer not understood: {}",
                engineer_detail(&e)
            );
            e
        })
    }

    /// Makes sure no server text in an error carries the secret, or runs
    /// longer than [`server_text::MAX_CHARS`]: every error of a call passes
    /// here before it is logged, kept in History or shown. Scrubbed before it
    /// is cut, so that no part of a secret is left at the cut.
    fn scrub(&self, e: DeepCallError) -> DeepCallError {
        let secret = self.auth.secret();
        let keep = |text: &str| server_text::bounded(&secret.scrub(text));
        match e {
            DeepCallError::Api {
                module,
                code,
                kind,
                server_message,
            } => DeepCallError::Api {
                module,
                code,
                kind,
                server_message: keep(&server_message),
            },
            DeepCallError::Redirected { status, to } => DeepCallError::Redirected {
                status,
                to: to
                    .filter(|t| secret.scrub(t) == *t)
                    .map(|t| server_text::bounded(&t)),
            },
            DeepCallError::UnexpectedAnswer { detail } => DeepCallError::UnexpectedAnswer {
                detail: keep(&detail),
            },
            DeepCallError::Network { stage, detail } => DeepCallError::Network {
                stage,
                detail: keep(&detail),
            },
            other => other,
        }
    }
}

/// What an engineer needs to know about a failed call, for the log: the
/// server's own message, the network stage, the parser's words. Never shown
/// to the manager, who reads the error's plain `Display`. Every variant is
/// named, so that a new one does not compile until its detail is decided.
fn engineer_detail(e: &DeepCallError) -> String {
    match e {
        DeepCallError::Api {
            code,
            kind,
            server_message,
            ..
        } => format!("DeepCall error {code} ({kind:?}): {server_message:?}"),
        DeepCallError::Network { stage, detail } => format!("network, {stage:?} stage: {detail}"),
        DeepCallError::Timeout { seconds } => format!("no answer within {seconds} s"),
        DeepCallError::ResponseTooLarge { limit_bytes } => {
            format!("answer larger than {limit_bytes} bytes")
        }
        DeepCallError::HttpStatus { status } => format!("HTTP {status} without a DeepCall answer"),
        DeepCallError::RateLimited { retry_after } => match retry_after {
            Some(wait) => format!("rate limited, Retry-After {} ms", wait.as_millis()),
            None => "rate limited, no Retry-After".into(),
        },
        DeepCallError::NotOffered { status } => format!("HTTP {status}: endpoint not offered"),
        DeepCallError::NotDeepCall { what } => format!("not DeepCall data: {what}"),
        DeepCallError::UnexpectedAnswer { detail } => format!("unexpected answer: {detail}"),
        DeepCallError::Redirected { status, to } => {
            format!(
                "HTTP {status} redirect to {}",
                to.as_deref().unwrap_or("(not shown)")
            )
        }
        DeepCallError::NotApplied => "accepted but not applied on reading again".into(),
        DeepCallError::InvalidAddress { .. }
        | DeepCallError::InsecureAddress { .. }
        | DeepCallError::InvalidInput { .. } => e.to_string(),
    }
}

/// The address to show for a redirect's `Location`: resolved against the
/// request, only scheme, host, port and a path prefix (DeepCall's own
/// `/api/v2/Module/action` removed), never a query. `None` when it is not a
/// web address.
fn forwarded_base(request_url: &str, location: &str) -> Option<String> {
    let target = Url::parse(request_url).ok()?.join(location.trim()).ok()?;
    if !matches!(target.scheme(), "http" | "https") {
        return None;
    }
    let host = target.host_str()?;
    let mut shown = format!("{}://{}", target.scheme(), host);
    if let Some(port) = target.port() {
        shown.push_str(&format!(":{port}"));
    }
    let path = target.path();
    let prefix = path.find("/api/v2/").map_or(path, |i| &path[..i]);
    shown.push_str(prefix.trim_end_matches('/'));
    // Keep it readable: a very long address is not something to retype.
    (shown.len() <= 200).then_some(shown)
}

fn transport_error(e: reqwest::Error, seconds: u64) -> DeepCallError {
    if e.is_timeout() {
        return DeepCallError::Timeout { seconds };
    }
    let stage = if e.is_connect() {
        NetworkStage::Connect
    } else {
        NetworkStage::Exchange
    };
    DeepCallError::Network {
        stage,
        detail: error_chain(&e),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The answer's bytes, in a buffer wiped when dropped: a server may echo
/// the secret in it. hyper's own read buffers, which the chunks come from,
/// are its to reuse or free.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
    seconds: u64,
) -> Result<Zeroizing<Vec<u8>>, DeepCallError> {
    let announced = response.content_length();
    if announced.is_some_and(|n| n > cap as u64) {
        return Err(DeepCallError::ResponseTooLarge { limit_bytes: cap });
    }
    // Room for the whole answer at once when its length is announced (a
    // large group's is 1.5 MB), not doubled into as it arrives.
    let mut bytes = Zeroizing::new(Vec::with_capacity(announced.map_or(0, |n| n as usize)));
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(e, seconds))?
    {
        if bytes.len() + chunk.len() > cap {
            return Err(DeepCallError::ResponseTooLarge { limit_bytes: cap });
        }
        wiped::extend(&mut bytes, &chunk);
    }
    Ok(bytes)
}

/// Decides what an answer means. Public so that unit tests and the benchmark
/// can feed it the vendor's literal examples.
pub fn parse_envelope(
    module: Module,
    http_status: u16,
    bytes: &[u8],
) -> Result<Map<String, Value>, DeepCallError> {
    // "Slow down" is said by the HTTP status, whatever the body holds: a
    // JSON error envelope, a web page or nothing at all.
    if http_status == TOO_MANY_REQUESTS {
        return Err(DeepCallError::RateLimited { retry_after: None });
    }
    let ok_http = (200..300).contains(&http_status);
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(if ok_http {
            DeepCallError::NotDeepCall {
                what: "the answer was empty".into(),
            }
        } else {
            http_error(http_status)
        });
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            if !ok_http {
                return Err(http_error(http_status));
            }
            let what = if trimmed.starts_with('<') {
                "a web page came back instead"
            } else if e.is_eof() {
                "the answer was cut off"
            } else {
                "the answer was not JSON"
            };
            return Err(DeepCallError::NotDeepCall { what: what.into() });
        }
    };
    let Value::Object(obj) = value else {
        return Err(if ok_http {
            DeepCallError::NotDeepCall {
                what: "the answer was not a JSON object".into(),
            }
        } else {
            http_error(http_status)
        });
    };
    let status = obj
        .get("status")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_lowercase());
    match status.as_deref() {
        Some("success") => Ok(obj),
        Some(_) => {
            let code = obj.get("code").and_then(wire::int_from_value).unwrap_or(0);
            if code == i64::from(TOO_MANY_REQUESTS) {
                return Err(DeepCallError::RateLimited { retry_after: None });
            }
            // A "not found" page in DeepCall's shape, without one of its
            // own error numbers, is still the host saying it has no such
            // endpoint.
            if is_not_offered(http_status) && (code == 0 || code == i64::from(http_status)) {
                return Err(DeepCallError::NotOffered {
                    status: http_status,
                });
            }
            let message = obj
                .get("message")
                .and_then(wire::text_from_value)
                .unwrap_or_default();
            Err(DeepCallError::api(module, code, message))
        }
        None if !ok_http => Err(http_error(http_status)),
        None => Err(DeepCallError::NotDeepCall {
            what: "the answer had no status".into(),
        }),
    }
}

const TOO_MANY_REQUESTS: u16 = 429;

/// Statuses with which a host says it has no such endpoint.
fn is_not_offered(status: u16) -> bool {
    matches!(status, 404 | 405 | 501)
}

/// An error status that came without a DeepCall answer.
fn http_error(status: u16) -> DeepCallError {
    if is_not_offered(status) {
        DeepCallError::NotOffered { status }
    } else {
        DeepCallError::HttpStatus { status }
    }
}

/// Reads an answer's `response` as `T`: what [`Client::call_for`] does with
/// the bytes that came back (public for the benchmark). The outer result is
/// [`parse_envelope`]'s verdict on the answer, the inner one reading
/// `response` as `T` ([`response_as`]).
///
/// A success answer is read straight from its bytes, in one pass and without
/// building a [`Value`] of it. Anything that pass does not take (another
/// status, no `response`, a `response` that is not a `T`, a key twice, not a
/// JSON object) goes the [`Value`] way instead, so every error, and every
/// answer the fast pass refuses, comes out exactly as from
/// [`parse_envelope`] and [`response_as`].
pub fn read_response<T: serde::de::DeserializeOwned>(
    module: Module,
    http_status: u16,
    bytes: &[u8],
) -> Result<Result<T, DeepCallError>, DeepCallError> {
    match read_success(bytes).filter(|_| http_status != TOO_MANY_REQUESTS) {
        Some(response) => Ok(Ok(response)),
        None => parse_envelope(module, http_status, bytes).map(response_as),
    }
}

/// The fast pass of [`read_response`]: `None` for anything but a success.
fn read_success<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    use serde::Deserialize;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let Success(response) = Success::deserialize(wire::Checked(&mut de)).ok()?;
    de.end().ok()?;
    Some(response)
}

/// A success answer's `response`: a JSON object whose `status` is "success"
/// (trimmed, any case) and whose `response` reads as `T`, each key once.
struct Success<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Success<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A map only: a derived struct would also take a JSON array.
        d.deserialize_map(SuccessVisitor(std::marker::PhantomData))
    }
}

struct SuccessVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for SuccessVisitor<T> {
    type Value = Success<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a DeepCall success answer")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::{Error, IgnoredAny};
        let mut success = false;
        let mut response = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            match &*key {
                "status" if success => return Err(A::Error::duplicate_field("status")),
                "status" => {
                    let status = map.next_value::<std::borrow::Cow<str>>()?;
                    if !status.trim().eq_ignore_ascii_case("success") {
                        return Err(A::Error::custom("not a success"));
                    }
                    success = true;
                }
                "response" if response.is_some() => {
                    return Err(A::Error::duplicate_field("response"))
                }
                "response" => response = Some(map.next_value::<T>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (success, response) {
            (true, Some(response)) => Ok(Success(response)),
            _ => Err(A::Error::custom("not a success answer with a response")),
        }
    }
}

/// Takes `response` out of a success answer and reads it as `T`: the way
/// [`read_response`] takes when its fast pass does not (public so that the
/// two ways can be checked against each other).
pub fn response_as<T: serde::de::DeserializeOwned>(
    mut answer: Map<String, Value>,
) -> Result<T, DeepCallError> {
    let response = answer
        .remove("response")
        .ok_or_else(|| DeepCallError::UnexpectedAnswer {
            detail: "it had no 'response'".into(),
        })?;
    serde_json::from_value(response).map_err(|e| DeepCallError::UnexpectedAnswer {
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            BaseUrl::parse("v4-api.deepcall.com").unwrap().as_str(),
            "https://v4-api.deepcall.com"
        );
        assert_eq!(
            BaseUrl::parse(" https://brand.example/ ").unwrap().as_str(),
            "https://brand.example"
        );
        assert_eq!(
            BaseUrl::parse("https://brand.example/prefix/")
                .unwrap()
                .as_str(),
            "https://brand.example/prefix"
        );
        for ok in [
            "http://127.0.0.1:9",
            "http://localhost:8080",
            "http://[::1]:80",
        ] {
            assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
        }
        assert!(matches!(
            BaseUrl::parse("http://v4-api.deepcall.com"),
            Err(DeepCallError::InsecureAddress { .. })
        ));
        assert!(matches!(
            BaseUrl::parse("http://192.168.1.5"),
            Err(DeepCallError::InsecureAddress { .. })
        ));
        for bad in [
            "",
            "ftp://x.example",
            "https://u:p@x.example",
            "https://x.example/?a=1",
        ] {
            assert!(
                matches!(
                    BaseUrl::parse(bad),
                    Err(DeepCallError::InvalidAddress { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn envelope_status_decides_not_http() {
        let err = parse_envelope(
            Module::Group,
            200,
            br#"{"status":"error","message":"Group not found or not authorized","code":1503}"#,
        )
        .unwrap_err();
        assert_eq!(err.api_kind(), Some(ApiErrorKind::GroupNotFound));
        let ok = parse_envelope(
            Module::Directory,
            200,
            br#"{"message":"Directory successfully updated","status":"success","code":200}"#,
        );
        assert!(ok.is_ok());
        // An error object with a non-2xx status is still DeepCall's error.
        let err = parse_envelope(
            Module::Directory,
            400,
            br#"{"status":"error","code":"1012","message":"No data found"}"#,
        )
        .unwrap_err();
        assert_eq!(err.api_kind(), Some(ApiErrorKind::ContactNotFound));
    }

    #[test]
    fn hostile_bodies_are_typed_errors() {
        let cases: [(u16, &[u8]); 7] = [
            (502, b"<html><body>502 Bad Gateway</body></html>"),
            (200, b"<html>proxy login</html>"),
            (200, b""),
            (200, br#"{"status":"succ"#),
            (200, b"[1,2,3]"),
            (200, br#"{"code":200}"#),
            (503, b""),
        ];
        for (status, body) in cases {
            let err = parse_envelope(Module::Group, status, body).unwrap_err();
            assert!(
                matches!(
                    err,
                    DeepCallError::HttpStatus { .. } | DeepCallError::NotDeepCall { .. }
                ),
                "{status} {:?} -> {err:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn too_many_requests_is_said_by_the_status_whatever_the_body() {
        let json = br#"{"status":"error","message":"Too Many Requests","code":429}"#;
        let html = b"<html><head><title>429 Too Many Requests</title></head></html>";
        let success = br#"{"status":"success","code":200,"response":{"groupData":{"unique_id":1},"relationData":[]}}"#;
        for body in [json.as_slice(), html, b"", b"Too Many Requests", success] {
            let shown = String::from_utf8_lossy(body);
            assert_eq!(
                parse_envelope(Module::Directory, 429, body).unwrap_err(),
                DeepCallError::RateLimited { retry_after: None },
                "{shown}"
            );
            assert!(
                matches!(
                    read_response::<group::RawGroupRelation>(Module::Group, 429, body),
                    Err(DeepCallError::RateLimited { .. })
                ),
                "{shown}"
            );
        }
        // DeepCall's own error 429 says the same, whatever the HTTP status.
        assert_eq!(
            parse_envelope(Module::Directory, 200, json).unwrap_err(),
            DeepCallError::RateLimited { retry_after: None }
        );
        let e = DeepCallError::RateLimited { retry_after: None };
        assert!(e.is_retryable() && e.is_overload() && !e.may_have_been_applied());
    }

    #[test]
    fn a_host_without_the_endpoint_is_told_from_deepcall_refusing() {
        for (status, body) in [
            (
                404,
                b"<html><body><h1>404 Not Found</h1></body></html>".as_slice(),
            ),
            (404, b""),
            (
                404,
                br#"{"status":"error","code":404,"message":"Not found"}"#,
            ),
            (405, b"Method Not Allowed"),
            (501, br#"{"error":"not implemented"}"#),
        ] {
            let e = parse_envelope(Module::Directory, status, body).unwrap_err();
            assert_eq!(e, DeepCallError::NotOffered { status }, "{status}");
            assert!(!e.is_retryable() && !e.may_have_been_applied());
        }
        // DeepCall's own "no data found", sent with HTTP 404, is DeepCall's.
        let e = parse_envelope(
            Module::Directory,
            404,
            br#"{"status":"error","code":1012,"message":"No data found"}"#,
        )
        .unwrap_err();
        assert_eq!(e.api_kind(), Some(ApiErrorKind::ContactNotFound));
        // A gateway's 503 page is still "may have been applied".
        let e = parse_envelope(Module::Directory, 503, b"<html>503</html>").unwrap_err();
        assert!(e.may_have_been_applied() && e.is_overload());
    }

    /// `read_response` is `parse_envelope` then `response_as`, result for
    /// result and error for error; the fast pass takes only the success
    /// answers it reads exactly as they would.
    #[test]
    fn read_response_is_the_value_path() {
        use group::RawGroupRelation;
        let good = r#"{"groupData":{"name":"G","unique_id":"5","agents":null},"agentData":[{"name":"a","unique_id":1,"extra":{"x":[1.5,"\u00e9"]}}],"relationData":[{"group_id":5,"agent_id":"1","receive_call":"y","more":null}]}"#;
        let success = |response: &str| {
            format!(r#"{{"status":" Success ","code":200,"response":{response}}}"#)
        };
        let fast: Vec<Vec<u8>> = vec![
            success(good).into_bytes(),
            format!(r#"{{"response":{good},"status":"success"}} "#).into_bytes(),
        ];
        let slow: Vec<Vec<u8>> = vec![
            // Not a success, or no response that reads as the type.
            br#"{"status":"error","message":"Group not found or not authorized","code":1503}"#.to_vec(),
            format!(r#"{{"status":"error","code":"1503","response":{good}}}"#).into_bytes(),
            format!(r#"{{"status":1,"response":{good}}}"#).into_bytes(),
            format!(r#"{{"response":{good}}}"#).into_bytes(),
            br#"{"status":"success"}"#.to_vec(),
            success("null").into_bytes(),
            success(r#"{"groupData":{"unique_id":5},"relationData":[{"agent_id":1,"receive_call":"maybe"}]}"#).into_bytes(),
            success(r#"{"groupData":{"unique_id":"x"},"relationData":[]}"#).into_bytes(),
            success(r#"{"relationData":[]}"#).into_bytes(),
            // A key twice: the Value keeps the last one.
            format!(r#"{{"status":"success","response":{{"groupData":{{"unique_id":1}},"relationData":[]}},"response":{good}}}"#).into_bytes(),
            format!(r#"{{"status":"error","status":"success","response":{good}}}"#).into_bytes(),
            success(r#"{"groupData":{"unique_id":1,"unique_id":2},"relationData":[]}"#).into_bytes(),
            // Not JSON, or JSON the Value refuses in a part nobody reads.
            format!(r#"["success",{good}]"#).into_bytes(),
            format!("{} x", success(good)).into_bytes(),
            success(good).as_bytes()[..40].to_vec(),
            [success(good).as_bytes(), b"\n<html>"].concat(),
            success(&good.replace("\"more\":null", "\"more\":\"\\udc00\"")).into_bytes(),
            success(&good.replace("\"more\":null", "\"more\":-1e999")).into_bytes(),
            [b"{\"junk\":\"\xfe\",".as_slice(), &success(good).as_bytes()[1..]].concat(),
            b"<html>proxy login</html>".to_vec(),
            b"".to_vec(),
        ];
        for (bytes, fast_pass) in fast
            .iter()
            .map(|b| (b, true))
            .chain(slow.iter().map(|b| (b, false)))
        {
            let shown = String::from_utf8_lossy(bytes);
            assert_eq!(
                read_success::<RawGroupRelation>(bytes).is_some(),
                fast_pass,
                "{shown}"
            );
            for status in [200, 502] {
                let read = read_response::<RawGroupRelation>(Module::Group, status, bytes)
                    .map(|r| r.map(RawGroupRelation::join));
                let value = parse_envelope(Module::Group, status, bytes).map(|answer| {
                    response_as::<RawGroupRelation>(answer).map(RawGroupRelation::join)
                });
                assert_eq!(
                    format!("{read:?}"),
                    format!("{value:?}"),
                    "{status} {shown}"
                );
            }
        }
    }
}
