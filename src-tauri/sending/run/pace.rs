//! Waiting in a run: the wait every worker keeps when DeepCall names one
//! (`Retry-After`), one row's own growing wait between tries, and the wait
//! that Pause, Cancel or the run pausing itself cuts short.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::Control;

/// A wait every worker keeps: when DeepCall says "come back in 20 s", no
/// request of the run leaves before then.
#[derive(Default)]
pub struct Gate {
    until: Mutex<Option<Instant>>,
}

impl Gate {
    pub fn push_back(&self, wait: Duration) {
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        let new = Instant::now() + wait;
        if until.is_none_or(|u| u < new) {
            *until = Some(new);
        }
    }

    /// How long is left, if anything.
    pub fn left(&self) -> Option<Duration> {
        let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
        until
            .map(|u| u.saturating_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }
}

/// One row's wait before its next try: doubling from `first` up to
/// `longest`, with a random part so that rows refused together do not all
/// come back together.
pub fn backoff(first: Duration, longest: Duration, tries: u32) -> Duration {
    let grown = first.saturating_mul(1u32 << tries.min(16)).min(longest);
    // "Equal jitter": half the wait fixed, half drawn.
    grown / 2 + grown.mul_f64(jitter() / 2.0)
}

/// A number in `0.0..1.0`, different on each call; not for secrets.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    // The standard library's randomly keyed hasher, fed a count of draws:
    // no generator to carry around, a new number each call.
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(DRAWS.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Why a wait was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The manager pressed Pause or Cancel.
    Manager,
    /// The run paused itself.
    Halted,
}

/// What a worker waits on besides its own work.
#[derive(Clone)]
pub struct Stops {
    pub control: watch::Receiver<Control>,
    pub halt: watch::Receiver<Option<super::Halt>>,
}

impl Stops {
    /// Why the run should not start anything new now, if it should not.
    pub fn cut(&self) -> Option<Cut> {
        if self.halt.borrow().is_some() {
            Some(Cut::Halted)
        } else if *self.control.borrow() != Control::Run {
            Some(Cut::Manager)
        } else {
            None
        }
    }

    /// Runs `work` unless the manager or the run stops first.
    pub async fn unless_stopped<T>(
        &mut self,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, Cut> {
        if let Some(cut) = self.cut() {
            return Err(cut);
        }
        let (mut control, mut halt) = (self.control.clone(), self.halt.clone());
        tokio::select! {
            done = work => Ok(done),
            _ = control.wait_for(|c| *c != Control::Run) => Err(Cut::Manager),
            _ = halt.wait_for(Option::is_some) => Err(Cut::Halted),
        }
    }

    /// Sleeps `wait`, and then any wait the gate holds, unless stopped.
    pub async fn sleep(&mut self, wait: Duration, gate: &Gate) -> Result<(), Cut> {
        self.unless_stopped(async {
            tokio::time::sleep(wait).await;
            while let Some(left) = gate.left() {
                tokio::time::sleep(left).await;
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_longest_with_a_random_half() {
        let first = Duration::from_millis(100);
        let longest = Duration::from_secs(2);
        for tries in 0..10 {
            let full = first.saturating_mul(1 << tries).min(longest);
            let w = backoff(first, longest, tries);
            assert!(w >= full / 2 && w <= full, "{tries}: {w:?}");
        }
        let draws: Vec<Duration> = (0..20).map(|_| backoff(first, longest, 3)).collect();
        assert!(draws.iter().any(|d| *d != draws[0]), "{draws:?}");
    }

    #[test]
    fn the_gate_keeps_the_longest_wait() {
        let gate = Gate::default();
        assert_eq!(gate.left(), None);
        gate.push_back(Duration::from_secs(5));
        gate.push_back(Duration::from_secs(1));
        assert!(gate.left().unwrap() > Duration::from_secs(4));
    }

    #[tokio::test]
    async fn pause_and_a_halt_cut_a_wait_short() {
        let (control, control_rx) = watch::channel(Control::Run);
        let (halt, halt_rx) = watch::channel(None);
        let mut stops = Stops {
            control: control_rx,
            halt: halt_rx,
        };
        let gate = Gate::default();
        let long = Duration::from_secs(60);
        let paused = tokio::spawn({
            let mut stops = stops.clone();
            async move { stops.sleep(long, &Gate::default()).await }
        });
        control.send_replace(Control::Pause);
        assert_eq!(paused.await.unwrap(), Err(Cut::Manager));
        control.send_replace(Control::Run);
        assert_eq!(stops.sleep(Duration::ZERO, &gate).await, Ok(()));
        halt.send_replace(Some(super::super::Halt::Unreachable));
        assert_eq!(stops.sleep(long, &gate).await, Err(Cut::Halted));
    }
}
