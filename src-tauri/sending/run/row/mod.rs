//! One row of a run, taken to an outcome: sent, and when its answer is
//! lost, read back; sent again only where that cannot do what the first
//! request would not have done. Only History failing stops the run.

use std::time::Duration;

use crate::deepcall::directory::form::{self, ContactForm};
use crate::deepcall::directory::{ContactNumber, ContactUpdate};
use crate::deepcall::{ApiErrorKind, DeepCallError, NetworkStage};
use crate::history::batch::{BatchRow, Held};
use crate::history::on_disk;
use crate::history::{Change, HistoryError, Outcome, Purpose};
use crate::sending::send::settled_by;

use super::limit::{Permit, Signal};
use super::pace::Stops;
use super::since::{self, Found};
use super::{lock, Halt, Run, Settled};

/// What a row needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Send it; `entry` is its History entry once written down (kept while
    /// it is tried again after answers that say it was not carried out).
    Send {
        purpose: Purpose,
        entry: Option<i64>,
    },
    /// Its request left and the answer was lost, or it was on its way when
    /// the app stopped: read the contact before anything is sent again.
    /// `ours`: sent by this run (seconds ago), not found so at its start.
    Check { entry: i64, ours: bool },
    /// A run resumed: read what DeepCall holds now, then send.
    Verify,
}

impl Step {
    pub fn send(purpose: Purpose) -> Self {
        Step::Send {
            purpose,
            entry: None,
        }
    }
}

/// A row on its way.
#[derive(Debug, Clone)]
pub struct Work {
    row: BatchRow,
    pub step: Step,
    /// Tries that count against [`super::RunOptions::attempts`].
    tries: u32,
    /// Waits for answers that do not count (slow down, out of reach).
    waits: u32,
    /// Entries whose answers were lost before the row was sent again: a
    /// confirmation settles them too.
    lost: Vec<i64>,
}

impl Work {
    pub fn new(row: BatchRow, step: Step) -> Self {
        Self {
            row,
            step,
            tries: 0,
            waits: 0,
            lost: Vec::new(),
        }
    }
}

/// How a row left the worker.
pub enum Ended {
    Settled(Settled),
    /// Pause, Cancel or the run pausing itself came first; it goes back.
    Stopped(Work),
}

const SHOWS_AFTER: &str = "Checked: DeepCall has this change.";
const SHOWS_BEFORE: &str =
    "Checked: DeepCall still has the values from before, so this row was not applied; it was \
     sent again.";
const NO_SUCH_CONTACT: &str = "Checked: DeepCall has no such contact, so this row was not \
     applied; it was sent again.";
const LOST_THEN_CONFIRMED: &str =
    "Its answer was lost; the same values were sent again, and DeepCall confirmed them.";
const SENT_AGAIN: &str = "Its answer was lost, and this DeepCall cannot be asked for a \
     contact's values, so the same values were sent again (DeepCall merges them: a second \
     request changes nothing the first would not have).";
const NOT_OURS_CANNOT_READ: &str = "This row was on its way when the run stopped, and this \
     DeepCall cannot be asked for a contact's values, so whether it was applied cannot be told. \
     It is not sent again so long after: open the contact to see what it has.";

/// What an answer that was not a success asks of the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// DeepCall asked for fewer requests: wait (as long as it said, when
    /// it said) and try again. Not a try.
    SlowDown(Option<Duration>),
    /// The account's sign-in or permission was refused.
    AccountRefused,
    /// DeepCall was not reached: nothing was carried out. Not a try; the
    /// run pauses when this goes on.
    NotReached,
    /// It may have been carried out: read it back.
    MaybeApplied,
    /// DeepCall's own trouble, not carried out: try again (a try).
    Trouble,
    /// Refused for good.
    Refused,
}

