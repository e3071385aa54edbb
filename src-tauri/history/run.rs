//! Sending a recorded batch (a bulk run): a few rows at a time, each row's
//! entry written down before its first request leaves. When DeepCall or
//! the network says to, everyone backs off. A refusal that will not change
//! (an unknown contact, an invalid number) is not tried again; an answer
//! that may have been lost after DeepCall applied the change is checked
//! with a fresh read before anything is sent again. So no row is applied
//! twice, and none is lost: each ends confirmed, failed with a reason, or
//! (rarely) unknown with the reason it could not be told.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;

use crate::deepcall::directory::form::{self, ContactForm};
use crate::deepcall::directory::{ContactNumber, ContactUpdate};
use crate::deepcall::{Client, DeepCallError};

use super::batch::{BatchRow, BatchState, BatchSummary};
use super::check::contact_finding;
use super::send::{on_disk, settled_by};
use super::{Change, History, HistoryError, Outcome, Purpose};

/// How a run sends.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Requests at a time.
    pub concurrency: usize,
    /// Requests for one row at the most (first try included).
    pub attempts: u32,
    /// The first wait after DeepCall or the network asks for one; it
    /// doubles each time, up to `longest_wait`.
    pub first_wait: Duration,
    pub longest_wait: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            attempts: 6,
            first_wait: Duration::from_millis(500),
            longest_wait: Duration::from_secs(8),
        }
    }
}

/// What the manager asks of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Control {
    /// Run (also: resume after a pause).
    Run,
    /// No new row is started; rows under way finish.
    Pause,
    /// No new row is started; rows not sent stay unsent.
    Cancel,
}

/// How far a run is, for its progress bar.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunProgress {
    pub batch: i64,
    pub rows: u32,
    /// Rows settled: confirmed, failed or unknown.
    pub done: u32,
    pub confirmed: u32,
    pub failed: u32,
    pub unknown: u32,
    pub paused: bool,
    /// Rows settled a second, in this run.
    pub rows_per_second: f64,
    /// At that rate; `None` until it can be told.
    pub seconds_left: Option<f64>,
}

/// What one row needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Not sent yet (or found not applied): send it.
    Send(Purpose),
    /// In flight when the app stopped, or its answer was lost: read the
    /// contact before anything is sent again.
    Check(i64),
}

/// What a failed request means for the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Refused for good: the row failed.
    Fail,
    /// Not carried out, and it may work later: wait, then send again.
    WaitAndSend,
    /// It may have been carried out: wait, then check before sending again.
    WaitAndCheck,
}

fn then(e: &DeepCallError) -> Then {
    if e.may_have_been_applied() {
        Then::WaitAndCheck
    } else if e.is_retryable() && *e != DeepCallError::NotApplied {
        Then::WaitAndSend
    } else {
        // The sign-in, permissions, the contact, its number, its values:
        // the same request would get the same answer.
        Then::Fail
    }
}

/// A wait every worker respects: when DeepCall asks one to slow down, all do.
struct Gate {
    until: Mutex<Option<Instant>>,
}

impl Gate {
    fn push_back(&self, wait: Duration) {
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        let new = Instant::now() + wait;
        if until.is_none_or(|u| u < new) {
            *until = Some(new);
        }
    }

    async fn pass(&self) {
        let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = until {
            tokio::time::sleep_until(until.into()).await;
        }
    }
}

struct Counts {
    confirmed: AtomicU32,
    failed: AtomicU32,
    unknown: AtomicU32,
}

impl Counts {
    fn add(&self, outcome: Outcome) {
        match outcome {
            Outcome::Confirmed => &self.confirmed,
            Outcome::Failed | Outcome::NotApplied => &self.failed,
            Outcome::Unknown | Outcome::Sending => &self.unknown,
        }
        .fetch_add(1, Ordering::Relaxed);
    }
}

