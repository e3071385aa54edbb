//! Line-ups on their times of the week: while the app runs it looks every
//! few seconds, applies what falls due now, and asks about what fell due
//! while it was closed (or the computer slept). It never applies late
//! without asking.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use super::lineups::send_groups;
use super::{blocking, AppError, AppState};
use crate::history::{now_ms, on_disk, History, HistoryError, Purpose};
use crate::lineups::schedule::{
    due_between, local_zone, on_time_or_asked, when_words, Due, Scheduled,
};
use crate::lineups::Lineup;
use crate::sending::lineup::{Application, GroupApplied, Nobody};
use crate::sending::send::Why;

/// How often the schedule is looked at.
const EVERY: Duration = Duration::from_secs(10);

/// How often, at most, the moment looked at is written down when nothing
/// fell due: a time is then at most this old when the app stops, and none
/// fell due in it, so nothing is asked twice; a disk is not written every
/// few seconds all day.
const SEEN_EVERY_MS: i64 = 60_000;

/// A line-up whose time passed while the app was closed: the manager is
/// asked whether to apply it now.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MissedLineup {
    pub lineup: i64,
    pub name: String,
    pub at_ms: i64,
    /// When it was due, as the question says it: "18:00", "yesterday at 18:00".
    pub when: String,
}

/// A line-up applied on its time.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledApplied {
    pub lineup: i64,
    pub name: String,
    pub application: Application,
}

/// What the schedule tells the window.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "notice", rename_all = "camelCase")]
pub enum ScheduleNotice {
    /// Line-ups to ask about (all of them, not only new ones).
    #[serde(rename_all = "camelCase")]
    Missed { missed: Vec<MissedLineup> },
    /// Line-ups applied on time, in the order they were applied.
    #[serde(rename_all = "camelCase")]
    Applied {
        at_ms: i64,
        when: String,
        applied: Vec<ScheduledApplied>,
    },
}

/// The schedule's side of the app: what to ask about, and where to say it.
#[derive(Default)]
pub struct ScheduleSession {
    missed: Mutex<Vec<MissedLineup>>,
    window: Mutex<Window>,
}

/// Where notices go: the window's channel, or, until the window listens
/// (the first look runs as the app starts), kept for it.
#[derive(Default)]
struct Window {
    channel: Option<Channel<ScheduleNotice>>,
    unheard: Vec<ScheduleNotice>,
}

impl ScheduleSession {
    fn tell(&self, notice: ScheduleNotice) {
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        match window.channel.as_ref() {
            Some(channel) => {
                let _ = channel.send(notice);
            }
            None => window.unheard.push(notice),
        }
    }

    /// The window listens on `channel` from now on, and hears what it missed.
    fn listen(&self, channel: Channel<ScheduleNotice>) {
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        for notice in std::mem::take(&mut window.unheard) {
            let _ = channel.send(notice);
        }
        window.channel = Some(channel);
    }

    fn missed(&self) -> Vec<MissedLineup> {
        self.missed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Adds `found` to what is asked about: one question per line-up, for
    /// its latest time.
    fn ask(&self, found: Vec<MissedLineup>) {
        let mut missed = self.missed.lock().unwrap_or_else(|p| p.into_inner());
        for m in found {
            missed.retain(|old| old.lineup != m.lineup);
            missed.push(m);
        }
        missed.sort_by_key(|m| m.at_ms);
    }

    fn answered(&self, lineup: i64) {
        self.missed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|m| m.lineup != lineup);
    }
}

/// Starts the window's side of the schedule: `on_notice` hears of line-ups
/// applied on time and of times missed. Returns what is already asked about.
#[tauri::command]
#[specta::specta]
pub async fn schedule_watch(
    session: State<'_, ScheduleSession>,
    on_notice: Channel<ScheduleNotice>,
) -> Result<Vec<MissedLineup>, AppError> {
    session.listen(on_notice);
    Ok(session.missed())
}

