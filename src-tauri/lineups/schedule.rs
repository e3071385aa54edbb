//! When a line-up falls due: times of the week in the computer's own time.
//!
//! A line-up's slots are wall-clock times ("weekdays 09:00") in the
//! computer's time zone. While the app runs, what falls due is applied on
//! time; what fell due while it was closed (or asleep) is never applied late
//! without asking, and only what still matters is asked about: each
//! line-up's latest time, and not one whose groups a later line-up sets
//! anyway.
//!
//! Pure: the time zone and every instant are passed in, so the rules are
//! tested without a clock, and the same on every computer.

use std::collections::{HashMap, HashSet};

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A day of the week. Serialized camelCase ("monday" …) for the window.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    /// The week in order, Monday first, as the screens list it.
    pub const WEEK: [Day; 7] = [
        Day::Monday,
        Day::Tuesday,
        Day::Wednesday,
        Day::Thursday,
        Day::Friday,
        Day::Saturday,
        Day::Sunday,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Day::Monday => "Monday",
            Day::Tuesday => "Tuesday",
            Day::Wednesday => "Wednesday",
            Day::Thursday => "Thursday",
            Day::Friday => "Friday",
            Day::Saturday => "Saturday",
            Day::Sunday => "Sunday",
        }
    }

    fn of(weekday: Weekday) -> Day {
        match weekday {
            Weekday::Monday => Day::Monday,
            Weekday::Tuesday => Day::Tuesday,
            Weekday::Wednesday => Day::Wednesday,
            Weekday::Thursday => Day::Thursday,
            Weekday::Friday => Day::Friday,
            Weekday::Saturday => Day::Saturday,
            Weekday::Sunday => Day::Sunday,
        }
    }
}

/// One time of the week a line-up is applied at, in the computer's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub days: Vec<Day>,
    pub hour: u8,
    pub minute: u8,
}

/// Why a slot cannot be saved: the field to fix (`days`, `hour` or
/// `minute`, as the slot is serialized) and a plain sentence saying how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SlotError {
    pub field: &'static str,
    pub message: String,
}

impl SlotError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl Slot {
    /// Refuses no days, an hour past 23, a minute past 59 and a day given
    /// twice, each with a message naming what to fix.
    pub fn validate(&self) -> Result<(), SlotError> {
        if self.days.is_empty() {
            return Err(SlotError::new(
                "days",
                "Choose at least one day for this time.",
            ));
        }
        let mut chosen = HashSet::new();
        if let Some(twice) = self.days.iter().find(|day| !chosen.insert(**day)) {
            return Err(SlotError::new(
                "days",
                format!(
                    "{} is chosen twice for this time: choose each day once.",
                    twice.name()
                ),
            ));
        }
        if self.hour > 23 {
            return Err(SlotError::new("hour", "Choose an hour from 00 to 23."));
        }
        if self.minute > 59 {
            return Err(SlotError::new("minute", "Choose a minute from 00 to 59."));
        }
        Ok(())
    }

    /// How the screens word it: "Weekdays 09:00", "Weekends 10:00", "Every
    /// day 18:00", "Sunday 10:00", "Monday, Wednesday and Friday 09:00"
    /// (days in week order, whatever order they were given). A slot without
    /// days, which `validate` refuses, is worded by its time alone.
    pub fn words(&self) -> String {
        let days: Vec<Day> = Day::WEEK
            .into_iter()
            .filter(|day| self.days.contains(day))
            .collect();
        let time = clock(self.hour, self.minute);
        let which = match days.as_slice() {
            [] => return time,
            [Day::Monday, Day::Tuesday, Day::Wednesday, Day::Thursday, Day::Friday] => {
                "Weekdays".to_owned()
            }
            [Day::Saturday, Day::Sunday] => "Weekends".to_owned(),
            all if all.len() == Day::WEEK.len() => "Every day".to_owned(),
            [one] => one.name().to_owned(),
            [first @ .., last] => {
                let first: Vec<&str> = first.iter().map(|day| day.name()).collect();
                format!("{} and {}", first.join(", "), last.name())
            }
        };
        format!("{which} {time}")
    }
}

/// A time of day as every screen writes it: 24-hour, "09:00".
fn clock(hour: impl Into<i16>, minute: impl Into<i16>) -> String {
    format!("{:02}:{:02}", hour.into(), minute.into())
}

