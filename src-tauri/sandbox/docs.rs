//! The sandbox's own reading of DeepCall's documentation: what a value must
//! look like for DeepCall to accept it. Written from `shared/deepcall-api.md`
//! and the vendor's seed pages, not from the client's rules, so that the
//! contract tests compare two readings of the docs and a wrong rule on one
//! side shows. Each rule quotes the line it comes from.

use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

/// Directory/update, `contactinfo`: "`name`, `email`, `dob`, `address`,
/// `company`, `designation`, `custom_field_1`, `custom_field_2`, and further
/// custom fields that the account defines".
pub const CONTACT_INFO_FIELDS: [&str; 8] = [
    "name",
    "email",
    "dob",
    "address",
    "company",
    "designation",
    "custom_field_1",
    "custom_field_2",
];

/// Directory/update, `other`: "`obd`, `ibd`, `pc`, `ctc` (dialer statuses;
/// the table says string, the vendor's example sends `"IBD":3,"OBD":4`:
/// upper case keys and numbers)".
pub fn is_dialer_key(key: &str) -> bool {
    ["obd", "ibd", "pc", "ctc"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key))
}

/// "`name` (letters, whitespace and `.` only)". Letters of any alphabet,
/// with the marks written on them (Hindi's virama in "वर्मा" is a mark, not
/// a letter of its own): every character as a reader sees it (grapheme)
/// starts with a letter, or is whitespace or a dot; at least one letter.
pub fn valid_name(v: &str) -> bool {
    let mut letters = false;
    for g in v.graphemes(true) {
        match g.chars().next() {
            Some(c) if c.is_alphabetic() => letters = true,
            Some(c) if c.is_whitespace() || c == '.' => {}
            _ => return false,
        }
    }
    letters
}

/// "`email` (valid address)": one `@`, something before it, and a domain
/// of dot-separated labels with no spaces, ending in a top-level domain
/// (two letters or more).
pub fn valid_email(v: &str) -> bool {
    let mut parts = v.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    !local.is_empty()
        && !v.chars().any(char::is_whitespace)
        && labels.len() >= 2
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// "`dob` (`dd-mm-YYYY`)", also `updatetime` and `lastcalltime`: two-digit
/// day and month, four-digit year, and a day the calendar has.
pub fn valid_date(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 10 || b[2] != b'-' || b[5] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| v.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(d), Some(m), Some(y)) = (num(0..2), num(3..5), num(6..10)) else {
        return false;
    };
    let digits = [0, 1, 3, 4, 6, 7, 8, 9]
        .iter()
        .all(|i| b[*i].is_ascii_digit());
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    digits && y >= 1 && (1..=days).contains(&d)
}

/// "`totalcalls` and `source` (non-negative integers)": a JSON whole number
/// of 0 or more.
pub fn valid_count(v: &Value) -> bool {
    v.as_u64().is_some()
}

/// An id: "the vendor's example sends the number 28, the table says string:
/// accept both". A positive whole number, as a number or a string of digits.
pub fn id(v: &Value) -> Option<u64> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        // A string id is read as a form field would be: spaces around it
        // do not count.
        Value::String(s)
            if !s.trim().is_empty() && s.trim().bytes().all(|c| c.is_ascii_digit()) =>
        {
            s.trim().parse().ok()
        }
        _ => None,
    }?;
    (n > 0).then_some(n)
}

/// Credentials and numbers "travel in the body" as strings; the examples
/// also show user ids as numbers, so both are read as text.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_letters_whitespace_and_dots() {
        for ok in [
            "Ravi Verma",
            "Dr. A. Kumar",
            "रवि वर्मा",
            "Ólafur",
            "Jose\u{301}",
        ] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", " ", "R2D2", "Ravi_Verma", "O'Brien", "...", "\u{301}a"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn emails_and_dates() {
        assert!(valid_email("ravi@example.co.in"));
        for bad in [
            "ravi",
            "ravi@",
            "@x.com",
            "ravi@x",
            "a b@x.com",
            "a@b@x.com",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
        assert!(valid_date("29-02-2024"));
        assert!(valid_date("31-12-1999"));
        for bad in [
            "29-02-2023",
            "31-04-2024",
            "1-1-2024",
            "2024-01-01",
            "00-01-2024",
            "aa-bb-cccc",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn ids_as_numbers_or_digit_strings() {
        assert_eq!(id(&json!(28)), Some(28));
        assert_eq!(id(&json!("28")), Some(28));
        for bad in [
            json!(0),
            json!("-3"),
            json!("2.5"),
            json!(2.5),
            json!(""),
            json!(null),
        ] {
            assert_eq!(id(&bad), None, "{bad}");
        }
        assert!(is_dialer_key("IBD") && is_dialer_key("ctc") && !is_dialer_key("vip"));
        assert!(valid_count(&json!(0)) && !valid_count(&json!(-1)) && !valid_count(&json!("3")));
    }
}
