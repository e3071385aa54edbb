//! `deepcall-sandbox`: the DeepCall contract server on its own.
//!
//! ```text
//! cargo run --bin deepcall-sandbox -- --listen 127.0.0.1:0 [--large-group N] [--contacts N]
//!     [--rate-limit N [--rate-window-ms MS]] [--fail-5xx P] [--drop P]
//!     [--delay-ms MS | --delay-ms MIN..MAX] [--seed N]
//! ```
//! The first line printed is `listening on http://127.0.0.1:PORT`, the second
//! the credentials; when any misbehaviour is asked for, a third line says
//! which, e.g. `misbehaving: rate limit 50 per 1000 ms, 5xx 5%, drops 2%,
//! delay 20..=200 ms, seed 7`.
//!
//! Misbehaviour, for bulk runs (see `sandbox::Misbehaviour`):
//! - `--rate-limit N`: above N requests a second (or per `--rate-window-ms`),
//!   answer HTTP 429; the request is not carried out.
//! - `--fail-5xx P`: with probability P, answer HTTP 500/502/503/504; not
//!   carried out.
//! - `--drop P`: with probability P, close the connection without an answer,
//!   half the time before carrying the request out and half after.
//! - `--delay-ms MS` or `MIN..MAX`: every answer waits that long (drawn evenly
//!   from the range); the request is carried out on arrival.
//! - `--seed N`: the seed for the draws (default 0): the same seed and the same
//!   requests in the same order give the same run.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use deepcall_desk::sandbox::{Options, RateLimit, Sandbox};

const USAGE: &str = "usage: deepcall-sandbox [--listen ADDR:PORT] [--large-group N] [--contacts N]
       [--rate-limit N [--rate-window-ms MS]] [--fail-5xx P] [--drop P]
       [--delay-ms MS | --delay-ms MIN..MAX] [--seed N]

  --listen ADDR:PORT    where to listen, on this computer only (default 127.0.0.1:0)
  --large-group N       add group 9000 with N members
  --contacts N          add N contacts, numbered from 7000000000 (for bulk updates)
  --rate-limit N        above N requests a second, answer HTTP 429 (not carried out)
  --rate-window-ms MS   the rate limit's window instead of a second
  --fail-5xx P          answer HTTP 500/502/503/504 with probability P, 0 to 1 (not carried out)
  --drop P              close the connection unanswered with probability P, 0 to 1
                        (half before carrying the request out, half after)
  --delay-ms MS         answer every request MS milliseconds late, or MIN..MAX for
                        a delay drawn from that range (carried out on arrival)
  --seed N              seed for the random choices (default 0), for reproducible runs";

/// The value after `flag`, or a message saying what it needs.
fn value(
    args: &mut impl Iterator<Item = String>,
    flag: &str,
    needs: &str,
) -> Result<String, String> {
    args.next().ok_or_else(|| format!("{flag} needs {needs}"))
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
    let misbehaviour = options.misbehaviour.clone();
    let sandbox = match Sandbox::start(options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("could not listen: {e}");
            return ExitCode::from(1);
        }
    };
    println!("listening on {}", sandbox.url());
    println!("credentials: ssid 'sandbox-ssid', or userId '29791451' with token 'sandbox-token'");
    if misbehaviour.is_on() {
        println!("misbehaving: {misbehaviour}");
    }
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
