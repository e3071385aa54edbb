//! `deepcall-sandbox`: the DeepCall contract server on its own.
//!
//! ```text
//! cargo run --bin deepcall-sandbox -- --listen 127.0.0.1:0 [--large-group N] [--contacts N]
//!     [--rate-limit N [--rate-window-ms MS]] [--fail-429 P] [--max-in-flight N]
//!     [--fail-5xx P] [--drop P] [--delay-ms MS | --delay-ms MIN..MAX]
//!     [--refusal json|html|empty|text] [--retry-after S | date+S | none]
//!     [--without MODULE/ACTION]... [--seed N]
//! ```
//! The first line printed is `listening on http://127.0.0.1:PORT`, the second
//! the credentials; when any misbehaviour or missing endpoint is asked for, a
//! third line names them all, e.g. `misbehaving: rate limit 50 per 1000 ms,
//! 429 5%, at most 8 in flight, 5xx 5%, drops 2%, delay 80..=120 ms, 429s as
//! json with Retry-After 1 s, seed 7, without Directory/getInfo`.
//!
//! Misbehaviour, for bulk runs (see `sandbox::Misbehaviour`):
//! - `--rate-limit N`: above N requests a second (or per `--rate-window-ms`),
//!   answer HTTP 429; the request is not carried out.
//! - `--fail-429 P`: with probability P, answer HTTP 429; not carried out.
//! - `--max-in-flight N`: a request arriving while N are under way (until
//!   their answers are handed over) is answered HTTP 429; not carried out.
//! - `--fail-5xx P`: with probability P, answer HTTP 500/502/503/504 with a
//!   gateway's HTML page; not carried out.
//! - `--drop P`: with probability P, close the connection without an answer,
//!   half the time before carrying the request out and half after.
//! - `--delay-ms MS` or `MIN..MAX`: every answer, refusals included, waits
//!   that long (drawn evenly from the range); the request is carried out on
//!   arrival.
//! - `--refusal json|html|empty|text`: the body of every 429 (default json,
//!   DeepCall's own error envelope).
//! - `--retry-after S`, `date+S` or `none`: the `Retry-After` of every 429
//!   and 503: S seconds (default 1), an HTTP date S seconds ahead, or none.
//! - `--without MODULE/ACTION` (repeatable): a host without that endpoint,
//!   e.g. `Directory/getInfo` or `Group/list`; it answers HTTP 404 with an
//!   HTML page.
//! - `--seed N`: the seed for the draws (default 0): the same seed and the same
//!   requests in the same order give the same run.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use deepcall_desk::sandbox::{endpoints, Options, RateLimit, RefusalBody, RetryAfter, Sandbox};

const USAGE: &str = "usage: deepcall-sandbox [--listen ADDR:PORT] [--large-group N] [--contacts N]
       [--rate-limit N [--rate-window-ms MS]] [--fail-429 P] [--max-in-flight N]
       [--fail-5xx P] [--drop P] [--delay-ms MS | --delay-ms MIN..MAX]
       [--refusal json|html|empty|text] [--retry-after S | date+S | none]
       [--without MODULE/ACTION]... [--seed N]

  --listen ADDR:PORT    where to listen, on this computer only (default 127.0.0.1:0)
  --large-group N       add group 9000 with N members
  --contacts N          add N contacts, numbered from 7000000000 (for bulk updates)
  --rate-limit N        above N requests a second, answer HTTP 429 (not carried out)
  --rate-window-ms MS   the rate limit's window instead of a second
  --fail-429 P          answer HTTP 429 with probability P, 0 to 1 (not carried out)
  --max-in-flight N     answer HTTP 429 to a request that arrives while N are
                        under way (not carried out)
  --fail-5xx P          answer HTTP 500/502/503/504 with a gateway's HTML page with
                        probability P, 0 to 1 (not carried out)
  --drop P              close the connection unanswered with probability P, 0 to 1
                        (half before carrying the request out, half after)
  --delay-ms MS         answer every request, refusals included, MS milliseconds
                        late, or MIN..MAX for a delay drawn from that range
                        (carried out on arrival)
  --refusal SHAPE       the body of every 429: json (DeepCall's error envelope, the
                        default), html (a gateway's page), empty or text
  --retry-after WHEN    the Retry-After of every 429 and 503: S seconds (default 1),
                        date+S for an HTTP date S seconds ahead, or none
  --without ENDPOINT    a host without this endpoint, e.g. Directory/getInfo or
                        Group/list (HTTP 404 with an HTML page); repeatable
  --seed N              seed for the random choices (default 0), for reproducible runs";

/// The value after `flag`, or a message saying what it needs.
fn value(
    args: &mut impl Iterator<Item = String>,
    flag: &str,
    needs: &str,
) -> Result<String, String> {
    args.next().ok_or_else(|| format!("{flag} needs {needs}"))
}

/// A whole number from `least` up to `most`.
fn count(flag: &str, v: &str, what: &str, least: u32, most: u32) -> Result<u32, String> {
    v.parse::<u32>()
        .ok()
        .filter(|n| (least..=most).contains(n))
        .ok_or_else(|| format!("{flag}: '{v}' is not a number of {what} from {least} to {most}"))
}

fn retry_after(v: &str) -> Result<Option<RetryAfter>, String> {
    let seconds = |s: &str| {
        count("--retry-after", s, "seconds", 0, 86_400).map_err(|_| {
            format!(
                "--retry-after: '{v}' is not a number of seconds from 0 to 86400, \
                 date+SECONDS or none"
            )
        })
    };
    match v {
        "none" => Ok(None),
        _ => match v.strip_prefix("date+") {
            Some(s) => Ok(Some(RetryAfter::Date(seconds(s)?))),
            None => Ok(Some(RetryAfter::Seconds(seconds(v)?))),
        },
    }
}

fn probability(flag: &str, v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("{flag}: '{v}' is not a probability from 0 to 1, such as 0.05"))
}