/// Sends every row of `batch` that is not settled yet, with `client` (the
/// batch's account), until they are all settled or the manager cancels.
/// Pausing holds it; it resumes when `control` says Run again. `progress`
/// hears after every row. Returns the batch as it ends.
pub async fn run(
    history: &History,
    client: &Client,
    batch: i64,
    options: RunOptions,
    mut control: watch::Receiver<Control>,
    progress: impl Fn(RunProgress) + Send + Sync,
) -> Result<BatchSummary, HistoryError> {
    let rows = on_disk(history, move |h| h.batch_rows(batch)).await?;
    let total = rows.len() as u32;
    let counts = Counts {
        confirmed: AtomicU32::new(0),
        failed: AtomicU32::new(0),
        unknown: AtomicU32::new(0),
    };
    let mut work = VecDeque::new();
    let mut settled_before = 0;
    for row in rows {
        match (row.outcome, row.entry) {
            (None, _) => work.push_back((row, Step::Send(Purpose::Change))),
            (Some(Outcome::NotApplied), _) => work.push_back((row, Step::Send(Purpose::TryAgain))),
            (Some(Outcome::Sending | Outcome::Unknown), Some(entry)) => {
                work.push_back((row, Step::Check(entry)))
            }
            (Some(done), _) => {
                counts.add(done);
                settled_before += 1;
            }
        }
    }
    on_disk(history, move |h| {
        h.set_batch_state(batch, BatchState::Running)
    })
    .await?;
    let queue = Mutex::new(work);
    let gate = Gate {
        until: Mutex::new(None),
    };
    let started = Instant::now();
    let report = |paused: bool| {
        let c = |a: &AtomicU32| a.load(Ordering::Relaxed);
        let done = c(&counts.confirmed) + c(&counts.failed) + c(&counts.unknown);
        let this_run = done.saturating_sub(settled_before) as f64;
        let rate = this_run / started.elapsed().as_secs_f64().max(0.001);
        progress(RunProgress {
            batch,
            rows: total,
            done,
            confirmed: c(&counts.confirmed),
            failed: c(&counts.failed),
            unknown: c(&counts.unknown),
            paused,
            rows_per_second: rate,
            seconds_left: (this_run > 0.0).then(|| f64::from(total - done) / rate),
        });
    };
    report(*control.borrow() == Control::Pause);

    let worker = |mut control: watch::Receiver<Control>| {
        let (queue, gate, counts, options, report) = (&queue, &gate, &counts, &options, &report);
        async move {
            loop {
                // Paused: wait for Run or Cancel.
                loop {
                    let now = *control.borrow_and_update();
                    match now {
                        Control::Run => break,
                        Control::Cancel => return Ok(()),
                        Control::Pause => {
                            if control.changed().await.is_err() {
                                return Ok(());
                            }
                        }
                    }
                }
                let Some((row, step)) = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
                else {
                    return Ok(());
                };
                let outcome = send_row(history, client, batch, &row, step, gate, options).await?;
                counts.add(outcome);
                report(*control.borrow() == Control::Pause);
            }
        }
    };
    let workers: Vec<_> = (0..options.concurrency.max(1))
        .map(|_| worker(control.clone()))
        .collect();
    let ended: Vec<Result<(), HistoryError>> = futures_util::future::join_all(workers).await;
    ended.into_iter().collect::<Result<(), _>>()?;

    let cancelled = *control.borrow_and_update() == Control::Cancel;
    let left = !queue.lock().unwrap_or_else(|p| p.into_inner()).is_empty();
    let state = if cancelled && left {
        BatchState::Cancelled
    } else {
        BatchState::Finished
    };
    report(false);
    on_disk(history, move |h| -> Result<_, HistoryError> {
        h.set_batch_state(batch, state)?;
        h.batch(batch)?
            .ok_or_else(|| HistoryError("This run is no longer in History.".into()))
    })
    .await
}