fn next(e: &DeepCallError) -> Next {
    match e {
        DeepCallError::RateLimited { retry_after } => Next::SlowDown(*retry_after),
        DeepCallError::Network {
            stage: NetworkStage::Connect,
            ..
        } => Next::NotReached,
        e if matches!(
            e.api_kind(),
            Some(
                ApiErrorKind::InvalidToken
                    | ApiErrorKind::PermissionDenied
                    | ApiErrorKind::GroupPermissionDenied
            )
        ) =>
        {
            Next::AccountRefused
        }
        e if e.may_have_been_applied() => Next::MaybeApplied,
        e if e.is_retryable() && *e != DeepCallError::NotApplied => Next::Trouble,
        _ => Next::Refused,
    }
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

/// How a request went, told to the run: its limiter, the breaker, and
/// when DeepCall last answered.
///
/// A gateway's error page is not DeepCall answering: a DeepCall down behind
/// its gateway is out of reach. Only updates tell the breaker that the
/// account is fine (a user may read contacts without the right to change
/// them); a refusal of the account counts wherever it comes.
fn heard<T>(run: &Run<'_>, permit: Permit<'_>, answer: &Result<T, DeepCallError>, update: bool) {
    let took = permit.elapsed();
    let answered = match answer {
        Ok(_) => true,
        Err(
            DeepCallError::Network { .. }
            | DeepCallError::Timeout { .. }
            | DeepCallError::HttpStatus { .. },
        ) => false,
        Err(_) => true,
    };
    let signal = match answer {
        Err(e) if e.is_overload() => Signal::Overload,
        Ok(_) | Err(DeepCallError::Api { .. }) => Signal::Answered(took),
        Err(_) => Signal::Other,
    };
    permit.heard(signal);
    if !answered {
        run.no_answer();
        return;
    }
    run.heard_from_deepcall();
    let refused = matches!(answer, Err(e) if next(e) == Next::AccountRefused);
    if !(update || refused) {
        return;
    }
    let trip = lock(&run.breaker).heard(answer.as_ref().map(|_| ()));
    if let Some(trip) = trip {
        run.halt(Halt::Refused(trip));
    }
}

/// Takes one row as far as it goes now.
pub async fn advance(
    run: &Run<'_>,
    mut work: Work,
    stops: &mut Stops,
) -> Result<Ended, HistoryError> {
    let (batch, line) = (run.batch, work.row.line);
    let (number, update) = match update_of(&work.row.change) {
        Ok(u) => u,
        Err(e) => {
            // Recorded, so the row's outcome says why; never sent.
            let entry = on_disk(run.history, move |h| {
                h.record_row(batch, line, Purpose::Change)
            })
            .await?;
            return settle(run, entry, Outcome::Failed, e.to_string()).await;
        }
    };
    loop {
        // Where DeepCall asked everyone to wait, and room in the limit.
        let permit = match stops
            .unless_stopped(async {
                loop {
                    while let Some(left) = run.gate.left() {
                        tokio::time::sleep(left).await;
                    }
                    let permit = run.limiter.acquire().await;
                    // DeepCall may have asked for a wait while this one
                    // waited for room.
                    if run.gate.left().is_none() {
                        break permit;
                    }
                }
            })
            .await
        {
            Ok(p) => p,
            Err(cut) => return stopped(run, work, cut).await,
        };
        match work.step {
            Step::Send { purpose, entry } => {
                let entry = match entry {
                    Some(e) => e,
                    None => {
                        let e = on_disk(run.history, move |h| h.record_row(batch, line, purpose))
                            .await?;
                        work.step = Step::Send {
                            purpose,
                            entry: Some(e),
                        };
                        e
                    }
                };
                let answer = run.client.update_contact(&number, &update).await;
                heard(run, permit, &answer, true);
                let e = match answer {
                    Ok(()) => {
                        for lost in std::mem::take(&mut work.lost) {
                            resolve(run, lost, Outcome::Confirmed, LOST_THEN_CONFIRMED).await?;
                        }
                        resolve(run, entry, Outcome::Confirmed, "").await?;
                        return Ok(Ended::Settled(Settled::Outcome(Outcome::Confirmed)));
                    }
                    Err(e) => e,
                };
                match next(&e) {
                    Next::MaybeApplied => {
                        work.tries += 1;
                        work.step = Step::Check { entry, ours: true };
                    }
                    Next::Refused => {
                        let (outcome, message) = settled_by(&e);
                        return settle(run, entry, outcome, message).await;
                    }
                    n => {
                        // Not carried out: said so now, and the next try
                        // gets its own entry, so an entry never stays
                        // *sending* through a wait.
                        let message = format!("{e} It was not applied, and is sent again.");
                        on_disk(run.history, move |h| {
                            h.resolve(entry, Outcome::NotApplied, Some(&message))
                        })
                        .await?;
                        work.step = Step::send(Purpose::TryAgain);
                        if let Some(end) = wait_after(run, &mut work, n, &e, stops).await? {
                            return Ok(end);
                        }
                    }
                }
            }
            Step::Check { entry, ours } => {
                let now = match read(run, permit, &number, &mut work, stops).await? {
                    Read::Now(now) => now,
                    Read::Cannot => {
                        if let Some(end) = unverifiable(run, &mut work, entry, ours).await? {
                            return Ok(end);
                        }
                        continue;
                    }
                    Read::Ended(end) => return Ok(end),
                    Read::Again => continue,
                    Read::NoSuchContact => {
                        resolve(run, entry, Outcome::NotApplied, NO_SUCH_CONTACT).await?;
                        work.step = Step::send(Purpose::TryAgain);
                        continue;
                    }
                };
                match since::compare(&work.row.change, &now) {
                    Found::After => {
                        for lost in std::mem::take(&mut work.lost) {
                            resolve(run, lost, Outcome::Confirmed, LOST_THEN_CONFIRMED).await?;
                        }
                        return settle(run, entry, Outcome::Confirmed, SHOWS_AFTER.into()).await;
                    }
                    Found::Before => {
                        resolve(run, entry, Outcome::NotApplied, SHOWS_BEFORE).await?;
                        work.step = Step::send(Purpose::TryAgain);
                    }
                    Found::Unclear(fields) if !ours => {
                        let message = format!(
                            "Not sent again: this row was on its way when the run stopped, and \
                             DeepCall now has other values for {} than this row's. Whether the \
                             row never arrived or someone changed the contact since cannot be \
                             told, so it is not sent over a possible newer change. Open the \
                             contact to check.",
                            since::fields_words(&fields)
                        );
                        return hold(run, &work, Some(entry), Held::Unsure, message).await;
                    }
                    Found::Unclear(_) => {
                        // Sent by this run moments ago and not there: not
                        // applied, unless this computer changed it since.
                        if let Some(end) = changed_here(run, &work, Some(entry)).await? {
                            return Ok(end);
                        }
                        resolve(run, entry, Outcome::NotApplied, SHOWS_BEFORE).await?;
                        keep_before(run, &mut work, &now).await?;
                        work.step = Step::send(Purpose::TryAgain);
                    }
                    Found::Neither(fields) => {
                        return hold(
                            run,
                            &work,
                            Some(entry),
                            Held::ChangedSince,
                            changed_words(&fields),
                        )
                        .await;
                    }
                }
            }
            Step::Verify => {
                let purpose = match work.row.outcome {
                    Some(Outcome::NotApplied) => Purpose::TryAgain,
                    _ => Purpose::Change,
                };
                // Changed from this computer since the run started (the
                // Contacts screen, another run): what DeepCall holds is
                // someone's newer decision.
                if let Some(end) = changed_here(run, &work, None).await? {
                    return Ok(end);
                }
                let now = match read(run, permit, &number, &mut work, stops).await? {
                    Read::Now(now) => now,
                    // Sent as before: DeepCall's own answer will say why not.
                    Read::Cannot | Read::NoSuchContact => {
                        work.step = Step::send(purpose);
                        continue;
                    }
                    Read::Ended(end) => return Ok(end),
                    Read::Again => continue,
                };
                if let Found::Neither(fields) = since::compare(&work.row.change, &now) {
                    return hold(run, &work, None, Held::ChangedSince, changed_words(&fields))
                        .await;
                }
                keep_before(run, &mut work, &now).await?;
                work.step = Step::send(purpose);
            }
        }
    }
}

mod ends;

use ends::*;

#[cfg(test)]
mod tests;
