//! The HTTP clients every account shares.

use std::time::Duration;

use super::client::error_chain;
use super::{BaseUrl, DeepCallError, NetworkStage};

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
    pub(super) config: HttpConfig,
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

    pub(super) fn client_for(&self, base: &BaseUrl) -> &reqwest::Client {
        if base.is_loopback() {
            &self.local
        } else {
            &self.remote
        }
    }
}
