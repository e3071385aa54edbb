//! How a row ends when its answer is lost, it cannot be read back, or it
//! is held: read back, kept, waited for, settled.

use std::sync::atomic::Ordering;

use crate::deepcall::directory::form::ContactForm;
use crate::deepcall::directory::ContactNumber;
use crate::deepcall::{ApiErrorKind, DeepCallError};
use crate::history::batch::Held;
use crate::history::on_disk;
use crate::history::{HistoryError, Outcome, Purpose};

use super::super::limit::Permit;
use super::super::pace::{Cut, Stops};
use super::super::since;
use super::super::{Run, Settled};
use crate::sending::backoff::backoff;

use super::*;

/// What asking DeepCall for the row's contact came to.
pub(super) enum Read {
    Now(ContactForm),
    /// This host cannot tell (it lacks `Directory/getInfo`, or its answer
    /// did not hold the contact's values).
    Cannot,
    /// The row ended meanwhile (out of tries, or stopped).
    Ended(Ended),
    /// Not answered: ask again.
    Again,
    /// DeepCall has no such contact: nothing can have changed it.
    NoSuchContact,
}

/// "Not found" answers to `Directory/getInfo` before the run takes it that
/// the host does not offer it.
pub(super) const NOT_OFFERED_TIMES: u32 = 3;

/// Reads the row's contact, unless this host is known not to tell.
pub(super) async fn read(
    run: &Run<'_>,
    permit: Permit<'_>,
    number: &ContactNumber,
    work: &mut Work,
    stops: &mut Stops,
) -> Result<Read, HistoryError> {
    if run.no_reading.load(Ordering::Relaxed) {
        return Ok(Read::Cannot);
    }
    let answer = run.client.contact_info(number).await;
    heard(run, permit, &answer, false);
    Ok(match answer {
        Ok(Some(info)) => Read::Now(ContactForm::from_info(&info)),
        Ok(None) => Read::Cannot,
        // One "not found" may be a load balancer's slip; a host without
        // the endpoint says so every time.
        Err(DeepCallError::NotOffered { .. })
            if run.not_offered.fetch_add(1, Ordering::Relaxed) + 1 >= NOT_OFFERED_TIMES =>
        {
            run.no_reading.store(true, Ordering::Relaxed);
            Read::Cannot
        }
        Err(e) if e.api_kind() == Some(ApiErrorKind::ContactNotFound) => Read::NoSuchContact,
        Err(e) => match read_failed(run, work, &e, stops).await? {
            Some(end) => Read::Ended(end),
            None => Read::Again,
        },
    })
}

pub(super) fn changed_words(fields: &[String]) -> String {
    format!(
        "Not sent: DeepCall now has values for {} that are neither this row's nor those from \
         before the run, so someone changed this contact since. It is not sent over their \
         change; open the contact to see what it has.",
        since::fields_words(fields)
    )
}

/// Keeps what DeepCall holds now as the row's values from before, where
/// they were not known: later checks compare with them.
pub(super) async fn keep_before(
    run: &Run<'_>,
    work: &mut Work,
    now: &ContactForm,
) -> Result<(), HistoryError> {
    let change = since::with_before(&work.row.change, now);
    if change != work.row.change {
        let (batch, line, kept) = (run.batch, work.row.line, change.clone());
        on_disk(run.history, move |h| h.set_row_change(batch, line, &kept)).await?;
        work.row.change = change;
    }
    Ok(())
}

/// A request that did not go through and was not carried out: waits, and
/// says whether the row ended meanwhile.
pub(super) async fn wait_after(
    run: &Run<'_>,
    work: &mut Work,
    n: Next,
    e: &DeepCallError,
    stops: &mut Stops,
) -> Result<Option<Ended>, HistoryError> {
    let o = &run.options;
    let wait = match n {
        // The wait DeepCall asked for holds every request; the row's own
        // growing wait comes on top, so a `Retry-After: 0` (or a date this
        // computer's clock has passed) cannot make it try again at once.
        Next::SlowDown(asked) => {
            if let Some(asked) = asked {
                run.gate.push_back(asked.min(o.longest_retry_after));
            }
            work.waits += 1;
            backoff(o.first_wait, o.longest_wait, work.waits - 1)
        }
        // The account's trouble pauses the run (the breaker), and DeepCall
        // out of reach pauses it too: neither is the row's fault.
        Next::NotReached | Next::AccountRefused => {
            work.waits += 1;
            backoff(o.first_wait, o.longest_wait, work.waits - 1)
        }
        Next::Trouble | Next::MaybeApplied | Next::Refused => {
            work.tries += 1;
            if work.tries >= o.attempts {
                return out_of_tries(run, work, e).await.map(Some);
            }
            backoff(o.first_wait, o.longest_wait, work.tries - 1)
        }
    };
    match stops.sleep(wait, &run.gate).await {
        Ok(()) => Ok(None),
        Err(cut) => stopped(run, work.clone(), cut).await.map(Some),
    }
}

/// A read that failed: waits as a send would, or gives up on the row.
pub(super) async fn read_failed(
    run: &Run<'_>,
    work: &mut Work,
    e: &DeepCallError,
    stops: &mut Stops,
) -> Result<Option<Ended>, HistoryError> {
    let n = match next(e) {
        // A read changes nothing: any other trouble is worth another try.
        Next::MaybeApplied | Next::Refused => Next::Trouble,
        n => n,
    };
    wait_after(run, work, n, e, stops).await
}

