//! A secret value (a DeepCall token or session id) that cannot leak by accident.
//!
//! `Secret` redacts itself in `Debug` and `Display`, has no `Serialize`
//! implementation (so it cannot be written to IPC, a file or a log by
//! serialization), and wipes its memory when dropped. The only way to read it
//! is [`Secret::expose`], which is called exactly where the value must go on
//! the wire.

use std::borrow::Cow;
use std::fmt;

use zeroize::{Zeroize, Zeroizing};

use crate::wiped;

/// A string that must never be shown, logged or serialized.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself. Call only where it is put on the wire or into the keyring.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Replaces every occurrence of this secret in `text` (an error message from
    /// a server, say) with a redaction marker.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.len() < 4 {
            return text.to_owned();
        }
        text.replace(self.0.as_str(), "[redacted]")
    }
}

impl Secret {
    /// Replaces every occurrence of this secret in a JSON answer, as raw
    /// bytes and as JSON would escape it, with `[redacted]`. Cheap when the
    /// secret is absent (one substring search per form). The forms, and the
    /// answers scrubbed of some forms but not yet of all, are wiped when
    /// freed.
    pub fn scrub_json_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        if self.0.len() < 4 {
            return Cow::Borrowed(bytes);
        }
        let quoted = wiped::json(self.0.as_str()).unwrap_or_default();
        let escaped = quoted
            .strip_prefix(b"\"")
            .and_then(|e| e.strip_suffix(b"\""))
            .unwrap_or(self.0.as_bytes());
        // `/` may also be written `\/` in JSON.
        let slashed = replace_all(escaped, b"/", b"\\/");
        let mut out = Cow::Borrowed(bytes);
        for form in [self.0.as_bytes(), escaped, slashed.as_slice()] {
            if memchr::memmem::find(&out, form).is_some() {
                let scrubbed = std::mem::take(&mut *replace_all(&out, form, b"[redacted]"));
                if let Cow::Owned(earlier) = std::mem::replace(&mut out, Cow::Owned(scrubbed)) {
                    drop(Zeroizing::new(earlier));
                }
            }
        }
        // JSON may spell any character as `\uXXXX`, and then no byte form
        // above matches: such an answer is read, and any string holding the
        // secret once decoded is scrubbed and the answer written again.
        if memchr::memmem::find(&out, b"\\u").is_some() {
            if let Some(rewritten) = self.scrub_decoded(&out) {
                if let Cow::Owned(earlier) = std::mem::replace(&mut out, Cow::Owned(rewritten)) {
                    drop(Zeroizing::new(earlier));
                }
            }
        }
        out
    }

    /// The answer `bytes` written again with every key and string that
    /// holds the secret scrubbed; `None` when none does (or it is not JSON).
    /// Every string read is wiped before it is freed.
    fn scrub_decoded(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let found = scrub_strings(&mut value, self.0.as_str());
        let rewritten = found
            .then(|| wiped::json(&value).ok())
            .flatten()
            .map(|mut w| std::mem::take(&mut *w));
        wipe_strings(value);
        rewritten
    }
}

/// Replaces `secret` in every key and string of `value`; whether any held it.
fn scrub_strings(value: &mut serde_json::Value, secret: &str) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains(secret) => {
            let clean = s.replace(secret, "[redacted]");
            std::mem::replace(s, clean).zeroize();
            true
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |found, v| scrub_strings(v, secret) | found),
        Value::Object(map) => {
            let mut found = false;
            let keys: Vec<String> = map.keys().filter(|k| k.contains(secret)).cloned().collect();
            for mut key in keys {
                if let Some(v) = map.remove(&key) {
                    map.insert(key.replace(secret, "[redacted]"), v);
                }
                key.zeroize();
                found = true;
            }
            map.values_mut()
                .fold(found, |found, v| scrub_strings(v, secret) | found)
        }
        _ => false,
    }
}

/// Drops `value`, wiping its keys and strings first.
fn wipe_strings(value: serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(mut s) => s.zeroize(),
        Value::Array(items) => items.into_iter().for_each(wipe_strings),
        Value::Object(map) => map.into_iter().for_each(|(mut k, v)| {
            k.zeroize();
            wipe_strings(v);
        }),
        _ => {}
    }
}