/// The manager answered the question about `lineup` (applied it, or not now).
#[tauri::command]
#[specta::specta]
pub async fn schedule_answered(
    session: State<'_, ScheduleSession>,
    lineup: i64,
) -> Result<(), AppError> {
    session.answered(lineup);
    Ok(())
}

/// Looks at the schedule every few seconds while the app runs.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Said once, not every few seconds while it lasts (History held by
        // another copy, a full disk).
        let mut said: Option<String> = None;
        loop {
            match look(&app).await {
                Ok(()) => said = None,
                Err(e) if said.as_deref() != Some(e.message.as_str()) => {
                    tracing::warn!("schedule: not looked at: {}", e.message);
                    said = Some(e.message);
                }
                Err(_) => {}
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}

/// One look: what fell due since the last, applied or asked about.
async fn look<R: Runtime>(app: &AppHandle<R>) -> Result<(), AppError> {
    let state = app.state::<AppState>().inner().clone();
    let session = app.state::<ScheduleSession>();
    let active = {
        let state = state.clone();
        blocking(move || Ok(state.accounts().active().map(|a| a.id))).await?
    };
    let key = super::lineups::owner_of(&active);
    let history = state.history().await?;
    let now = now_ms();
    let found = {
        let key = key.clone();
        on_disk(&history, move |h| due_since_seen(h, &key, now)).await?
    };
    let Some(Fallen { lineups, due }) = found else {
        return Ok(());
    };
    let zone = local_zone();
    let scheduled = schedules(&lineups);
    let (on_time, late) = on_time_or_asked(due, &scheduled, now);
    let name = |id: i64| lineups.iter().find(|l| l.id == id);
    if !late.is_empty() {
        session.ask(
            late.iter()
                .filter_map(|d| {
                    name(d.lineup).map(|l| MissedLineup {
                        lineup: l.id,
                        name: l.name.clone(),
                        at_ms: d.at_ms,
                        when: when_words(d.at_ms, now, &zone),
                    })
                })
                .collect(),
        );
        session.tell(ScheduleNotice::Missed {
            missed: session.missed(),
        });
    }
    let Some(first) = on_time.first() else {
        return Ok(());
    };
    let at_ms = first.at_ms;
    let mut applied = Vec::new();
    for due in &on_time {
        let Some(lineup) = name(due.lineup) else {
            continue;
        };
        tracing::info!(
            "schedule: applying line-up {} due at {}",
            lineup.id,
            due.at_ms
        );
        let why = Why {
            purpose: Purpose::Scheduled,
            lineup: Some(lineup.name.clone()),
        };
        // Nothing sent (History cannot be written, the account cannot be
        // read from the keyring): the notice says so for each group, never
        // only the log.
        let application = send_groups(
            &state,
            active.clone(),
            &why,
            &lineup.groups,
            Nobody::AsSaved,
            |_, _, _| {},
        )
        .await
        .unwrap_or_else(|e| not_sent(lineup, &e.message));
        applied.push(ScheduledApplied {
            lineup: lineup.id,
            name: lineup.name.clone(),
            application,
        });
    }
    session.tell(ScheduleNotice::Applied {
        at_ms,
        when: when_words(at_ms, now_ms(), &zone),
        applied,
    });
    Ok(())
}

/// A line-up none of whose groups was sent, for `why`.
fn not_sent(lineup: &Lineup, why: &str) -> Application {
    Application {
        groups: lineup
            .groups
            .iter()
            .map(|g| GroupApplied::Failed {
                group: g.group,
                group_name: g.group_name.clone(),
                message: why.to_owned(),
                unsure: false,
            })
            .collect(),
        undo: Vec::new(),
    }
}

/// The account's line-ups, and the times that fell due.
struct Fallen {
    lineups: Vec<Lineup>,
    due: Vec<Due>,
}

/// The account's line-ups and what fell due since the schedule was last
/// looked at. Whenever something fell due, now is written down as looked
/// at before anything is sent (a line-up cut off by a crash is in History,
/// and is not asked about again); else at most once a minute. `None` the
/// first time: nothing before now counts as missed.
fn due_since_seen(h: &History, key: &str, now: i64) -> Result<Option<Fallen>, HistoryError> {
    let Some(seen) = h.schedule_seen(key)? else {
        h.set_schedule_seen(key, now)?;
        return Ok(None);
    };
    let lineups = h.lineups(key)?;
    let due = due_between(&schedules(&lineups), seen, now, &local_zone());
    if !due.is_empty() || now - seen >= SEEN_EVERY_MS {
        h.set_schedule_seen(key, now)?;
    }
    Ok(Some(Fallen { lineups, due }))
}

fn schedules(lineups: &[Lineup]) -> Vec<Scheduled> {
    lineups
        .iter()
        .enumerate()
        .map(|(order, l)| Scheduled {
            lineup: l.id,
            order: order as u32,
            groups: l.groups.iter().map(|g| g.group).collect(),
            slots: l.slots.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineups::schedule::{Day, Slot};
    use crate::lineups::test_support::saved_group;

    const KEY: &str = "sandbox";
    const MINUTE: i64 = 60_000;

    /// A History with one line-up due every day at 09:00 in the computer's
    /// zone; returns 09:00 today, in ms.
    fn nine_every_day(h: &History) -> i64 {
        let l = h
            .create_lineup(
                KEY,
                "Morning",
                &[saved_group(28, "Mahipal singh", &[(3, true)])],
            )
            .unwrap();
        h.set_lineup_slots(
            KEY,
            l.id,
            &[Slot {
                days: Day::WEEK.to_vec(),
                hour: 9,
                minute: 0,
            }],
        )
        .unwrap();
        jiff::Zoned::now()
            .with()
            .hour(9)
            .minute(0)
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    #[test]
    fn a_line_up_that_could_not_be_sent_says_so_for_each_group() {
        let h = History::in_memory();
        nine_every_day(&h);
        let lineup = &h.lineups(KEY).unwrap()[0];
        let why = "History could not be written (the disk is full), so nothing was sent.";
        let a = not_sent(lineup, why);
        assert!(a.undo.is_empty(), "nothing to undo");
        assert_eq!(
            a.groups,
            [GroupApplied::Failed {
                group: 28,
                group_name: "Mahipal singh".into(),
                message: why.into(),
                unsure: false,
            }]
        );
    }

    #[test]
    fn the_first_look_counts_nothing_before_it_as_missed() {
        let h = History::in_memory();
        let nine = nine_every_day(&h);
        assert!(due_since_seen(&h, KEY, nine + MINUTE).unwrap().is_none());
        assert_eq!(h.schedule_seen(KEY).unwrap(), Some(nine + MINUTE));
    }

    #[test]
    fn a_time_is_found_once_and_the_moment_looked_at_is_written_when_it_is() {
        let h = History::in_memory();
        let nine = nine_every_day(&h);
        h.set_schedule_seen(KEY, nine - 20_000).unwrap();
        // Ten seconds later, nothing due, less than a minute since: not written.
        let quiet = due_since_seen(&h, KEY, nine - 10_000).unwrap().unwrap();
        assert!(quiet.due.is_empty());
        assert_eq!(h.schedule_seen(KEY).unwrap(), Some(nine - 20_000));
        // 09:00 passes: found, and written down before anything is sent.
        let fell = due_since_seen(&h, KEY, nine + 5_000).unwrap().unwrap();
        assert_eq!(fell.due.len(), 1);
        assert_eq!(fell.due[0].at_ms, nine);
        assert_eq!(h.schedule_seen(KEY).unwrap(), Some(nine + 5_000));
        // Not found again.
        let after = due_since_seen(&h, KEY, nine + 15_000).unwrap().unwrap();
        assert!(after.due.is_empty());
        // A minute on, the moment looked at is written even with nothing due.
        due_since_seen(&h, KEY, nine + 5_000 + MINUTE).unwrap();
        assert_eq!(h.schedule_seen(KEY).unwrap(), Some(nine + 5_000 + MINUTE));
    }
}
