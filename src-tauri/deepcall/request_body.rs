//! A call's request body: the call's own fields and the account's
//! credentials, written straight into one buffer that is wiped when the
//! last reference to it is dropped, with no copy of the token or session id
//! made on the way (no JSON value holding it, no buffer grown and left
//! behind).
//!
//! What cannot be wiped from here: reqwest hands the body to hyper, which
//! copies small bodies into its own write buffer with the headers (HTTP/1)
//! or into its frames (HTTP/2), and over HTTPS rustls into its records;
//! those buffers, and the kernel's socket buffers, are reused or freed by
//! them as they are.

use bytes::Bytes;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::Auth;
use crate::wiped;

/// The credentials' fields: a call's own fields of these names are left
/// out, so that a body never carries two ways of signing in.
const CREDENTIAL_FIELDS: [&str; 3] = ["ssid", "userId", "token"];

/// The body of a call with `fields`, signed in with `auth`. Cheap to clone
/// (reqwest keeps a clone while the call lasts); wiped once every clone
/// is dropped.
pub fn request_body(fields: &Map<String, Value>, auth: &Auth) -> serde_json::Result<Bytes> {
    let body = wiped::json(&Signed { fields, auth })?;
    Ok(Bytes::from_owner(body))
}

/// The fields, then the credentials, as one JSON object.
struct Signed<'a> {
    fields: &'a Map<String, Value>,
    auth: &'a Auth,
}

impl Serialize for Signed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.fields {
            if !CREDENTIAL_FIELDS.contains(&name.as_str()) {
                map.serialize_entry(name, value)?;
            }
        }
        match self.auth {
            Auth::Session { ssid } => map.serialize_entry("ssid", ssid.expose())?,
            Auth::Token { user_id, token } => {
                map.serialize_entry("userId", user_id)?;
                map.serialize_entry("token", token.expose())?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freed_memory::watch;
    use crate::secret::Secret;

    const TOKEN: &str = "tok-body-8e4f1a67";

    fn fields() -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("groupId".into(), 28.into());
        // Enough that a body grown as it is written would have moved.
        fields.insert(
            "agent_unique_id".into(),
            (0..500).map(|i| i.to_string()).collect::<Vec<_>>().into(),
        );
        fields
    }

    fn token() -> Auth {
        Auth::Token {
            user_id: "29791451".into(),
            token: Secret::new(TOKEN),
        }
    }

    #[test]
    fn a_body_carries_one_sign_in_and_the_call_s_fields() {
        let mut fields = fields();
        fields.insert("ssid".into(), "stale".into());
        let body: Value =
            serde_json::from_slice(&request_body(&fields, &token()).unwrap()).unwrap();
        assert_eq!(body["userId"], "29791451");
        assert_eq!(body["token"], TOKEN);
        assert!(body.get("ssid").is_none());
        assert_eq!(body["groupId"], 28);
        assert_eq!(body["agent_unique_id"].as_array().map(Vec::len), Some(500));

        fields.insert("userId".into(), "stale".into());
        fields.insert("token".into(), "stale".into());
        let session = Auth::Session {
            ssid: Secret::new("ssid-body"),
        };
        let body: Value =
            serde_json::from_slice(&request_body(&fields, &session).unwrap()).unwrap();
        assert_eq!(body["ssid"], "ssid-body");
        assert!(body.get("userId").is_none() && body.get("token").is_none());
    }

    /// The body, its clones (as reqwest keeps one) and everything made on
    /// the way are freed with no copy of the token in them.
    #[test]
    fn the_token_is_left_nowhere_once_the_body_is_dropped() {
        let fields = fields();
        let seen = watch(TOKEN.as_bytes(), || {
            let auth = token();
            let body = request_body(&fields, &auth).unwrap();
            let kept = body.clone();
            assert!(memchr::memmem::find(&body, TOKEN.as_bytes()).is_some());
            drop(body);
            assert!(memchr::memmem::find(&kept, TOKEN.as_bytes()).is_some());
        });
        assert_eq!(seen.holding_it, 0, "{seen:?}");
        assert!(seen.blocks >= 2, "{seen:?}");
    }
}
