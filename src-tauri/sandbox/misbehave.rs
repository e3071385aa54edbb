//! Misbehaviour for bulk runs: a rate limit, random 429 and 5xx answers, a
//! cap on requests in flight, dropped connections and slow answers, drawn
//! from seeded generators so that a run is reproducible. Set it with [`super::Options::misbehaviour`] or
//! [`super::Sandbox::set_misbehaviour`], or on the `deepcall-sandbox`
//! command line.

use std::collections::VecDeque;
use std::fmt;
use std::ops::RangeInclusive;
use std::time::{Duration, Instant};

use super::{Fault, RefusalShape};

/// How the sandbox misbehaves on its own, as a busy host far away does. The
/// cap on requests in flight comes first; a test's own fault
/// ([`super::Sandbox::fail_next`] and the like) comes before the other
/// faults; the delay and the refusal shape apply to every answer. The
/// default misbehaves not at all.
///
/// Each API request draws the same numbers from the generators whatever is
/// switched on and whatever fault it meets, so the k-th request meets the
/// same luck in every run with the same seed (requests that arrive together
/// may arrive in either order, of course), and switching a setting on
/// changes no other setting's luck: the random 429s draw from a generator
/// of their own, and give way to the 5xx and drops, so the requests that
/// meet a 5xx or a drop are the same with or without them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Misbehaviour {
    /// Above this many requests within the window, answer HTTP 429; the
    /// request is not carried out.
    pub rate_limit: Option<RateLimit>,
    /// The probability (0 to 1) of an HTTP 429 instead of the request being
    /// carried out (for a request no 5xx or drop was drawn for).
    pub too_many_requests: f64,
    /// At most this many API requests are handled at once: one arriving
    /// while this many are under way (from their arrival until their
    /// answer is handed over, a delay included) is answered HTTP 429 and not
    /// carried out. Requests refused so do not count.
    pub max_in_flight: Option<u32>,
    /// The probability (0 to 1) of an HTTP 500, 502, 503 or 504 answer
    /// (a gateway's HTML page) instead of the request being carried out.
    pub server_errors: f64,
    /// The probability (0 to 1) that the connection is closed without an
    /// answer. Half of these close before the request is carried out
    /// ([`Fault::DropConnection`]), half after ([`Fault::DropAfterApplying`]),
    /// as a real network does both; the request log says which.
    pub drops: f64,
    /// Every answer, refusals included, waits a time drawn evenly from
    /// this range, as from a host that far away. The request is carried out
    /// on arrival; only its answer is slow.
    pub delay: Option<RangeInclusive<Duration>>,
    /// How every 429 is worded, and whether a 503 says when to come back.
    pub refusal: RefusalShape,
    /// The generators' seed.
    pub seed: u64,
}

/// At most `requests` requests are carried out within any `per` window;
/// the others are refused with HTTP 429 (and do not count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
}

impl RateLimit {
    pub fn per_second(requests: u32) -> Self {
        Self {
            requests,
            per: Duration::from_secs(1),
        }
    }
}

impl Misbehaviour {
    /// Whether anything is switched on.
    pub fn is_on(&self) -> bool {
        self.rate_limit.is_some()
            || self.too_many_requests > 0.0
            || self.max_in_flight.is_some()
            || self.server_errors > 0.0
            || self.drops > 0.0
            || self.delay.is_some()
    }

    /// Whether it can refuse a request with a 429 or a 503, the answers
    /// [`Misbehaviour::refusal`] shapes.
    fn refuses(&self) -> bool {
        self.rate_limit.is_some()
            || self.too_many_requests > 0.0
            || self.max_in_flight.is_some()
            || self.server_errors > 0.0
    }

    /// Checks the settings: probabilities from 0 to 1, a rate limit of at
    /// least one request in a window longer than zero, room for at least
    /// one request in flight, a delay range whose start is not after its end.
    pub fn check(&self) -> Result<(), String> {
        for (name, p) in [
            ("too_many_requests", self.too_many_requests),
            ("server_errors", self.server_errors),
            ("drops", self.drops),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name}: {p} is not a probability from 0 to 1"));
            }
        }
        if let Some(limit) = self.rate_limit {
            if limit.requests == 0 || limit.per.is_zero() {
                return Err("rate_limit: at least one request in a window longer than zero".into());
            }
        }
        if self.max_in_flight == Some(0) {
            return Err("max_in_flight: at least one request".into());
        }
        if let Some(range) = &self.delay {
            if range.start() > range.end() {
                return Err(format!(
                    "delay: the range {:?}..={:?} ends before it starts",
                    range.start(),
                    range.end()
                ));
            }
        }
        Ok(())
    }
}

