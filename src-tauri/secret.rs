//! A secret value (a DeepCall token or session id) that cannot leak by accident.
//!
//! `Secret` redacts itself in `Debug` and `Display`, has no `Serialize`
//! implementation (so it cannot be written to IPC, a file or a log by
//! serialization), and wipes its memory when dropped. The only way to read it
//! is [`Secret::expose`], which is called exactly where the value must go on
//! the wire.

use std::borrow::Cow;
use std::fmt;

use zeroize::Zeroizing;

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
        out
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
