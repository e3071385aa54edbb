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
mod tests {
    use super::super::RefusalBody;
    use super::*;

    fn faults(config: Misbehaviour, n: usize) -> Vec<Option<Fault>> {
        let mut m = Misbehaving::new(config);
        let now = Instant::now();
        (0..n).map(|_| m.draw(now, None).fault).collect()
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
        let every = |config: Misbehaviour, fits: fn(&Fault) -> bool| {
            faults(config, 50)
                .iter()
                .all(|f| f.as_ref().is_some_and(fits))
        };
        let errors = Misbehaviour {
            server_errors: 1.0,
            ..Misbehaviour::default()
        };
        assert!(every(errors, |f| matches!(f, Fault::ServerError(_))));
        let drops = Misbehaviour {
            drops: 1.0,
            ..Misbehaviour::default()
        };
        assert!(every(drops, |f| matches!(
            f,
            Fault::DropConnection | Fault::DropAfterApplying
        )));
        let too_many = Misbehaviour {
            too_many_requests: 1.0,
            ..Misbehaviour::default()
        };
        assert!(every(too_many, |f| *f == Fault::RateLimited));
        let zero = Misbehaviour {
            too_many_requests: 0.0,
            max_in_flight: Some(1),
            ..Misbehaviour::default()
        };
        assert!(faults(zero, 50).iter().all(Option::is_none));
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
        let slow: Vec<Duration> = (0..100).map(|_| m.draw(now, None).slow.unwrap()).collect();
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
        let limited =
            |m: &mut Misbehaving, ms| m.draw(at(ms), None).fault == Some(Fault::RateLimited);
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
                too_many_requests: 2.0,
                ..Misbehaviour::default()
            },
            Misbehaviour {
                max_in_flight: Some(0),
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
            too_many_requests: 1.0 / 7.0,
            max_in_flight: Some(8),
            server_errors: 0.05,
            drops: 0.02,
            delay: Some(Duration::from_millis(20)..=Duration::from_millis(200)),
            refusal: RefusalShape {
                body: RefusalBody::Html,
                retry_after: None,
            },
            seed: 7,
        };
        assert_eq!(
            m.to_string(),
            "rate limit 50 per 1000 ms, 429 14.2857%, at most 8 in flight, 5xx 5%, drops 2%, \
             delay 20..=200 ms, 429s as html without Retry-After, seed 7"
        );
        assert_eq!(Misbehaviour::default().to_string(), "none, seed 0");
        // The shape is named only where something can refuse.
        let slow = Misbehaviour {
            delay: Some(Duration::from_millis(5)..=Duration::from_millis(5)),
            ..Misbehaviour::default()
        };
        assert_eq!(slow.to_string(), "delay 5..=5 ms, seed 0");
        let errors = Misbehaviour {
            server_errors: 0.5,
            ..Misbehaviour::default()
        };
        assert_eq!(
            errors.to_string(),
            "5xx 50%, 429s as json with Retry-After 1 s, seed 0"
        );
    }

    #[test]
    fn random_429s_come_as_often_as_asked() {
        let run = |seed| {
            let config = Misbehaviour {
                too_many_requests: 1.0 / 7.0,
                seed,
                ..Misbehaviour::default()
            };
            faults(config, 7_000)
        };
        let one_in_seven = run(5);
        assert_eq!(one_in_seven, run(5), "the same seed, the same requests");
        assert_ne!(one_in_seven, run(6), "another seed, other requests");
        let refused = one_in_seven
            .iter()
            .filter(|f| **f == Some(Fault::RateLimited))
            .count();
        // 1,000 expected; the seed is fixed, so this is exact run to run.
        assert!((900..=1_100).contains(&refused), "{refused}");
        assert!(one_in_seven
            .iter()
            .all(|f| matches!(f, None | Some(Fault::RateLimited))));
    }

    #[test]
    fn turning_on_429s_or_a_cap_leaves_the_5xx_and_drops_where_they_were() {
        let old = Misbehaviour {
            server_errors: 0.2,
            drops: 0.2,
            seed: 9,
            ..Misbehaviour::default()
        };
        let before = faults(old.clone(), 500);
        let with_429s = faults(
            Misbehaviour {
                too_many_requests: 0.3,
                ..old.clone()
            },
            500,
        );
        let mut turned = 0;
        for (b, a) in before.iter().zip(&with_429s) {
            match b {
                Some(_) => assert_eq!(a, b),
                None if a.is_some() => {
                    assert_eq!(a, &Some(Fault::RateLimited));
                    turned += 1;
                }
                None => {}
            }
        }
        assert!(turned > 0, "some requests that passed now get 429");
        let capped = Misbehaviour {
            max_in_flight: Some(4),
            ..old
        };
        assert_eq!(faults(capped, 500), before);
    }

    #[test]
    fn a_decided_fault_stands_draws_its_numbers_and_is_not_counted_by_the_rate_limit() {
        let config = Misbehaviour {
            rate_limit: Some(RateLimit::per_second(2)),
            server_errors: 0.3,
            delay: Some(Duration::from_millis(10)..=Duration::from_millis(90)),
            seed: 4,
            ..Misbehaviour::default()
        };
        let now = Instant::now();
        let mut plain = Misbehaving::new(config.clone());
        let mut capped = Misbehaving::new(config);
        let a: Vec<Luck> = (0..6).map(|_| plain.draw(now, None)).collect();
        let b: Vec<Luck> = (0..6)
            .map(|i| {
                let decided = (i % 2 == 1).then_some(Fault::TooManyInFlight);
                capped.draw(now, decided)
            })
            .collect();
        // Every request drew its numbers: the delays line up one to one.
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.slow, y.slow);
        }
        assert_eq!(a[0].fault, b[0].fault);
        for i in [1, 3, 5] {
            assert_eq!(b[i].fault, Some(Fault::TooManyInFlight), "{i}");
        }
        // The third request within the second is over the limit, unless
        // the cap's refusals before it were counted (they are not).
        assert_eq!(a[2].fault, Some(Fault::RateLimited));
        assert_ne!(b[2].fault, Some(Fault::RateLimited));
        assert_eq!(b[4].fault, Some(Fault::RateLimited));
    }

    #[test]
    fn refusals_are_slow_too() {
        let mut m = Misbehaving::new(Misbehaviour {
            rate_limit: Some(RateLimit::per_second(1)),
            delay: Some(Duration::from_millis(80)..=Duration::from_millis(120)),
            ..Misbehaviour::default()
        });
        let now = Instant::now();
        assert_eq!(m.draw(now, None).fault, None);
        let refused = m.draw(now, None);
        assert_eq!(refused.fault, Some(Fault::RateLimited));
        assert!(
            refused.slow.is_some_and(
                |d| (Duration::from_millis(80)..=Duration::from_millis(120)).contains(&d)
            )
        );
        let capped = m.draw(now, Some(Fault::TooManyInFlight));
        assert!(capped.slow.is_some());
    }
}