impl fmt::Display for Misbehaviour {
    /// One line for people, e.g. `rate limit 50 per 1000 ms, 429 5%, at most
    /// 8 in flight, 5xx 5%, drops 2%, delay 20..=200 ms, 429s as json with
    /// Retry-After 1 s, seed 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(l) = self.rate_limit {
            parts.push(format!(
                "rate limit {} per {} ms",
                l.requests,
                l.per.as_millis()
            ));
        }
        if self.too_many_requests > 0.0 {
            parts.push(format!("429 {}%", percent(self.too_many_requests)));
        }
        if let Some(n) = self.max_in_flight {
            parts.push(format!("at most {n} in flight"));
        }
        if self.server_errors > 0.0 {
            parts.push(format!("5xx {}%", percent(self.server_errors)));
        }
        if self.drops > 0.0 {
            parts.push(format!("drops {}%", percent(self.drops)));
        }
        if let Some(d) = &self.delay {
            parts.push(format!(
                "delay {}..={} ms",
                d.start().as_millis(),
                d.end().as_millis()
            ));
        }
        if parts.is_empty() {
            parts.push("none".into());
        }
        if self.refuses() {
            parts.push(self.refusal.to_string());
        }
        parts.push(format!("seed {}", self.seed));
        f.write_str(&parts.join(", "))
    }
}

/// A probability as a percentage, without floating-point noise (7, not 7.000000000000001).
fn percent(p: f64) -> f64 {
    (p * 1e6).round() / 1e4
}

/// SplitMix64: tiny, fast, and good enough for test luck; any seed works.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What misbehaviour chose for one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Luck {
    pub fault: Option<Fault>,
    /// How long the answer waits.
    pub slow: Option<Duration>,
    /// How a refusal is worded.
    pub refusal: RefusalShape,
}

/// The live state: the settings, the generators and the rate window.
pub(crate) struct Misbehaving {
    config: Misbehaviour,
    rng: SplitMix64,
    /// The random 429s' own generator, so that switching them on leaves
    /// every other draw as it was.
    rng_429: SplitMix64,
    /// When each request the rate limit let through arrived, oldest first.
    recent: VecDeque<Instant>,
}

const SERVER_ERRORS: [u16; 4] = [500, 502, 503, 504];

/// Sets the random 429s' generator apart from the main one (any odd
/// constant would do).
const SEED_429: u64 = 0x429D_EE9C_A11D_E5C1;

impl Misbehaving {
    pub fn new(config: Misbehaviour) -> Self {
        Self {
            rng: SplitMix64(config.seed),
            rng_429: SplitMix64(config.seed ^ SEED_429),
            config,
            recent: VecDeque::new(),
        }
    }

    pub fn max_in_flight(&self) -> Option<u32> {
        self.config.max_in_flight
    }

    /// Decides the fate of an API request arriving at `now`. `decided` is a
    /// fault already chosen for it (a test's, or the cap on requests in
    /// flight): it stands, the request still draws its numbers (so later
    /// requests meet the same luck), misbehaviour adds only its delay, and
    /// the rate window does not count it.
    pub fn draw(&mut self, now: Instant, decided: Option<Fault>) -> Luck {
        let refusal = self.config.refusal.clone();
        if !self.config.is_on() {
            return Luck {
                fault: decided,
                slow: None,
                refusal,
            };
        }
        let [error, which, drop, side, delay] = std::array::from_fn(|_| self.rng.unit());
        let too_many = self.rng_429.unit();
        let slow = self.config.delay.as_ref().map(|range| {
            let span = range.end().saturating_sub(*range.start());
            *range.start() + Duration::from_nanos((span.as_nanos() as f64 * delay) as u64)
        });
        let fault = if decided.is_some() {
            decided
        } else if self.limited(now) {
            Some(Fault::RateLimited)
        } else if error < self.config.server_errors {
            let i = ((which * SERVER_ERRORS.len() as f64) as usize).min(SERVER_ERRORS.len() - 1);
            Some(Fault::ServerError(SERVER_ERRORS[i]))
        } else if drop < self.config.drops {
            Some(if side < 0.5 {
                Fault::DropConnection
            } else {
                Fault::DropAfterApplying
            })
        } else if too_many < self.config.too_many_requests {
            Some(Fault::RateLimited)
        } else {
            None
        };
        Luck {
            fault,
            slow,
            refusal,
        }
    }

    /// Whether the rate limit refuses a request arriving at `now`; counts it if not.
    fn limited(&mut self, now: Instant) -> bool {
        let Some(limit) = self.config.rate_limit else {
            return false;
        };
        while let Some(first) = self.recent.front() {
            if now.saturating_duration_since(*first) >= limit.per {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        if self.recent.len() >= limit.requests as usize {
            return true;
        }
        self.recent.push_back(now);
        false
    }
}

#[cfg(test)]
mod tests;