/// `haystack` with every `needle` replaced, in a buffer of exactly its size
/// wiped when freed (it may still hold another form of the secret).
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Zeroizing<Vec<u8>> {
    let found = memchr::memmem::find_iter(haystack, needle).count();
    let mut out = Zeroizing::new(Vec::with_capacity(
        haystack.len() - found * needle.len() + found * with.len(),
    ));
    let mut rest = haystack;
    while let Some(i) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(with);
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A secret may arrive (over IPC, once, when an account is saved); it never
/// leaves: there is deliberately no `Serialize`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Secret::new)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Length first, then every byte, so the comparison does not stop early.
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::freed_memory::watch;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("tok-distinctive-123");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        assert_eq!(format!("{s}"), "[redacted]");
        assert!(!format!("{s:?} {s} {s:#?}").contains("distinctive"));
    }

    #[test]
    fn expose_and_scrub() {
        let s = Secret::new("tok-distinctive-123");
        assert_eq!(s.expose(), "tok-distinctive-123");
        assert_eq!(
            s.scrub("bad token tok-distinctive-123!"),
            "bad token [redacted]!"
        );
        assert!(Secret::new("  ").is_empty());
    }

    #[test]
    fn json_answers_are_scrubbed_in_every_form() {
        let s = Secret::new("tok/dist\"inct");
        let answer = br#"{"a":"tok/dist\"inct","b":"tok\/dist\"inct","c":"x"}"#;
        let clean = s.scrub_json_bytes(answer);
        let text = String::from_utf8_lossy(&clean);
        assert_eq!(text, r#"{"a":"[redacted]","b":"[redacted]","c":"x"}"#);
        let untouched = br#"{"c":"nothing here"}"#;
        assert!(matches!(s.scrub_json_bytes(untouched), Cow::Borrowed(_)));
    }

    #[test]
    fn a_secret_spelled_in_unicode_escapes_is_scrubbed_too() {
        let s = Secret::new("tok-9f3a");
        // "tok-9f3a" as a server may write it: every character escaped.
        let spelled: String = "tok-9f3a"
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        let answer = format!(
            r#"{{"status":"success","data":{{"name":"{spelled}","{spelled}":1,"n":[1.5,"x"]}}}}"#
        );
        let clean = s.scrub_json_bytes(answer.as_bytes());
        let read: serde_json::Value = serde_json::from_slice(&clean).unwrap();
        let text = read.to_string();
        assert!(!text.contains("tok-9f3a"), "{text}");
        assert_eq!(read["data"]["name"], "[redacted]");
        assert_eq!(read["data"]["[redacted]"], 1);
        assert_eq!(read["data"]["n"][0], 1.5);
        // Escapes without the secret leave the answer as it came.
        let other = br#"{"name":"\u0052avi"}"#;
        assert!(matches!(s.scrub_json_bytes(other), Cow::Borrowed(_)));
    }

    const DISTINCT: &str = "tok/wiped\"8b0e2c14";

    #[test]
    fn a_secret_is_wiped_when_dropped() {
        let seen = watch(DISTINCT.as_bytes(), || {
            let s = Secret::new(DISTINCT);
            let copy = s.clone();
            assert_eq!(copy.expose(), DISTINCT);
            drop(s);
            drop(copy);
            // Given as a `String` of more room than it fills.
            let mut given = String::with_capacity(4 * DISTINCT.len());
            given.push_str(DISTINCT);
            drop(Secret::new(given));
        });
        assert_eq!(seen.holding_it, 0, "{seen:?}");
        assert!(seen.blocks >= 3, "{seen:?}");
    }

    #[test]
    fn scrubbing_leaves_no_form_of_the_secret_behind() {
        let s = Secret::new(DISTINCT);
        let answer = br#"{"a":"tok/wiped\"8b0e2c14","b":"tok\/wiped\"8b0e2c14","c":"x"}"#;
        // The JSON-escaped form, as a server writing `\/` would send it.
        for form in [
            br#"tok\/wiped\"8b0e2c14"#.as_slice(),
            br#"tok/wiped\"8b0e2c14"#,
        ] {
            let form: &'static [u8] = form;
            let seen = watch(form, || {
                let clean = s.scrub_json_bytes(answer);
                assert_eq!(
                    *clean,
                    *br#"{"a":"[redacted]","b":"[redacted]","c":"x"}"#.as_slice()
                );
            });
            assert_eq!(seen.holding_it, 0, "{seen:?}");
            assert!(seen.blocks >= 3, "{seen:?}");
        }
    }

    #[test]
    fn equality_compares_content() {
        assert_eq!(Secret::new("abc"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
        assert_ne!(Secret::new("abc"), Secret::new("abcd"));
    }

    // `Secret` must never implement `Serialize` or `specta::Type`: this stops compiling if it does.
    static_assertions::assert_not_impl_any!(Secret: serde::Serialize, specta::Type);
}