/// The update a row sends: exactly what it sets, by the editor's rules.
fn update_of(change: &Change) -> Result<(ContactNumber, ContactUpdate), DeepCallError> {
    let Change::Contact {
        number, changes, ..
    } = change
    else {
        return Err(DeepCallError::invalid_input(
            "contact",
            "A bulk run changes contacts only.",
        ));
    };
    let number = ContactNumber::parse(number)?;
    let original = ContactForm::empty();
    let edited = original.with_values(changes.iter().map(|c| (&c.field, &c.after)));
    let save = form::save(&original, &edited, true)?;
    Ok((number, save.update))
}

/// Takes one row to an outcome. Only History failing stops the run.
async fn send_row(
    history: &History,
    client: &Client,
    batch: i64,
    row: &BatchRow,
    first: Step,
    gate: &Gate,
    options: &RunOptions,
) -> Result<Outcome, HistoryError> {
    let line = row.line;
    let settle = |entry: i64, outcome: Outcome, message: Option<String>| {
        on_disk(history, move |h| {
            h.resolve(entry, outcome, message.as_deref())?;
            Ok::<_, HistoryError>(outcome)
        })
    };
    let (number, update) = match update_of(&row.change) {
        Ok(u) => u,
        Err(e) => {
            // Recorded, so the row's outcome says why; never sent.
            let entry =
                on_disk(history, move |h| h.record_row(batch, line, Purpose::Change)).await?;
            return settle(entry, Outcome::Failed, Some(e.to_string())).await;
        }
    };
    let mut step = first;
    let mut entry = None;
    let mut wait = options.first_wait;
    let mut last_problem = String::new();
    for attempt in 1..=options.attempts {
        if attempt > 1 {
            gate.push_back(wait);
            wait = (wait * 2).min(options.longest_wait);
        }
        gate.pass().await;
        match step {
            Step::Check(checking) => match client.contact_info(&number).await {
                Ok(Some(info)) => {
                    let finding = contact_finding(&row.change, &ContactForm::from_info(&info));
                    match finding.outcome {
                        Outcome::NotApplied => {
                            settle(checking, Outcome::NotApplied, Some(finding.message)).await?;
                            step = Step::Send(Purpose::TryAgain);
                            entry = None;
                            // Sent again now, without a further wait.
                            gate.pass().await;
                        }
                        outcome => return settle(checking, outcome, Some(finding.message)).await,
                    }
                }
                Ok(None) => {
                    return settle(
                        checking,
                        Outcome::Unknown,
                        Some(
                            "DeepCall's answer did not include this contact's values, so \
                             whether the row was applied cannot be told."
                                .into(),
                        ),
                    )
                    .await
                }
                Err(e) => {
                    last_problem = e.to_string();
                    if then(&e) == Then::Fail {
                        break;
                    }
                    continue;
                }
            },
            Step::Send(_) => {}
        }
        let Step::Send(purpose) = step else {
            continue;
        };
        let sending = match entry {
            Some(e) => e,
            None => {
                let e = on_disk(history, move |h| h.record_row(batch, line, purpose)).await?;
                entry = Some(e);
                e
            }
        };
        match client.update_contact(&number, &update).await {
            Ok(()) => return settle(sending, Outcome::Confirmed, None).await,
            Err(e) => {
                last_problem = e.to_string();
                match then(&e) {
                    Then::Fail => {
                        let (_, message) = settled_by(&e);
                        return settle(sending, Outcome::Failed, Some(message)).await;
                    }
                    Then::WaitAndSend => {}
                    Then::WaitAndCheck => step = Step::Check(sending),
                }
            }
        }
    }
    // Out of attempts: what is known of the row.
    let message = format!(
        "DeepCall did not accept this row after {} tries; the last problem: {last_problem}",
        options.attempts
    );
    match (step, entry) {
        (Step::Check(e), _) => settle(e, Outcome::Unknown, Some(message)).await,
        (Step::Send(_), Some(e)) => settle(e, Outcome::Failed, Some(message)).await,
        (Step::Send(purpose), None) => {
            let e = on_disk(history, move |h| h.record_row(batch, line, purpose)).await?;
            settle(e, Outcome::Failed, Some(message)).await
        }
    }
}
