//! How many requests a bulk run keeps in flight: as many as DeepCall
//! answers quickly and cleanly, found as it goes.
//!
//! Additive increase, multiplicative decrease (AIMD, as TCP does): a sign
//! of overload (HTTP 429, a 503, no answer in time) halves the limit in
//! force when that request started, once per round of requests. Until the
//! first overload every quick, clean answer adds one (TCP's slow start:
//! the limit doubles each round). After a halving the limit climbs back as
//! quickly to just under where the overload came (CUBIC's idea: the
//! ceiling is probably where it was), and only then probes above it, about
//! one more per round, so a run spends most of its time near the server's
//! real capacity instead of in a saw-tooth averaging three quarters of it.
//! An answer much slower than the quickest seen (TCP Vegas's sign of a
//! queue building at the server) adds nothing.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The limits a run keeps to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests at a time when a run starts.
    pub start: u32,
    pub least: u32,
    pub most: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            start: 4,
            least: 1,
            most: 32,
        }
    }
}

/// How one request went, for the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Answered, whatever DeepCall said of the row (a refusal of the row is
    /// a clean answer for the limit).
    Answered(Duration),
    /// 429, 503 or no answer in time.
    Overload,
    /// Neither: the connection broke, a gateway's page. Says nothing of load.
    Other,
}

/// The controller's arithmetic, without a clock or tasks (unit-tested).
#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    limits: Limits,
    limit: f64,
    /// The limit at the last overload: the climb after a halving is quick
    /// up to just under it.
    ceiling: Option<f64>,
    /// Counts halvings: a request started before the latest one does not
    /// halve again (its overload belongs to a round already answered).
    round: u64,
    quickest: Option<Duration>,
}

/// What a request was given when it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Started {
    /// Counts the halvings before it.
    round: u64,
    /// The limit in force.
    limit: u32,
}

/// How much slower than the quickest answer still counts as quick.
const QUICK: u32 = 2;
/// The quick climb after a halving stops this far under the ceiling.
const NEAR_CEILING: f64 = 0.9;

impl Controller {
    pub fn new(limits: Limits) -> Self {
        let least = limits.least.max(1);
        let most = limits.most.max(least);
        let limits = Limits {
            least,
            most,
            start: limits.start.clamp(least, most),
        };
        Self {
            limit: f64::from(limits.start),
            limits,
            ceiling: None,
            round: 0,
            quickest: None,
        }
    }

    /// Requests allowed in flight now.
    pub fn limit(&self) -> u32 {
        (self.limit.floor() as u32).clamp(self.limits.least, self.limits.most)
    }

    /// What a request starting now is given: its round and the limit.
    pub fn started(&self) -> Started {
        Started {
            round: self.round,
            limit: self.limit(),
        }
    }

    /// Takes what one request said. `started` is what it was given when it
    /// started ([`Controller::started`]); `busy`, whether the limit was in
    /// use then (a run with fewer rows left than the limit learns nothing
    /// about a larger one).
    pub fn heard(&mut self, signal: Signal, started: Started, busy: bool) {
        match signal {
            Signal::Answered(took) => {
                let quickest = *self.quickest.get_or_insert(took);
                if took < quickest {
                    self.quickest = Some(took);
                }
                let quick = took <= quickest.saturating_mul(QUICK);
                if !(quick && busy) {
                    return;
                }
                let step = match self.ceiling {
                    None => 1.0,
                    Some(c) if self.limit < c * NEAR_CEILING => 1.0,
                    // Probing: about one more per round of requests.
                    Some(_) => 1.0 / self.limit,
                };
                self.limit = (self.limit + step).min(f64::from(self.limits.most));
            }
            Signal::Overload if started.round == self.round => {
                let at = f64::from(started.limit);
                self.ceiling = Some(at);
                self.limit = (at / 2.0).max(f64::from(self.limits.least));
                self.round += 1;
            }
            Signal::Overload | Signal::Other => {}
        }
    }
}

/// The controller shared by a run's workers: a request waits for room.
pub struct Limiter {
    state: Mutex<(Controller, u32)>,
    room: Notify,
}

/// Room for one request; give it back with [`Permit::heard`].
pub struct Permit<'a> {
    limiter: &'a Limiter,
    started_as: Started,
    busy: bool,
    started: Instant,
    given_back: bool,
}

impl Limiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            state: Mutex::new((Controller::new(limits), 0)),
            room: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Controller, u32)> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The limit now.
    pub fn limit(&self) -> u32 {
        self.lock().0.limit()
    }

    /// Waits until fewer requests than the limit are in flight.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            let notified = self.room.notified();
            {
                let mut state = self.lock();
                let (controller, in_flight) = &mut *state;
                if *in_flight < controller.limit() {
                    *in_flight += 1;
                    return Permit {
                        limiter: self,
                        started_as: controller.started(),
                        busy: *in_flight + 1 >= controller.limit(),
                        started: Instant::now(),
                        given_back: false,
                    };
                }
            }
            notified.await;
        }
    }

    fn give_back(&self, signal: Option<Signal>, started: Started, busy: bool) {
        {
            let mut state = self.lock();
            let (controller, in_flight) = &mut *state;
            *in_flight = in_flight.saturating_sub(1);
            if let Some(signal) = signal {
                controller.heard(signal, started, busy);
            }
        }
        self.room.notify_waiters();
    }
}

