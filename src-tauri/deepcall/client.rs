//! One account's client: every call, from the request body to the answer
//! read, and what is logged of it.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use url::Url;
use zeroize::Zeroizing;

use super::envelope::TOO_MANY_REQUESTS;
use super::*;
use crate::secret::Secret;
use crate::wiped;

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

pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
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