/// Milliseconds, from `least` up to an hour.
fn millis(flag: &str, v: &str, least: u64) -> Result<Duration, String> {
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|ms| (least..=3_600_000).contains(ms))
        .map(Duration::from_millis)
        .ok_or_else(|| {
            format!("{flag}: '{v}' is not a number of milliseconds from {least} to 3600000")
        })
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options::default();
    let mut window = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let v = value(&mut args, "--listen", "an address such as 127.0.0.1:0")?;
                options.listen = v.parse::<SocketAddr>().map_err(|_| {
                    format!("--listen: '{v}' is not an address such as 127.0.0.1:8080")
                })?;
            }
            "--large-group" => {
                let v = value(&mut args, "--large-group", "a number of members")?;
                let n = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= 1_000_000)
                    .ok_or_else(|| {
                        format!("--large-group: '{v}' is not a number of members up to 1000000")
                    })?;
                options.large_group = Some(n);
            }
            "--contacts" => {
                let v = value(&mut args, "--contacts", "a number of contacts")?;
                options.contacts = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= 1_000_000)
                    .ok_or_else(|| {
                        format!("--contacts: '{v}' is not a number of contacts up to 1000000")
                    })?;
            }
            "--rate-limit" => {
                let v = value(&mut args, "--rate-limit", "a number of requests a second")?;
                let n = v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    format!("--rate-limit: '{v}' is not a number of requests from 1 up")
                })?;
                options.misbehaviour.rate_limit = Some(RateLimit::per_second(n));
            }
            "--fail-429" => {
                let v = value(&mut args, "--fail-429", "a probability from 0 to 1")?;
                options.misbehaviour.too_many_requests = probability("--fail-429", &v)?;
            }
            "--max-in-flight" => {
                let v = value(&mut args, "--max-in-flight", "a number of requests")?;
                options.misbehaviour.max_in_flight =
                    Some(count("--max-in-flight", &v, "requests", 1, 100_000)?);
            }
            "--refusal" => {
                let v = value(&mut args, "--refusal", "json, html, empty or text")?;
                options.misbehaviour.refusal.body = RefusalBody::NAMES
                    .iter()
                    .find(|(name, _)| *name == v)
                    .map(|(_, body)| *body)
                    .ok_or_else(|| {
                        format!("--refusal: '{v}' is not one of json, html, empty or text")
                    })?;
            }
            "--retry-after" => {
                let v = value(&mut args, "--retry-after", "seconds, date+SECONDS or none")?;
                options.misbehaviour.refusal.retry_after = retry_after(&v)?;
            }
            "--without" => {
                let v = value(
                    &mut args,
                    "--without",
                    "an endpoint such as Directory/getInfo",
                )?;
                if !endpoints().any(|e| e == v) {
                    return Err(format!(
                        "--without: '{v}' is not an endpoint of the sandbox; it has {}",
                        endpoints().collect::<Vec<_>>().join(", ")
                    ));
                }
                options.switched_off.push(v);
            }
            "--rate-window-ms" => {
                let v = value(&mut args, "--rate-window-ms", "a number of milliseconds")?;
                window = Some(millis("--rate-window-ms", &v, 1)?);
            }
            "--fail-5xx" => {
                let v = value(&mut args, "--fail-5xx", "a probability from 0 to 1")?;
                options.misbehaviour.server_errors = probability("--fail-5xx", &v)?;
            }
            "--drop" => {
                let v = value(&mut args, "--drop", "a probability from 0 to 1")?;
                options.misbehaviour.drops = probability("--drop", &v)?;
            }
            "--delay-ms" => {
                let v = value(&mut args, "--delay-ms", "milliseconds, or MIN..MAX")?;
                let (min, max) = match v.split_once("..") {
                    Some((a, b)) => (millis("--delay-ms", a, 0)?, millis("--delay-ms", b, 0)?),
                    None => {
                        let d = millis("--delay-ms", &v, 0)?;
                        (d, d)
                    }
                };
                if min > max {
                    return Err(format!("--delay-ms: '{v}' ends before it starts"));
                }
                options.misbehaviour.delay = Some(min..=max);
            }
            "--seed" => {
                let v = value(&mut args, "--seed", "a whole number")?;
                options.misbehaviour.seed = v
                    .parse::<u64>()
                    .map_err(|_| format!("--seed: '{v}' is not a whole number"))?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    if let Some(per) = window {
        let limit = options
            .misbehaviour
            .rate_limit
            .as_mut()
            .ok_or("--rate-window-ms needs --rate-limit")?;
        limit.per = per;
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut misbehaving = Vec::new();
    if options.misbehaviour.is_on() {
        misbehaving.push(options.misbehaviour.to_string());
    }
    if !options.switched_off.is_empty() {
        misbehaving.push(format!("without {}", options.switched_off.join(", ")));
    }
    let sandbox = match Sandbox::start(options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("could not listen: {e}");
            return ExitCode::from(1);
        }
    };
    let mut lines = vec![
        format!("listening on {}", sandbox.url()),
        "credentials: ssid 'sandbox-ssid', or userId '29791451' with token 'sandbox-token'".into(),
    ];
    if !misbehaving.is_empty() {
        lines.push(format!("misbehaving: {}", misbehaving.join(", ")));
    }
    // Whoever started the server may stop reading once it has the address:
    // a closed stdout must not stop the server (println! would panic).
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
