//! Misbehaviour for bulk runs: a rate limit, random 5xx answers, dropped
//! connections and slow answers, drawn from a seeded generator so that a
//! run is reproducible. Set it with [`super::Options::misbehaviour`] or
//! [`super::Sandbox::set_misbehaviour`], or on the `deepcall-sandbox`
//! command line.

use std::collections::VecDeque;
use std::fmt;
use std::ops::RangeInclusive;
use std::time::{Duration, Instant};

use super::Fault;

/// How the sandbox misbehaves on its own, for every API request that no
/// test fault ([`super::Sandbox::fail_next`] and the like) was set for.
/// The default misbehaves not at all.
///
/// Each such request draws the same five numbers from the generator
/// whatever is switched on, so the k-th request meets the same luck in
/// every run with the same seed (requests that arrive together may arrive
/// in either order, of course).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Misbehaviour {
    /// Above this many requests within the window, answer HTTP 429 with
    /// `Retry-After`; the request is not carried out.
    pub rate_limit: Option<RateLimit>,
    /// The probability (0 to 1) of an HTTP 500, 502, 503 or 504 answer
    /// instead of the request being carried out.
    pub server_errors: f64,
    /// The probability (0 to 1) that the connection is closed without an
    /// answer. Half of these close before the request is carried out
    /// ([`Fault::DropConnection`]), half after ([`Fault::DropAfterApplying`]),
    /// as a real network does both; the request log says which.
    pub drops: f64,
    /// Every answer (except a 429) waits a time drawn evenly from this
    /// range. The request is carried out on arrival; only its answer is slow.
    pub delay: Option<RangeInclusive<Duration>>,
    /// The generator's seed.
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
            || self.server_errors > 0.0
            || self.drops > 0.0
            || self.delay.is_some()
    }

    /// Checks the settings: probabilities from 0 to 1, a rate limit of at
    /// least one request in a window longer than zero, a delay range whose
    /// start is not after its end.
    pub fn check(&self) -> Result<(), String> {
        for (name, p) in [("server_errors", self.server_errors), ("drops", self.drops)] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name}: {p} is not a probability from 0 to 1"));
            }
        }
        if let Some(limit) = self.rate_limit {
            if limit.requests == 0 || limit.per.is_zero() {
                return Err("rate_limit: at least one request in a window longer than zero".into());
            }
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
    /// One line for people, e.g. `rate limit 50 per 1000 ms, 5xx 5%, drops 2%, delay 20..=200 ms, seed 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(l) = self.rate_limit {
            parts.push(format!(
                "rate limit {} per {} ms",
                l.requests,
                l.per.as_millis()
            ));
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
}

/// The live state: the settings, the generator and the rate window.
pub(crate) struct Misbehaving {
    config: Misbehaviour,
    rng: SplitMix64,
    /// When each request the rate limit let through arrived, oldest first.
    recent: VecDeque<Instant>,
}

const SERVER_ERRORS: [u16; 4] = [500, 502, 503, 504];

impl Misbehaving {
    pub fn new(config: Misbehaviour) -> Self {
        Self {
            rng: SplitMix64(config.seed),
            config,
            recent: VecDeque::new(),
        }
    }

