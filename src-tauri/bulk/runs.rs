//! The bulk runs under way in this app: one at a time, each in a task of
//! its own for as long as the app is open, followed by at most one screen
//! (a few times a second at most, and always at its end), and its place
//! given back however its task ends. No Tauri here: the screen's channel is
//! handed in as a [`Watcher`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::deepcall::Client;
use crate::history::batch::BatchSummary;
use crate::history::{History, HistoryError};
use crate::sending::run::{self, Control, RunOptions, RunProgress, Start};

/// Hears a run's progress; answers `false` once nobody listens any more
/// (the screen was reloaded or closed), and is then no longer told.
pub type Watcher = Box<dyn Fn(RunProgress) -> bool + Send>;

/// How a run ended without a summary.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// History refused (another copy sends the run, the disk is full…).
    #[error(transparent)]
    History(#[from] HistoryError),
    /// Its task stopped without an outcome: a bug in the app itself.
    #[error(
        "The bulk update stopped because of a problem in DeepCall Desk itself. Every row \
         sent so far is in History, and the run is offered for Resume on the Bulk update screen."
    )]
    Broke,
}

/// Another run is under way, or being started.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("Another bulk update is under way. Let it finish, or cancel it, then start this one.")]
pub struct Busy;

/// How often a screen hears of a run at most (and always of its end).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// The runs under way in this app.
#[derive(Default)]
pub struct Runs {
    /// Shared with each run's task, which takes itself out when it ends.
    runs: Arc<Mutex<HashMap<i64, Arc<Running>>>>,
    /// A run is being written down and started (see [`Runs::reserve`]).
    starting: Arc<AtomicBool>,
}

/// The right to start the one run: held from the check until the run is
/// under way, so that two clicks on Send cannot start two runs.
pub struct Reserved(Arc<AtomicBool>);

impl Drop for Reserved {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// A run under way.
struct Running {
    control: watch::Sender<Control>,
    /// Who hears its progress: the screen that last asked to.
    watcher: Mutex<Option<Watcher>>,
    latest: Mutex<Option<RunProgress>>,
    /// `Some` when it has ended: how.
    ended: watch::Sender<Option<Result<BatchSummary, RunError>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Runs {
    /// One run at a time: two would share DeepCall's patience and the
    /// manager's attention, and a second click on Send must not send twice.
    pub fn reserve(&self) -> Result<Reserved, Busy> {
        let runs = lock(&self.runs);
        if runs.is_empty()
            && self
                .starting
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            Ok(Reserved(self.starting.clone()))
        } else {
            Err(Busy)
        }
    }

    /// Whether `batch` is under way in this app.
    pub fn is_running(&self, batch: i64) -> bool {
        self.running(batch).is_some()
    }

    fn running(&self, batch: i64) -> Option<Arc<Running>> {
        lock(&self.runs).get(&batch).cloned()
    }

    /// Runs `batch` in a task of its own (on the current Tokio runtime),
    /// for as long as the app is open. `reserved` is given back once it is
    /// under way.
    pub fn start(
        &self,
        reserved: Reserved,
        history: History,
        client: Client,
        batch: i64,
        how: Start,
    ) {
        let (control, control_rx) = watch::channel(Control::Run);
        let (ended, _) = watch::channel(None);
        let running = Arc::new(Running {
            control,
            watcher: Mutex::new(None),
            latest: Mutex::new(None),
            ended,
        });
        lock(&self.runs).insert(batch, running.clone());
        drop(reserved);
        let slot = Slot {
            runs: self.runs.clone(),
            running: running.clone(),
            batch,
            given_back: false,
        };
        tokio::spawn(async move {
            let sent_at = Mutex::new(None::<Instant>);
            let heard = |p: RunProgress| {
                let due = {
                    let mut at = lock(&sent_at);
                    let due = p.done == p.rows
                        || at.is_none_or(|t: Instant| t.elapsed() >= PROGRESS_EVERY)
                        || lock(&running.latest).as_ref().map(|l| l.paused) != Some(p.paused);
                    if due {
                        *at = Some(Instant::now());
                    }
                    due
                };
                *lock(&running.latest) = Some(p.clone());
                if due {
                    tell(&running, p);
                }
            };
            let outcome = run::run(
                &history,
                &client,
                batch,
                how,
                RunOptions::default(),
                control_rx,
                heard,
            )
            .await
            .map_err(RunError::from);
            match &outcome {
                Ok(s) => tracing::info!(
                    "bulk: run {batch} {:?}: {} confirmed, {} failed, {} unknown, {} changed \
                     since, {} not sent",
                    s.state,
                    s.confirmed,
                    s.failed,
                    s.unknown,
                    s.changed_since,
                    s.pending
                ),
                Err(e) => tracing::error!("bulk: run {batch} stopped: {e}"),
            }
            if let Some(last) = lock(&running.latest).clone() {
                tell(&running, last);
            }
            slot.give_back(outcome);
        });
    }

