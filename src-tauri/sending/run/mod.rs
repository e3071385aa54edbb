//! Sending a recorded batch (a bulk run) at the network's pace, each row's
//! entry written down before its request leaves, until every row is
//! settled: confirmed, failed with a reason, or held (not sent, and why).
//!
//! - How many requests are in flight follows DeepCall's answers ([`limit`]).
//! - A 429 slows everyone; its `Retry-After` holds every request ([`pace`]).
//! - A lost answer is checked with a fresh read; where DeepCall cannot be
//!   read, the same values are sent again, only within the run and only
//!   when nothing else changed the contact since the run started ([`row`]).
//! - The account refused again and again, or DeepCall out of reach, pauses
//!   the run with the reason ([`breaker`]); Resume goes on from there.
//! - Resumed, rows are checked against what DeepCall holds now, and a
//!   contact that changed since is never overwritten.

pub mod breaker;
pub mod limit;
mod pace;
mod row;
mod since;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;

use crate::deepcall::Client;

use crate::history::batch::{BatchState, BatchSummary};
use crate::history::owner;
use crate::history::{on_disk, History, HistoryError, Outcome, Purpose};
use limit::{Limiter, Limits};
use pace::{Gate, Stops};
use row::{Ended, Step, Work};

/// How a run sends.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Requests in flight: where it starts, and its bounds.
    pub limits: Limits,
    /// Tries for one row at most when DeepCall's trouble may pass (5xx
    /// pages, its generic failures, checks); "slow down" answers and a
    /// DeepCall out of reach do not count, the run's pace handles those.
    pub attempts: u32,
    /// A row's first wait after a failed try; it doubles up to `longest_wait`.
    pub first_wait: Duration,
    pub longest_wait: Duration,
    /// The longest `Retry-After` honoured; a longer one is cut to this.
    pub longest_retry_after: Duration,
    /// Sign-in or permission refusals in a row that pause the run.
    pub refusals_to_pause: u32,
    /// With no answer from DeepCall for this long, the run pauses.
    pub unreachable_after: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            attempts: 6,
            first_wait: Duration::from_millis(250),
            longest_wait: Duration::from_secs(8),
            longest_retry_after: Duration::from_secs(60),
            refusals_to_pause: 3,
            unreachable_after: Duration::from_secs(60),
        }
    }
}

/// What the manager asks of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Control {
    /// Run (also: resume after a pause).
    Run,
    /// No new request is started; requests on their way finish.
    Pause,
    /// No new request is started; rows not sent stay unsent.
    Cancel,
}

/// How far a run is, for its progress bar.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunProgress {
    pub batch: i64,
    pub rows: u32,
    /// Rows settled: confirmed, failed, unknown or held.
    pub done: u32,
    pub confirmed: u32,
    pub failed: u32,
    pub unknown: u32,
    /// Not sent: the contact changed since, or DeepCall's values differ.
    pub held: u32,
    pub paused: bool,
    /// Rows settled a second, over the last few seconds.
    pub rows_per_second: f64,
    /// Requests the run keeps in flight now.
    pub at_once: u32,
    /// DeepCall asked the app to wait: the seconds left.
    pub waiting_seconds: Option<f64>,
    /// At the current rate; `None` until it can be told.
    pub seconds_left: Option<f64>,
}

/// When the batch was started and how rows may be sent again.
#[derive(Debug, Clone, Copy)]
pub enum Start {
    /// A new run, or one paused in this app.
    Fresh,
    /// A run an earlier start of the app did not finish, or one that paused
    /// itself: every row is read back first.
    Resume,
}

/// Counts by what became of the rows.
#[derive(Default)]
struct Tally {
    confirmed: AtomicU32,
    failed: AtomicU32,
    unknown: AtomicU32,
    held: AtomicU32,
}

/// What a row came to, for the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    Outcome(Outcome),
    Held,
}

impl Tally {
    fn add(&self, s: Settled) {
        match s {
            Settled::Outcome(Outcome::Confirmed) => &self.confirmed,
            Settled::Outcome(Outcome::Failed | Outcome::NotApplied) => &self.failed,
            Settled::Outcome(Outcome::Unknown | Outcome::Sending) => &self.unknown,
            Settled::Held => &self.held,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    fn done(&self) -> u32 {
        [&self.confirmed, &self.failed, &self.unknown, &self.held]
            .iter()
            .map(|a| a.load(Ordering::Relaxed))
            .sum()
    }
}

/// Rows settled lately, for a rate that follows the run's pace.
struct Recent {
    window: Duration,
    at: VecDeque<Instant>,
}

impl Recent {
    fn add(&mut self, now: Instant) {
        self.at.push_back(now);
        self.trim(now);
    }

    fn trim(&mut self, now: Instant) {
        while self
            .at
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) > self.window)
        {
            self.at.pop_front();
        }
    }

    fn per_second(&mut self, now: Instant, running_for: Duration) -> f64 {
        self.trim(now);
        let span = running_for.min(self.window).as_secs_f64().max(0.25);
        self.at.len() as f64 / span
    }
}