impl Permit<'_> {
    /// How long since the request started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The request is done; this is what it said.
    pub fn heard(mut self, signal: Signal) {
        self.given_back = true;
        self.limiter
            .give_back(Some(signal), self.started_as, self.busy);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // A request abandoned (its task stopped) frees its room, saying nothing.
        if !self.given_back {
            self.limiter.give_back(None, self.started_as, self.busy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(100);

    fn answered(c: &mut Controller, n: usize) {
        for _ in 0..n {
            let started = c.started();
            c.heard(Signal::Answered(MS), started, true);
        }
    }

    fn overload(c: &mut Controller) {
        let started = c.started();
        c.heard(Signal::Overload, started, true);
    }

    #[test]
    fn starts_at_four_and_doubles_each_round_until_the_first_overload() {
        let mut c = Controller::new(Limits::default());
        assert_eq!(c.limit(), 4);
        answered(&mut c, 4);
        assert_eq!(c.limit(), 8);
        answered(&mut c, 8);
        assert_eq!(c.limit(), 16);
        answered(&mut c, 10_000);
        assert_eq!(c.limit(), 32, "never above the most");
    }

    #[test]
    fn a_slow_answer_or_an_idle_limit_does_not_climb() {
        let mut c = Controller::new(Limits::default());
        answered(&mut c, 1);
        for _ in 0..100 {
            let started = c.started();
            c.heard(Signal::Answered(MS * 3), started, true);
        }
        assert_eq!(c.limit(), 5, "three times the quickest is a queue building");
        for _ in 0..100 {
            let started = c.started();
            c.heard(Signal::Answered(MS), started, false);
        }
        assert_eq!(
            c.limit(),
            5,
            "fewer requests than the limit say nothing of more"
        );
    }

    #[test]
    fn an_overload_halves_once_per_round() {
        let mut c = Controller::new(Limits {
            start: 16,
            ..Limits::default()
        });
        let round = c.started();
        c.heard(Signal::Overload, round, true);
        assert_eq!(c.limit(), 8);
        // The other requests of the same round were refused too: no more halving.
        for _ in 0..10 {
            c.heard(Signal::Overload, round, true);
        }
        assert_eq!(c.limit(), 8);
        overload(&mut c);
        assert_eq!(c.limit(), 4);
        for _ in 0..10 {
            overload(&mut c);
        }
        assert_eq!(c.limit(), 1, "never below the least");
        let started = c.started();
        c.heard(Signal::Other, started, true);
        assert_eq!(c.limit(), 1, "a broken connection says nothing of load");
    }

    #[test]
    fn it_halves_the_limit_the_refused_request_was_sent_under() {
        let mut c = Controller::new(Limits {
            start: 16,
            ..Limits::default()
        });
        let refused = c.started();
        // The round's other answers came first and added to the limit.
        answered(&mut c, 10);
        c.heard(Signal::Overload, refused, true);
        assert_eq!(c.limit(), 8);
    }

    #[test]
    fn after_a_halving_it_climbs_quickly_to_near_the_ceiling_then_probes() {
        let mut c = Controller::new(Limits {
            start: 20,
            ..Limits::default()
        });
        overload(&mut c);
        assert_eq!(c.limit(), 10);
        // One per answer up to 90% of 20.
        answered(&mut c, 8);
        assert_eq!(c.limit(), 18);
        // Then about one per round: 18 answers for the next one.
        answered(&mut c, 17);
        assert_eq!(c.limit(), 18);
        answered(&mut c, 2);
        assert_eq!(c.limit(), 19);
    }

    #[test]
    fn a_server_capped_at_sixteen_is_kept_near_sixteen() {
        // A server that refuses requests beyond 16 in flight: a round of
        // requests at limit L gets min(L, 16) answers, and a 429 when L > 16.
        let mut c = Controller::new(Limits::default());
        let mut served = 0u64;
        let rounds: u32 = 2_000;
        for _ in 0..rounds {
            let started = c.started();
            let limit = c.limit();
            served += u64::from(limit.min(16));
            for _ in 0..limit.min(16) {
                let now = c.started();
                c.heard(Signal::Answered(MS), now, true);
            }
            if limit > 16 {
                c.heard(Signal::Overload, started, true);
            }
        }
        let share = served as f64 / (f64::from(rounds) * 16.0);
        // A plain AIMD saw-tooth from 8 to 16 would serve three quarters.
        assert!(share > 0.85, "{share}");
    }

    #[test]
    fn limits_are_kept_sane() {
        let c = Controller::new(Limits {
            start: 50,
            least: 0,
            most: 8,
        });
        assert_eq!(c.limit(), 8);
    }

    #[tokio::test]
    async fn the_limiter_lets_only_the_limit_through() {
        let limiter = Limiter::new(Limits {
            start: 2,
            least: 1,
            most: 2,
        });
        let a = limiter.acquire().await;
        let _b = limiter.acquire().await;
        let third = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(third.is_err(), "a third waits");
        a.heard(Signal::Answered(MS));
        let third = tokio::time::timeout(Duration::from_millis(500), limiter.acquire()).await;
        assert!(third.is_ok(), "room again once one is answered");
    }
}