    /// Decides the fate of a request arriving at `now`.
    pub fn draw(&mut self, now: Instant) -> Luck {
        if !self.config.is_on() {
            return Luck {
                fault: None,
                slow: None,
            };
        }
        let [error, which, drop, side, delay] = std::array::from_fn(|_| self.rng.unit());
        if self.limited(now) {
            return Luck {
                fault: Some(Fault::RateLimited),
                slow: None,
            };
        }
        let fault = if error < self.config.server_errors {
            let i = ((which * SERVER_ERRORS.len() as f64) as usize).min(SERVER_ERRORS.len() - 1);
            Some(Fault::ServerError(SERVER_ERRORS[i]))
        } else if drop < self.config.drops {
            Some(if side < 0.5 {
                Fault::DropConnection
            } else {
                Fault::DropAfterApplying
            })
        } else {
            None
        };
        let slow = self.config.delay.as_ref().map(|range| {
            let span = range.end().saturating_sub(*range.start());
            *range.start() + Duration::from_nanos((span.as_nanos() as f64 * delay) as u64)
        });
        Luck { fault, slow }
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
mod tests {
    use super::*;

    fn faults(config: Misbehaviour, n: usize) -> Vec<Option<Fault>> {
        let mut m = Misbehaving::new(config);
        let now = Instant::now();
        (0..n).map(|_| m.draw(now).fault).collect()
    }

    #[test]
    fn off_by_default() {
        assert!(!Misbehaviour::default().is_on());
        assert!(faults(Misbehaviour::default(), 100)
            .iter()
            .all(Option::is_none));
    }

    #[test]
    fn the_same_seed_gives_the_same_luck_and_another_seed_other_luck() {
        let config = |seed| Misbehaviour {
            server_errors: 0.3,
            drops: 0.2,
            seed,
            ..Misbehaviour::default()
        };
        let a = faults(config(7), 200);
        assert_eq!(a, faults(config(7), 200));
        assert_ne!(a, faults(config(8), 200));
        let errors = a
            .iter()
            .filter(|f| matches!(f, Some(Fault::ServerError(_))))
            .count();
        // 30% of 200, within a wide margin (the seed is fixed: this is exact).
        assert!((30..=90).contains(&errors), "{errors}");
        for code in SERVER_ERRORS {
            assert!(a.contains(&Some(Fault::ServerError(code))), "{code}");
        }
        assert!(a.contains(&Some(Fault::DropConnection)));
        assert!(a.contains(&Some(Fault::DropAfterApplying)));
        assert!(a.contains(&None));
    }

    #[test]
    fn probabilities_zero_and_one() {
        let all = faults(
            Misbehaviour {
                server_errors: 1.0,
                ..Misbehaviour::default()
            },
            50,
        );
        assert!(all.iter().all(|f| matches!(f, Some(Fault::ServerError(_)))));
        let drops = faults(
            Misbehaviour {
                drops: 1.0,
                ..Misbehaviour::default()
            },
            50,
        );
        assert!(drops
            .iter()
            .all(|f| matches!(f, Some(Fault::DropConnection | Fault::DropAfterApplying))));
    }

    #[test]
    fn turning_on_a_delay_does_not_change_which_requests_fail() {
        let plain = Misbehaviour {
            server_errors: 0.5,
            seed: 3,
            ..Misbehaviour::default()
        };
        let slow = Misbehaviour {
            delay: Some(Duration::from_millis(10)..=Duration::from_millis(20)),
            ..plain.clone()
        };
        assert_eq!(faults(plain, 100), faults(slow, 100));
    }

    #[test]
    fn delays_stay_within_their_range_and_vary() {
        let mut m = Misbehaving::new(Misbehaviour {
            delay: Some(Duration::from_millis(20)..=Duration::from_millis(200)),
            seed: 1,
            ..Misbehaviour::default()
        });
        let now = Instant::now();
        let slow: Vec<Duration> = (0..100).map(|_| m.draw(now).slow.unwrap()).collect();
        assert!(slow
            .iter()
            .all(|d| (Duration::from_millis(20)..=Duration::from_millis(200)).contains(d)));
        assert!(slow.iter().any(|d| *d != slow[0]));
    }

    #[test]
    fn the_rate_limit_is_a_sliding_window() {
        let mut m = Misbehaving::new(Misbehaviour {
            rate_limit: Some(RateLimit::per_second(3)),
            ..Misbehaviour::default()
        });
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let limited = |m: &mut Misbehaving, ms| m.draw(at(ms)).fault == Some(Fault::RateLimited);
        assert!(!limited(&mut m, 0));
        assert!(!limited(&mut m, 100));
        assert!(!limited(&mut m, 200));
        assert!(limited(&mut m, 300), "a fourth within the second");
        assert!(limited(&mut m, 999));
        assert!(!limited(&mut m, 1000), "the first has left the window");
        assert!(
            limited(&mut m, 1050),
            "refused requests do not count, but 100, 200, 1000 do"
        );
        assert!(!limited(&mut m, 1100));
    }

    #[test]
    fn settings_are_checked() {
        let bad = [
            Misbehaviour {
                server_errors: 1.5,
                ..Misbehaviour::default()
            },
            Misbehaviour {
                drops: -0.1,
                ..Misbehaviour::default()
            },
            Misbehaviour {
                drops: f64::NAN,
                ..Misbehaviour::default()
            },
            Misbehaviour {
                rate_limit: Some(RateLimit::per_second(0)),
                ..Misbehaviour::default()
            },
            Misbehaviour {
                delay: Some(Duration::from_millis(5)..=Duration::from_millis(2)),
                ..Misbehaviour::default()
            },
        ];
        for m in bad {
            assert!(m.check().is_err(), "{m:?}");
        }
        assert!(Misbehaviour::default().check().is_ok());
    }

    #[test]
    fn it_reads_plainly() {
        let m = Misbehaviour {
            rate_limit: Some(RateLimit::per_second(50)),
            server_errors: 0.05,
            drops: 0.02,
            delay: Some(Duration::from_millis(20)..=Duration::from_millis(200)),
            seed: 7,
        };
        assert_eq!(
            m.to_string(),
            "rate limit 50 per 1000 ms, 5xx 5%, drops 2%, delay 20..=200 ms, seed 7"
        );
        assert_eq!(Misbehaviour::default().to_string(), "none, seed 0");
    }
}