/// What every worker of one run shares.
pub(super) struct Run<'a> {
    history: &'a History,
    client: &'a Client,
    batch: i64,
    /// When the batch was written down: "since the run started".
    started_ms: i64,
    options: RunOptions,
    queue: Mutex<VecDeque<Work>>,
    limiter: Limiter,
    gate: Gate,
    breaker: Mutex<breaker::Breaker>,
    /// Set when the run pauses itself: why.
    halt: watch::Sender<Option<Halt>>,
    /// The host answers `Directory/getInfo` with "not found".
    no_reading: AtomicBool,
    /// How many times it has, so far.
    not_offered: AtomicU32,
    /// Since when requests have gone unanswered (`None` while DeepCall
    /// answers; reset when the manager resumes after a Pause).
    unanswered_since: Mutex<Option<Instant>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Why a run paused itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Halt {
    Refused(breaker::Trip),
    Unreachable,
}

/// Words for the pause when DeepCall cannot be reached.
fn unreachable_words(unknown: u32) -> String {
    let rows = match unknown {
        0 => String::new(),
        1 => " 1 row not yet known: Resume checks it first.".into(),
        n => format!(" {n} rows not yet known: Resume checks them first."),
    };
    format!(
        "Paused: DeepCall cannot be reached (no answer for a while). Check this computer's \
         internet connection, then press Resume.{rows}"
    )
}

/// Sends every row of `batch` that is not settled yet, with `client` (the
/// batch's account), until they are all settled, the manager cancels, or
/// the run pauses itself (then the summary's `note` says why). Pausing
/// holds it; it goes on when `control` says Run again. `progress` hears
/// after every row. Returns the batch as it ends.
pub async fn run(
    history: &History,
    client: &Client,
    batch: i64,
    start: Start,
    options: RunOptions,
    control: watch::Receiver<Control>,
    progress: impl Fn(RunProgress) + Send + Sync,
) -> Result<BatchSummary, HistoryError> {
    let (rows, summary) = on_disk(history, move |h| {
        if !h.claim_batch(batch)? {
            return Err(HistoryError::said(owner::SENT_ELSEWHERE));
        }
        h.set_batch_note(batch, None)?;
        h.set_batch_state(batch, BatchState::Running)?;
        let summary = h
            .batch(batch)?
            .ok_or_else(|| HistoryError::said("This run is no longer in History."))?;
        Ok::<_, HistoryError>((h.batch_rows(batch)?, summary))
    })
    .await?;
    let total = rows.len() as u32;
    let tally = Tally::default();
    let mut work = VecDeque::new();
    for row in rows {
        let settled = match (row.held, row.outcome) {
            (Some(_), _) => Some(Settled::Held),
            (None, Some(o @ (Outcome::Confirmed | Outcome::Failed))) => Some(Settled::Outcome(o)),
            _ => None,
        };
        if let Some(s) = settled {
            tally.add(s);
            continue;
        }
        let step = match (row.outcome, row.entry, start) {
            // In flight when the app stopped, or its answer lost: read first.
            (Some(Outcome::Sending | Outcome::Unknown), Some(entry), _) => {
                Step::Check { entry, ours: false }
            }
            (_, _, Start::Resume) => Step::Verify,
            (Some(Outcome::NotApplied), _, Start::Fresh) => Step::send(Purpose::TryAgain),
            (_, _, Start::Fresh) => Step::send(Purpose::Change),
        };
        work.push_back(Work::new(row, step));
    }
    let settled_before = tally.done();
    let (halt, _) = watch::channel(None);
    let shared = Run {
        history,
        client,
        batch,
        started_ms: summary.created_ms,
        limiter: Limiter::new(options.limits),
        breaker: Mutex::new(breaker::Breaker::new(options.refusals_to_pause)),
        options,
        queue: Mutex::new(work),
        gate: Gate::default(),
        halt,
        no_reading: AtomicBool::new(false),
        not_offered: AtomicU32::new(0),
        unanswered_since: Mutex::new(None),
    };
    let started = Instant::now();
    let recent = Mutex::new(Recent {
        window: Duration::from_secs(5),
        at: VecDeque::new(),
    });
    let report = |paused: bool| {
        let c = |a: &AtomicU32| a.load(Ordering::Relaxed);
        let done = tally.done();
        let now = Instant::now();
        let rate = lock(&recent).per_second(now, started.elapsed());
        let this_run = done.saturating_sub(settled_before);
        progress(RunProgress {
            batch,
            rows: total,
            done,
            confirmed: c(&tally.confirmed),
            failed: c(&tally.failed),
            unknown: c(&tally.unknown),
            held: c(&tally.held),
            paused,
            rows_per_second: rate,
            at_once: shared.limiter.limit(),
            waiting_seconds: shared.gate.left().map(|d| d.as_secs_f64()),
            seconds_left: (this_run > 0 && rate > 0.0).then(|| f64::from(total - done) / rate),
        });
    };
    report(*control.borrow() == Control::Pause);

    let stops = Stops {
        control,
        halt: shared.halt.subscribe(),
    };
    let worker = |mut stops: Stops| {
        let (shared, tally, report, recent) = (&shared, &tally, &report, &recent);
        async move {
            loop {
                // Paused by the manager: wait for Run or Cancel.
                loop {
                    if stops.halt.borrow().is_some() {
                        return Ok(());
                    }
                    let now = *stops.control.borrow_and_update();
                    match now {
                        Control::Run => break,
                        Control::Cancel => return Ok(()),
                        Control::Pause => {
                            tokio::select! {
                                changed = stops.control.changed() => if changed.is_err() { return Ok(()) },
                                _ = stops.halt.wait_for(Option::is_some) => return Ok(()),
                            }
                            shared.heard_from_deepcall();
                        }
                    }
                }
                let Some(work) = lock(&shared.queue).pop_front() else {
                    return Ok(());
                };
                match row::advance(shared, work, &mut stops).await? {
                    Ended::Settled(s) => {
                        tally.add(s);
                        lock(recent).add(Instant::now());
                        report(*stops.control.borrow() == Control::Pause);
                    }
                    // Stopped before it was settled: it goes first next time.
                    Ended::Stopped(work) => lock(&shared.queue).push_front(work),
                }
            }
        }
    };
    let workers: Vec<_> = (0..shared.options.limits.most.max(1))
        .map(|_| worker(stops.clone()))
        .collect();
    // While the workers run, the run says every few seconds that this copy
    // of the app is still sending it.
    let beating = async {
        loop {
            tokio::time::sleep(owner::BEAT).await;
            if let Err(e) = on_disk(history, move |h| h.beat(batch)).await {
                tracing::warn!("bulk: run {batch}: heartbeat not written: {e}");
            }
        }
    };
    let ended: Vec<Result<(), HistoryError>> = tokio::select! {
        ended = futures_util::future::join_all(workers) => ended,
        () = beating => unreachable!("the heartbeat never ends"),
    };
    if let Err(e) = ended.into_iter().collect::<Result<(), _>>() {
        let _ = on_disk(history, move |h| h.let_go(batch)).await;
        return Err(e);
    }

    let halted = *shared.halt.borrow();
    let cancelled = *stops.control.borrow() == Control::Cancel;
    let left = !lock(&shared.queue).is_empty();
    let (state, halted) = match halted {
        Some(why) if left => (BatchState::Paused, Some(why)),
        _ if cancelled && left => (BatchState::Cancelled, None),
        _ => (BatchState::Finished, None),
    };
    report(false);
    on_disk(history, move |h| -> Result<_, HistoryError> {
        h.set_batch_state(batch, state)?;
        h.let_go(batch)?;
        let gone = || HistoryError::said("This run is no longer in History.");
        let note = match halted {
            None => None,
            Some(Halt::Refused(trip)) => Some(trip.words().to_owned()),
            Some(Halt::Unreachable) => {
                Some(unreachable_words(h.batch(batch)?.ok_or_else(gone)?.unknown))
            }
        };
        h.set_batch_note(batch, note.as_deref())?;
        h.batch(batch)?.ok_or_else(gone)
    })
    .await
}

