//! `Retry-After`: how long a server that refused a request (HTTP 429, 503)
//! asks to be left alone. RFC 9110 allows a number of seconds or an HTTP
//! date; servers also send the obsolete date forms, which `httpdate` reads.

use std::time::{Duration, SystemTime};

/// Reads a `Retry-After` value at `now`. `None` when it is neither a
/// number of seconds nor a date; a date already past asks for no wait.
pub fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // A number too long for u64 is still "a very long time".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example.
    const EXAMPLE: u64 = 784_111_777;

    #[test]
    fn seconds() {
        let now = at(EXAMPLE);
        assert_eq!(parse("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn dates_in_all_three_forms() {
        let now = at(EXAMPLE - 30);
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse(date, now), Some(Duration::from_secs(30)), "{date}");
        }
    }

    #[test]
    fn a_date_in_the_past_asks_for_no_wait() {
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", at(EXAMPLE + 5)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn anything_else_is_not_read() {
        let now = at(EXAMPLE);
        for bad in [
            "",
            "  ",
            "-5",
            "1.5",
            "soon",
            "5 seconds",
            "Sun, 06 Nov 1994",
        ] {
            assert_eq!(parse(bad, now), None, "{bad:?}");
        }
    }
}