/// The row has had all its tries.
pub(super) async fn out_of_tries(
    run: &Run<'_>,
    work: &mut Work,
    last: &DeepCallError,
) -> Result<Ended, HistoryError> {
    let message = format!(
        "DeepCall did not take this row after {} tries; the last problem: {last}",
        run.options.attempts
    );
    match work.step {
        Step::Send {
            entry: Some(entry), ..
        } => settle(run, entry, Outcome::Failed, message).await,
        Step::Check { entry, .. } => settle(run, entry, Outcome::Unknown, message).await,
        Step::Send {
            purpose,
            entry: None,
        } => {
            let (batch, line) = (run.batch, work.row.line);
            let entry = on_disk(run.history, move |h| h.record_row(batch, line, purpose)).await?;
            settle(run, entry, Outcome::Failed, message).await
        }
        Step::Verify => {
            let (batch, line) = (run.batch, work.row.line);
            let entry = on_disk(run.history, move |h| {
                h.record_row(batch, line, Purpose::Change)
            })
            .await?;
            let message = format!(
                "Not sent: DeepCall could not be asked what this contact has now. {message}"
            );
            settle(run, entry, Outcome::Failed, message).await
        }
    }
}

/// A lost answer that DeepCall cannot be asked about: sends the same
/// values again when that is safe, or says why not.
pub(super) async fn unverifiable(
    run: &Run<'_>,
    work: &mut Work,
    entry: i64,
    ours: bool,
) -> Result<Option<Ended>, HistoryError> {
    if !ours {
        return settle(run, entry, Outcome::Unknown, NOT_OURS_CANNOT_READ.into())
            .await
            .map(Some);
    }
    if work.tries >= run.options.attempts {
        let message = format!(
            "Its answer was lost {} times, and this DeepCall cannot be asked whether it was \
             applied. Open the contact to see what it has.",
            work.tries
        );
        return settle(run, entry, Outcome::Unknown, message)
            .await
            .map(Some);
    }
    if let Some(end) = changed_here(run, work, Some(entry)).await? {
        return Ok(Some(end));
    }
    resolve(run, entry, Outcome::Unknown, SENT_AGAIN).await?;
    work.lost.push(entry);
    work.step = Step::send(Purpose::Resend);
    Ok(None)
}

/// Holds the row when this computer changed its contact in another way
/// since the run started (the Contacts screen, another run).
pub(super) async fn changed_here(
    run: &Run<'_>,
    work: &Work,
    entry: Option<i64>,
) -> Result<Option<Ended>, HistoryError> {
    let (batch, since, number) = (run.batch, run.started_ms, work.row.change.target());
    let when = on_disk(run.history, move |h| {
        h.changed_elsewhere(batch, &number, since)
    })
    .await?;
    if when.is_none() {
        return Ok(None);
    }
    let message = "Not sent: this contact was changed from DeepCall Desk since the run started \
                   (see History), and sending this row could undo that change."
        .to_owned();
    hold(run, work, entry, Held::ChangedSince, message)
        .await
        .map(Some)
}

/// The row is not sent, on purpose; its entry, if it has one, keeps what
/// is known of it.
pub(super) async fn hold(
    run: &Run<'_>,
    work: &Work,
    entry: Option<i64>,
    held: Held,
    message: String,
) -> Result<Ended, HistoryError> {
    let (batch, line) = (run.batch, work.row.line);
    on_disk(run.history, move |h| {
        if let Some(entry) = entry {
            h.resolve(entry, Outcome::Unknown, Some(&message))?;
        }
        h.hold_row(batch, line, held, &message)
    })
    .await?;
    Ok(Ended::Settled(Settled::Held))
}

/// Pause, Cancel or the run pausing itself came between two tries: what is
/// known is written down, and the row goes back to the queue.
pub(super) async fn stopped(
    run: &Run<'_>,
    mut work: Work,
    cut: Cut,
) -> Result<Ended, HistoryError> {
    match work.step {
        // Its last try was not carried out (or it was not tried yet).
        Step::Send {
            purpose,
            entry: Some(entry),
        } => {
            let message = match cut {
                Cut::Manager => {
                    "Not sent yet: the run was paused or cancelled before DeepCall \
                                 took it."
                }
                Cut::Halted => "Not sent yet: the run paused before DeepCall took it.",
            };
            resolve(run, entry, Outcome::NotApplied, message).await?;
            work.step = Step::send(match purpose {
                Purpose::Change => Purpose::TryAgain,
                p => p,
            });
        }
        Step::Check { entry, .. } => {
            resolve(
                run,
                entry,
                Outcome::Unknown,
                "Its answer was lost, and the run stopped before DeepCall could be asked \
                 whether it was applied. Resume checks it first.",
            )
            .await?;
        }
        Step::Send { entry: None, .. } | Step::Verify => {}
    }
    Ok(Ended::Stopped(work))
}

pub(super) async fn resolve(
    run: &Run<'_>,
    entry: i64,
    outcome: Outcome,
    message: &'static str,
) -> Result<(), HistoryError> {
    let message = (!message.is_empty()).then_some(message);
    on_disk(run.history, move |h| h.resolve(entry, outcome, message)).await
}

pub(super) async fn settle(
    run: &Run<'_>,
    entry: i64,
    outcome: Outcome,
    message: String,
) -> Result<Ended, HistoryError> {
    let message = (!message.is_empty()).then_some(message);
    on_disk(run.history, move |h| {
        h.resolve(entry, outcome, message.as_deref())
    })
    .await?;
    Ok(Ended::Settled(Settled::Outcome(outcome)))
}