impl Run<'_> {
    /// The run pauses itself, saying why (the first reason stands).
    fn halt(&self, why: Halt) {
        self.halt.send_if_modified(|h| {
            if h.is_none() {
                *h = Some(why);
                true
            } else {
                false
            }
        });
    }

    fn heard_from_deepcall(&self) {
        *lock(&self.unanswered_since) = None;
    }

    /// After a request that got no answer: pauses the run when requests
    /// have gone unanswered for too long (time spent paused, or waiting as
    /// DeepCall asked, is not counted: nothing was asked then).
    fn no_answer(&self) {
        let since = *lock(&self.unanswered_since).get_or_insert_with(Instant::now);
        if since.elapsed() >= self.options.unreachable_after {
            self.halt(Halt::Unreachable);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recent_rate_follows_the_last_seconds() {
        let mut r = Recent {
            window: Duration::from_secs(5),
            at: VecDeque::new(),
        };
        let t0 = Instant::now();
        for i in 0..100 {
            r.add(t0 + Duration::from_millis(i * 10));
        }
        let at = t0 + Duration::from_secs(1);
        assert!((r.per_second(at, Duration::from_secs(1)) - 100.0).abs() < 1e-9);
        // Ten seconds on, with nothing settled since: nothing a second.
        let later = t0 + Duration::from_secs(11);
        assert_eq!(r.per_second(later, Duration::from_secs(11)), 0.0);
    }

    #[test]
    fn the_unreachable_pause_says_how_many_rows_are_not_known() {
        assert!(!unreachable_words(0).contains("not yet known"));
        assert!(unreachable_words(1).contains("1 row not yet known: Resume checks it"));
        assert!(unreachable_words(3).contains("3 rows not yet known: Resume checks them"));
    }
}