/// A line-up's schedule, as the functions below need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub lineup: i64,
    /// Its place in the manager's list: of two line-ups due at once, the one
    /// placed first is applied first (so the second has the last word).
    pub order: u32,
    pub groups: Vec<u64>,
    pub slots: Vec<Slot>,
}

/// One time a line-up fell due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Due {
    pub lineup: i64,
    /// Milliseconds since 1970 UTC.
    pub at_ms: i64,
    pub slot: Slot,
}

/// How far back `due_between` looks from `until_ms`: 8 weeks. Only each
/// line-up's latest missed time is ever asked about, and every slot comes
/// round once a week, so older times never matter; the cap keeps a computer
/// left off for months (or a nonsense `since_ms`) from walking every day
/// since 1970.
const LOOK_BACK_MS: i64 = 8 * 7 * 24 * 60 * 60 * 1000;

/// Every time a slot falls due in (since_ms, until_ms] (within the last 8
/// weeks of it), in the order they are applied in: time, then the line-up's
/// `order`, then its id. A line-up whose slots fall due at the same instant
/// is listed once, with the first of those slots. Empty when there is
/// nothing to look at: `until_ms <= since_ms`, or an instant out of range.
pub fn due_between(
    lineups: &[Scheduled],
    since_ms: i64,
    until_ms: i64,
    zone: &TimeZone,
) -> Vec<Due> {
    let mut found = Vec::new();
    if until_ms <= since_ms {
        return found;
    }
    let Ok(until) = Timestamp::from_millisecond(until_ms) else {
        return found;
    };
    let after_ms = since_ms.max(until_ms.saturating_sub(LOOK_BACK_MS));
    let after = Timestamp::from_millisecond(after_ms).unwrap_or(Timestamp::MIN);
    let mut day = zone.to_datetime(after).date();
    // Clocks put back across midnight (00:30 back to 23:30) pass the next
    // day's first minutes before `until`'s own date has changed.
    let last = zone.to_datetime(until).date();
    let last = last.tomorrow().unwrap_or(last);
    while day <= last {
        let weekday = Day::of(day.weekday());
        for lineup in lineups {
            for slot in lineup.slots.iter().filter(|s| s.days.contains(&weekday)) {
                let Some(at_ms) = falls_due(day, slot, zone) else {
                    continue;
                };
                if after_ms < at_ms && at_ms <= until_ms {
                    found.push(Due {
                        lineup: lineup.lineup,
                        at_ms,
                        slot: slot.clone(),
                    });
                }
            }
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    in_application_order(&mut found, lineups);
    found.dedup_by(|later, earlier| later.at_ms == earlier.at_ms && later.lineup == earlier.lineup);
    found
}

/// The instant a slot falls due on a day. A time the clocks skip falls due
/// at the first moment after the gap; a time they pass twice, the first
/// time. `None` for a slot `validate` refuses, or a day out of range.
fn falls_due(day: Date, slot: &Slot, zone: &TimeZone) -> Option<i64> {
    let hour = i8::try_from(slot.hour).ok()?;
    let minute = i8::try_from(slot.minute).ok()?;
    let time = Time::new(hour, minute, 0, 0).ok()?;
    let ambiguous = zone.to_ambiguous_timestamp(day.to_datetime(time));
    // `earlier` is the time itself, or the first of a fold's two; in a gap,
    // an instant before it, whose next transition is where the gap ends.
    let earlier = ambiguous.earlier().ok()?;
    let at = match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => zone.following(earlier).next()?.timestamp(),
        AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => earlier,
    };
    Some(at.as_millisecond())
}

/// Time, then the line-up's place in the list, then its id. A line-up not
/// in `lineups` comes after those that are, at the same time.
fn in_application_order(due: &mut [Due], lineups: &[Scheduled]) {
    let order: HashMap<i64, u32> = lineups.iter().map(|l| (l.lineup, l.order)).collect();
    due.sort_by_key(|d| {
        let place = order.get(&d.lineup).copied().unwrap_or(u32::MAX);
        (d.at_ms, place, d.lineup)
    });
}

/// What the next start asks about, of the times missed in
/// (since_ms, now_ms]: each line-up's latest missed time only, and not one
/// whose groups are all set by line-ups applied after it (applying it would
/// be undone at once). Same order as `due_between`.
pub fn missed(lineups: &[Scheduled], since_ms: i64, now_ms: i64, zone: &TimeZone) -> Vec<Due> {
    let due = due_between(lineups, since_ms, now_ms, zone);
    let keep = still_matters(&due, lineups);
    due.into_iter()
        .zip(keep)
        .filter_map(|(due, keep)| keep.then_some(due))
        .collect()
}

/// For each of `due` (in application order), whether applying it still
/// matters: no later time of the same line-up, and not every one of its
/// groups set again by other line-ups after it. "After" is the application
/// order, so of two line-ups due at the same minute on the same groups only
/// the one applied last is kept: the first would be undone at once.
///
/// A line-up with no groups (or no longer in `lineups`) sets nothing, so it
/// is kept only when nothing else comes after it.
fn still_matters(due: &[Due], lineups: &[Scheduled]) -> Vec<bool> {
    let groups: HashMap<i64, &[u64]> = lineups
        .iter()
        .map(|l| (l.lineup, l.groups.as_slice()))
        .collect();
    let mut later_lineups = HashSet::new();
    let mut set_later = HashSet::new();
    let mut keep = vec![false; due.len()];
    for (i, d) in due.iter().enumerate().rev() {
        let own = groups.get(&d.lineup).copied().unwrap_or_default();
        let superseded = later_lineups.contains(&d.lineup)
            || (!later_lineups.is_empty() && own.iter().all(|g| set_later.contains(g)));
        keep[i] = !superseded;
        later_lineups.insert(d.lineup);
        set_later.extend(own.iter().copied());
    }
    keep
}

/// How long after its time a due line-up is still applied without asking:
/// the app checks every few seconds; a computer that slept through the time
/// is asked, like one that was closed.
pub const ON_TIME_MS: i64 = 120_000;

/// Splits what `due_between` found at `now_ms` into (applied now, asked
/// about). A `Due` is on time when `now_ms - at_ms <= ON_TIME_MS`, and every
/// on-time one is applied, in application order. The late ones are filtered
/// as `missed` does, with the on-time ones counted among those after them:
/// a late Morning whose groups the on-time Evening sets is not asked about.
pub fn on_time_or_asked(
    mut due: Vec<Due>,
    lineups: &[Scheduled],
    now_ms: i64,
) -> (Vec<Due>, Vec<Due>) {
    in_application_order(&mut due, lineups);
    let keep = still_matters(&due, lineups);
    let mut on_time = Vec::new();
    let mut asked = Vec::new();
    for (due, keep) in due.into_iter().zip(keep) {
        if now_ms.saturating_sub(due.at_ms) <= ON_TIME_MS {
            on_time.push(due);
        } else if keep {
            asked.push(due);
        }
    }
    (on_time, asked)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The due time as a question names it, relative to now in the same zone:
/// "18:00" (today), "yesterday at 18:00", "Monday at 18:00" (within the last
/// week), "3 March at 18:00" (older, or later than today), with the year
/// when it is not this year's. Empty for an instant out of range.
pub fn when_words(at_ms: i64, now_ms: i64, zone: &TimeZone) -> String {
    let Ok(at) = Timestamp::from_millisecond(at_ms) else {
        return String::new();
    };
    let at = zone.to_datetime(at);
    let time = clock(at.hour(), at.minute());
    let today = Timestamp::from_millisecond(now_ms)
        .ok()
        .map(|now| zone.to_datetime(now).date());
    let days_ago = today
        .and_then(|today| today.since(at.date()).ok())
        .map(|span| span.get_days());
    match days_ago {
        Some(0) => time,
        Some(1) => format!("yesterday at {time}"),
        // A week ago names the same day as today's: that one gets a date.
        Some(2..=6) => format!("{} at {time}", Day::of(at.weekday()).name()),
        _ => {
            let month = usize::try_from(at.month() - 1)
                .ok()
                .and_then(|m| MONTHS.get(m))
                .copied()
                .unwrap_or_default();
            if today.is_some_and(|today| today.year() == at.year()) {
                format!("{} {month} at {time}", at.day())
            } else {
                format!("{} {month} {} at {time}", at.day(), at.year())
            }
        }
    }
}

/// The computer's own time zone: `TZ`, then `/etc/localtime`, or Windows'
/// setting. UTC when it cannot be read, which the log says, since every
/// line-up then falls due at its time in UTC rather than the manager's.
pub fn local_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or_else(|e| {
        tracing::warn!("line-ups: the computer's time zone cannot be read, so UTC is used: {e}");
        TimeZone::UTC
    })
}

#[cfg(test)]
mod tests;
