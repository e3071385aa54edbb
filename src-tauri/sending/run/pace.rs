//! Waiting in a run: the wait every worker keeps when DeepCall names one
//! (`Retry-After`), and the wait that Pause, Cancel or the run pausing
//! itself cuts short. One row's own growing wait between tries is
//! [`crate::sending::backoff`].

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
