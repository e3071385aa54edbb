//! How the sandbox words the answers a host, or the gateway in front of it,
//! gives instead of carrying a request out: HTTP 429 in the shapes servers
//! use, and the HTML pages gateways send with 5xx and 404.

use std::fmt;
use std::time::{Duration, SystemTime};

use hyper::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Response, StatusCode};

use super::{full_body, internal, Body};

/// How every HTTP 429 the sandbox gives is worded (a test's
/// [`super::Fault::RateLimited`], the rate limit, the random 429s, the cap
/// on requests in flight), and whether a 503 says when to come back.
///
/// The default is DeepCall's own error envelope with `Retry-After: 1`:
/// DeepCall words every refusal of its own in that envelope, so a limit
/// its application enforces would too, and application rate limiters give
/// `Retry-After` in seconds. A limit enforced by a gateway in front of it
/// answers [`RefusalBody::Html`] instead, often without `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalShape {
    pub body: RefusalBody,
    /// The `Retry-After` header of a 429 or 503; `None` sends none.
    pub retry_after: Option<RetryAfter>,
}

impl Default for RefusalShape {
    fn default() -> Self {
        Self {
            body: RefusalBody::Json,
            retry_after: Some(RetryAfter::Seconds(1)),
        }
    }
}

/// The body of a 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalBody {
    /// `{"status":"error","message":"Too Many Requests","code":429}`,
    /// `application/json`, as DeepCall words its errors.
    Json,
    /// A gateway's page (`<html><head><title>429 Too Many Requests</title>…`),
    /// `text/html`, as nginx sends it.
    Html,
    /// No body at all (`Content-Length: 0`, no content type).
    Empty,
    /// `Too Many Requests`, `text/plain`.
    Text,
}

impl RefusalBody {
    /// Every body, by the name the command line uses.
    pub const NAMES: [(&'static str, RefusalBody); 4] = [
        ("json", RefusalBody::Json),
        ("html", RefusalBody::Html),
        ("empty", RefusalBody::Empty),
        ("text", RefusalBody::Text),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("json", |(n, _)| n)
    }
}

/// When a refused client may come back, as the `Retry-After` header says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// A number of seconds: `Retry-After: 2`.
    Seconds(u32),
    /// An HTTP date (IMF-fixdate, `Retry-After: Tue, 03 Jun 2025 10:00:05 GMT`)
    /// this many seconds after the answer, rounded up to the whole second,
    /// so it is never less than that far ahead.
    Date(u32),
}

impl fmt::Display for RefusalShape {
    /// e.g. `429s as json with Retry-After 1 s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "429s as {}", self.body.name())?;
        match self.retry_after {
            None => f.write_str(" without Retry-After"),
            Some(RetryAfter::Seconds(s)) => write!(f, " with Retry-After {s} s"),
            Some(RetryAfter::Date(s)) => write!(f, " with Retry-After a date {s} s ahead"),
        }
    }
}

const TOO_MANY_JSON: &str = r#"{"status":"error","message":"Too Many Requests","code":429}"#;

/// The answer `status` gets when handed over at `now`: a 429 in `shape`,
/// any other status a gateway's page; a 429 or 503 carries `shape`'s
/// `Retry-After`.
pub(crate) fn refusal(status: StatusCode, shape: &RefusalShape, now: SystemTime) -> Response<Body> {
    let mut response = if status == StatusCode::TOO_MANY_REQUESTS {
        let (content_type, body) = match shape.body {
            RefusalBody::Json => (Some("application/json"), TOO_MANY_JSON.to_owned()),
            RefusalBody::Html => (Some("text/html"), page_text(status)),
            RefusalBody::Empty => (None, String::new()),
            RefusalBody::Text => (Some("text/plain"), "Too Many Requests".to_owned()),
        };
        let mut r = Response::new(full_body(body));
        *r.status_mut() = status;
        if let Some(ct) = content_type {
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        r
    } else {
        page(status)
    };
    let says_when = matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    );
    if let (true, Some(after)) = (says_when, shape.retry_after) {
        let value = match after {
            RetryAfter::Seconds(s) => s.to_string(),
            RetryAfter::Date(s) => http_date(now, s),
        };
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(RETRY_AFTER, v);
        }
    }
    response
}

/// The page nginx sends with `status`, as `text/html`.
pub(crate) fn page(status: StatusCode) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/html")
        .body(full_body(page_text(status)))
        .unwrap_or_else(|_| internal())
}

fn page_text(status: StatusCode) -> String {
    let title = format!(
        "{} {}",
        status.as_str(),
        status.canonical_reason().unwrap_or("Error")
    );
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// `now` plus `ahead` seconds, rounded up to the second, as an IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(now: SystemTime, ahead: u32) -> String {
    let since = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    let whole = since.as_secs() + u64::from(since.subsec_nanos() > 0) + u64::from(ahead);
    let at = time::OffsetDateTime::UNIX_EPOCH + Duration::from_secs(whole);
    at.format(time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_imf_fixdates_rounded_up() {
        let at = |secs, nanos| SystemTime::UNIX_EPOCH + Duration::new(secs, nanos);
        // RFC 9110's own example instant.
        assert_eq!(
            http_date(at(784_111_777, 0), 0),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        // A microsecond past the second: Windows keeps time in steps of
        // 100 ns, so a single nanosecond would be lost there.
        assert_eq!(
            http_date(at(784_111_777, 1_000), 2),
            "Sun, 06 Nov 1994 08:49:40 GMT"
        );
    }

    #[test]
    fn pages_read_like_nginx() {
        assert_eq!(
            page_text(StatusCode::BAD_GATEWAY),
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        );
    }

    #[test]
    fn shapes_read_plainly() {
        assert_eq!(
            RefusalShape::default().to_string(),
            "429s as json with Retry-After 1 s"
        );
        let shape = RefusalShape {
            body: RefusalBody::Empty,
            retry_after: Some(RetryAfter::Date(5)),
        };
        assert_eq!(
            shape.to_string(),
            "429s as empty with Retry-After a date 5 s ahead"
        );
        for (name, body) in RefusalBody::NAMES {
            assert_eq!(body.name(), name);
        }
    }
}
