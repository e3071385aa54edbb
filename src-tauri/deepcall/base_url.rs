//! A DeepCall host's address, checked before anything is sent to it.

use std::net::IpAddr;

use url::Url;

use super::{DeepCallError, Module};

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