    /// Follows `batch`: its progress goes to `watcher` (at once, then as it
    /// moves) until it ends; then how it ended. `None` when it is not under
    /// way in this app.
    pub async fn watch(
        &self,
        batch: i64,
        watcher: Watcher,
    ) -> Option<Result<BatchSummary, RunError>> {
        let running = self.running(batch)?;
        let mut ended = running.ended.subscribe();
        *lock(&running.watcher) = Some(watcher);
        if let Some(latest) = lock(&running.latest).clone() {
            tell(&running, latest);
        }
        let outcome = ended.wait_for(Option::is_some).await.ok()?.clone();
        outcome
    }

    /// Pauses, resumes or cancels `batch`, and tells its screen at once.
    /// `false` when it is not under way in this app.
    pub fn control(&self, batch: i64, control: Control) -> bool {
        let Some(running) = self.running(batch) else {
            return false;
        };
        running.control.send_replace(control);
        let latest = lock(&running.latest).clone();
        if let Some(mut latest) = latest {
            latest.paused = control == Control::Pause;
            *lock(&running.latest) = Some(latest.clone());
            tell(&running, latest);
        }
        true
    }
}

/// A run's place among the runs under way: given back however its task
/// ends. A run whose task panicked must not refuse every later bulk update
/// until the app restarts, nor leave its screen waiting; it stays in
/// History, unfinished, for Resume.
struct Slot {
    runs: Arc<Mutex<HashMap<i64, Arc<Running>>>>,
    running: Arc<Running>,
    batch: i64,
    given_back: bool,
}

impl Slot {
    fn give_back(mut self, outcome: Result<BatchSummary, RunError>) {
        self.given_back = true;
        lock(&self.runs).remove(&self.batch);
        self.running.ended.send_replace(Some(outcome));
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if !self.given_back {
            tracing::error!("bulk: run {} stopped without an outcome", self.batch);
            lock(&self.runs).remove(&self.batch);
            self.running.ended.send_replace(Some(Err(RunError::Broke)));
        }
    }
}

/// Tells the screen watching a run how far it is.
fn tell(running: &Running, progress: RunProgress) {
    let mut watcher = lock(&running.watcher);
    if let Some(hear) = watcher.as_ref() {
        if !hear(progress) {
            *watcher = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_whose_task_panics_gives_back_its_place() {
        let runs = Runs::default();
        let running = Arc::new(Running {
            control: watch::channel(Control::Run).0,
            watcher: Mutex::new(None),
            latest: Mutex::new(None),
            ended: watch::channel(None).0,
        });
        lock(&runs.runs).insert(7, running.clone());
        assert!(runs.reserve().is_err(), "one run at a time");
        let slot = Slot {
            runs: runs.runs.clone(),
            running: running.clone(),
            batch: 7,
            given_back: false,
        };
        let task = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _slot = slot;
            panic!("a bug in the run");
        }));
        assert!(task.is_err());
        assert!(runs.reserve().is_ok(), "a later bulk update may start");
        let told = running.ended.borrow().clone();
        let e = told.expect("the screen hears").unwrap_err();
        assert_eq!(e, RunError::Broke);
        assert!(e.to_string().contains("Resume"), "{e}");
    }

    #[test]
    fn a_second_start_is_refused_while_the_first_is_being_started() {
        let runs = Runs::default();
        let first = runs.reserve().expect("the first start goes ahead");
        let second = runs.reserve().err().expect("a second click is refused");
        assert!(second
            .to_string()
            .contains("Another bulk update is under way"));
        drop(first);
        assert!(
            runs.reserve().is_ok(),
            "free again once started (or failed)"
        );
    }
}
