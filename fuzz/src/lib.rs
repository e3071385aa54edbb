//! What the fuzz targets share: how an input is split into what the app
//! reads and the choices made around it, and what every message a manager
//! may read must look like.

/// Splits an input at its last NUL byte: the bytes the app reads come
/// before it, the choices (a column mapping, an HTTP status…) after it.
/// Without a NUL the whole input is read and nothing is chosen, so a seed is
/// the file or answer itself, as a manager or a server would hand it over.
/// A NUL inside the read part still reaches the reader when another follows.
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().rposition(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// The choices after the NUL, one byte at a time; zero once they run out.
pub struct Choices<'a>(pub &'a [u8]);

impl Choices<'_> {
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A sentence a manager reads: it starts as a sentence starts and ends as
/// one ends. (It may quote what the manager typed or the file holds.)
pub fn assert_sentence(message: &str) {
    let first = message.chars().next();
    assert!(
        first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"' || c == '“'),
        "a message that does not start as a sentence: {message:?}"
    );
    assert!(
        message.ends_with('.'),
        "a message that does not end as a sentence: {message:?}"
    );
}

/// A sentence that quotes nothing it was given: none of a program's
/// insides (a Rust or JSON structure, a panic, an unfilled `{}`) shows.
pub fn assert_plain(message: &str) {
    assert_sentence(message);
    for inside in [
        "{", "}", "panicked", "Error", "Some(", "unwrap", "\\u", "\\n",
    ] {
        assert!(
            !message.contains(inside),
            "a message with {inside:?} in it: {message:?}"
        );
    }
}
