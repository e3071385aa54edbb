//! How much of a server's own text the app keeps. A server may answer with
//! a message of any length (up to the answer's size limit, 16 MiB): kept
//! whole, one answer would add that much to a History entry, a log line and
//! the window. What an engineer needs is its start, which says what it is.

/// The most characters of a server's text that are kept. DeepCall's own
/// messages are a sentence ("Contact not found in directory"); 500 keeps a
/// long one whole, and the start of any page a misconfigured host prints.
pub const MAX_CHARS: usize = 500;

/// `text`, or its first characters and "…" when it is longer than
/// [`MAX_CHARS`]: at most that many characters, cut between characters.
pub fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_CHARS) {
        None => text.to_owned(),
        Some(_) => {
            let end = text
                .char_indices()
                .nth(MAX_CHARS - 1)
                .map_or(text.len(), |(at, _)| at);
            format!("{}…", &text[..end])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(bounded("Contact not found"), "Contact not found");
        let exactly = "a".repeat(MAX_CHARS);
        assert_eq!(bounded(&exactly), exactly);
    }

    #[test]
    fn long_text_is_cut_between_characters_with_an_ellipsis() {
        // Three bytes a character: a cut by bytes would split one.
        let long = "क".repeat(MAX_CHARS * 20_000);
        let kept = bounded(&long);
        assert_eq!(kept.chars().count(), MAX_CHARS);
        assert!(kept.ends_with("क…"));
        assert_eq!(
            bounded(&"b".repeat(MAX_CHARS + 1)).chars().count(),
            MAX_CHARS
        );
    }
}
