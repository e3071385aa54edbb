//! How a sandbox is set up: the credentials it accepts, the endpoints it
//! lacks, and how much of its request log it keeps.

use std::net::SocketAddr;

use super::*;

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
