//! What a DeepCall answer means: its envelope (`status`, `code`,
//! `response`) read over the HTTP status, and its `response` read as a type.

use serde_json::{Map, Value};

use super::*;

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

pub(super) const TOO_MANY_REQUESTS: u16 = 429;

/// Statuses with which a host says it has no such endpoint.
pub(super) fn is_not_offered(status: u16) -> bool {
    matches!(status, 404 | 405 | 501)
}

/// An error status that came without a DeepCall answer.
pub(super) fn http_error(status: u16) -> DeepCallError {
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
pub(super) fn read_success<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
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
