//! When line-ups fall due, what is asked about after a time away, and how
//! times are worded.

use super::*;
use jiff::civil::date;
use jiff::tz::Offset;

use Day::*;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

const WEEKDAYS: [Day; 5] = [Monday, Tuesday, Wednesday, Thursday, Friday];

fn slot(days: &[Day], hour: u8, minute: u8) -> Slot {
    Slot {
        days: days.to_vec(),
        hour,
        minute,
    }
}

fn lineup(id: i64, order: u32, groups: &[u64], slots: &[Slot]) -> Scheduled {
    Scheduled {
        lineup: id,
        order,
        groups: groups.to_vec(),
        slots: slots.to_vec(),
    }
}

/// A wall-clock time in `zone`, as ms since 1970 UTC. The days used are in
/// March 2025: Monday is the 3rd, Friday the 7th.
fn local(zone: &TimeZone, month: i8, day: i8, hour: i8, minute: i8) -> i64 {
    date(2025, month, day)
        .at(hour, minute, 0, 0)
        .to_zoned(zone.clone())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn utc(month: i8, day: i8, hour: i8, minute: i8) -> i64 {
    local(&TimeZone::UTC, month, day, hour, minute)
}

fn instant(text: &str) -> i64 {
    text.parse::<Timestamp>().unwrap().as_millisecond()
}

fn times(due: &[Due]) -> Vec<(i64, i64)> {
    due.iter().map(|d| (d.lineup, d.at_ms)).collect()
}

const MORNING: i64 = 1;
const EVENING: i64 = 2;

/// Morning weekdays 09:00 and Evening weekdays 18:00.
fn morning_and_evening(morning_groups: &[u64], evening_groups: &[u64]) -> Vec<Scheduled> {
    vec![
        lineup(MORNING, 0, morning_groups, &[slot(&WEEKDAYS, 9, 0)]),
        lineup(EVENING, 1, evening_groups, &[slot(&WEEKDAYS, 18, 0)]),
    ]
}

#[test]
fn a_weekday_slot_is_due_monday_to_friday_and_not_at_the_weekend() {
    let lineups = [lineup(MORNING, 0, &[28], &[slot(&WEEKDAYS, 9, 0)])];
    // Saturday 1 March to Sunday 9 March, end of day: two weekends around a week.
    let due = due_between(&lineups, utc(3, 1, 0, 0), utc(3, 9, 23, 59), &TimeZone::UTC);
    let days: Vec<(Day, i64)> = due
        .iter()
        .map(|d| {
            let at = TimeZone::UTC.to_datetime(Timestamp::from_millisecond(d.at_ms).unwrap());
            (Day::of(at.weekday()), d.at_ms)
        })
        .collect();
    assert_eq!(
        days,
        vec![
            (Monday, utc(3, 3, 9, 0)),
            (Tuesday, utc(3, 4, 9, 0)),
            (Wednesday, utc(3, 5, 9, 0)),
            (Thursday, utc(3, 6, 9, 0)),
            (Friday, utc(3, 7, 9, 0)),
        ]
    );
    assert!(due.iter().all(|d| d.slot == slot(&WEEKDAYS, 9, 0)));
}

#[test]
fn since_is_exclusive_and_until_inclusive() {
    let lineups = [lineup(MORNING, 0, &[28], &[slot(&WEEKDAYS, 9, 0)])];
    let zone = TimeZone::UTC;
    let monday = utc(3, 3, 9, 0);
    let tuesday = utc(3, 4, 9, 0);

    // From exactly Monday 09:00 to exactly Tuesday 09:00: Tuesday only.
    assert_eq!(
        times(&due_between(&lineups, monday, tuesday, &zone)),
        vec![(MORNING, tuesday)]
    );
    // A millisecond either side.
    assert_eq!(
        times(&due_between(&lineups, monday - 1, tuesday - 1, &zone)),
        vec![(MORNING, monday)]
    );
    assert!(due_between(&lineups, monday, tuesday - 1, &zone).is_empty());
}

#[test]
fn the_evening_missed_while_closed_is_asked_and_the_morning_before_is_not() {
    let lineups = morning_and_evening(&[28], &[28]);
    // Closed on Friday at 17:00, opened again at 19:30.
    let asked = missed(
        &lineups,
        utc(3, 7, 17, 0),
        utc(3, 7, 19, 30),
        &TimeZone::UTC,
    );
    assert_eq!(times(&asked), vec![(EVENING, utc(3, 7, 18, 0))]);
}

#[test]
fn closed_over_the_weekend_on_the_same_groups_only_the_latest_is_asked() {
    let lineups = morning_and_evening(&[28, 29], &[29, 28]);
    // Closed from Wednesday 08:00 to Monday 08:30: both missed three times.
    let asked = missed(&lineups, utc(3, 5, 8, 0), utc(3, 10, 8, 30), &TimeZone::UTC);
    assert_eq!(times(&asked), vec![(EVENING, utc(3, 7, 18, 0))]);
}

#[test]
fn closed_over_the_weekend_on_different_groups_both_are_asked_in_time_order() {
    let lineups = morning_and_evening(&[28], &[29]);
    let asked = missed(&lineups, utc(3, 5, 8, 0), utc(3, 10, 8, 30), &TimeZone::UTC);
    assert_eq!(
        times(&asked),
        vec![(MORNING, utc(3, 7, 9, 0)), (EVENING, utc(3, 7, 18, 0))]
    );
}

#[test]
fn a_line_up_is_asked_when_a_later_one_sets_only_some_of_its_groups() {
    let lineups = morning_and_evening(&[28, 29], &[28]);
    let asked = missed(&lineups, utc(3, 7, 8, 0), utc(3, 7, 19, 0), &TimeZone::UTC);
    assert_eq!(
        times(&asked),
        vec![(MORNING, utc(3, 7, 9, 0)), (EVENING, utc(3, 7, 18, 0))]
    );

    // Its groups set by two later line-ups between them: not asked.
    let mut lineups = morning_and_evening(&[28, 29], &[28]);
    lineups.push(lineup(3, 2, &[29], &[slot(&[Friday], 12, 0)]));
    let asked = missed(&lineups, utc(3, 7, 8, 0), utc(3, 7, 19, 0), &TimeZone::UTC);
    assert_eq!(
        times(&asked),
        vec![(3, utc(3, 7, 12, 0)), (EVENING, utc(3, 7, 18, 0))]
    );
}

#[test]
fn line_ups_due_at_once_come_in_the_list_order_then_by_id() {
    let at_nine = [slot(&[Monday], 9, 0)];
    let lineups = [
        lineup(7, 2, &[1], &at_nine),
        lineup(5, 1, &[2], &at_nine),
        lineup(3, 1, &[3], &at_nine),
        lineup(9, 0, &[4], &[slot(&[Monday], 9, 1)]),
    ];
    let due = due_between(&lineups, utc(3, 3, 0, 0), utc(3, 3, 12, 0), &TimeZone::UTC);
    let nine = utc(3, 3, 9, 0);
    assert_eq!(
        times(&due),
        vec![(3, nine), (5, nine), (7, nine), (9, nine + MINUTE_MS)]
    );
}

#[test]
fn of_two_missed_at_once_on_the_same_groups_the_one_applied_last_is_asked() {
    let at_nine = [slot(&[Monday], 9, 0)];
    let lineups = [lineup(4, 1, &[28], &at_nine), lineup(8, 0, &[28], &at_nine)];
    let asked = missed(&lineups, utc(3, 3, 0, 0), utc(3, 3, 12, 0), &TimeZone::UTC);
    assert_eq!(times(&asked), vec![(4, utc(3, 3, 9, 0))]);
}

#[test]
fn a_line_up_with_two_slots_at_the_same_time_is_due_once() {
    let lineups = [lineup(
        MORNING,
        0,
        &[28],
        &[slot(&[Monday], 9, 0), slot(&WEEKDAYS, 9, 0)],
    )];
    let due = due_between(&lineups, utc(3, 3, 0, 0), utc(3, 4, 0, 0), &TimeZone::UTC);
    assert_eq!(times(&due), vec![(MORNING, utc(3, 3, 9, 0))]);
    assert_eq!(due[0].slot, slot(&[Monday], 9, 0));
}

#[test]
fn nine_in_kolkata_is_half_past_three_utc() {
    let kolkata = TimeZone::fixed(Offset::from_seconds(5 * 3600 + 30 * 60).unwrap());
    let lineups = [lineup(MORNING, 0, &[28], &[slot(&[Monday], 9, 0)])];
    let due = due_between(
        &lineups,
        instant("2025-03-02T00:00:00Z"),
        instant("2025-03-04T00:00:00Z"),
        &kolkata,
    );
    assert_eq!(
        times(&due),
        vec![(MORNING, instant("2025-03-03T03:30:00Z"))]
    );
}

/// The United Kingdom's rule: BST from 01:00 GMT on the last Sunday of March
/// (30 March 2025) to 01:00 GMT on the last Sunday of October (26 October).
fn london() -> TimeZone {
    TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0").unwrap()
}

#[test]
fn a_time_the_clocks_skip_falls_due_once_where_the_gap_ends() {
    let zone = london();
    let lineups = [
        lineup(1, 0, &[28], &[slot(&[Sunday], 1, 30)]),
        lineup(2, 1, &[29], &[slot(&[Sunday], 1, 0)]),
    ];
    let due = due_between(
        &lineups,
        instant("2025-03-29T00:00:00Z"),
        instant("2025-03-31T00:00:00Z"),
        &zone,
    );
    // 02:00 BST, the first moment after 01:00–02:00 was skipped.
    let gap_end = instant("2025-03-30T01:00:00Z");
    assert_eq!(times(&due), vec![(1, gap_end), (2, gap_end)]);
    assert_eq!(when_words(gap_end, gap_end, &zone), "02:00");

    // The Sunday before and after, at 01:30 GMT and 01:30 BST.
    let due = due_between(
        &lineups[..1],
        instant("2025-03-22T00:00:00Z"),
        instant("2025-04-07T00:00:00Z"),
        &zone,
    );
    assert_eq!(
        times(&due),
        vec![
            (1, instant("2025-03-23T01:30:00Z")),
            (1, gap_end),
            (1, instant("2025-04-06T00:30:00Z")),
        ]
    );
}

#[test]
fn a_time_the_clocks_pass_twice_falls_due_once_the_first_time() {
    let zone = london();
    let lineups = [lineup(1, 0, &[28], &[slot(&[Sunday], 1, 30)])];
    let first = instant("2025-10-26T00:30:00Z"); // 01:30 BST
    let second = instant("2025-10-26T01:30:00Z"); // 01:30 GMT
    let due = due_between(
        &lineups,
        instant("2025-10-25T00:00:00Z"),
        instant("2025-10-27T00:00:00Z"),
        &zone,
    );
    assert_eq!(times(&due), vec![(1, first)]);
    // Not again at the second 01:30.
    assert!(due_between(&lineups, first, second + MINUTE_MS, &zone).is_empty());
}

#[test]
fn clocks_put_back_across_midnight_pass_the_next_day_first() {
    // On the last Sunday of October, 00:30 (+02) goes back to Saturday 23:30
    // (+01): Sunday 00:10 comes while it is Saturday again afterwards.
    let zone = TimeZone::posix("AAA-1BBB-2,M3.5.0,M10.5.0/0:30").unwrap();
    let lineups = [lineup(1, 0, &[28], &[slot(&[Sunday], 0, 10)])];
    let sunday_ten_past = instant("2025-10-25T22:10:00Z");
    let saturday_again = instant("2025-10-25T22:40:00Z"); // 23:40 (+01)
    assert_eq!(
        zone.to_datetime(Timestamp::from_millisecond(saturday_again).unwrap())
            .date(),
        date(2025, 10, 25)
    );
    let due = due_between(&lineups, sunday_ten_past - MINUTE_MS, saturday_again, &zone);
    assert_eq!(times(&due), vec![(1, sunday_ten_past)]);
}

#[test]
fn a_line_up_90_seconds_late_is_applied_and_10_minutes_late_is_asked() {
    let lineups = morning_and_evening(&[28], &[29]);
    let evening = utc(3, 7, 18, 0);
    let due = due_between(&lineups, evening - MINUTE_MS, evening, &TimeZone::UTC);

    let (applied, asked) = on_time_or_asked(due.clone(), &lineups, evening + 90_000);
    assert_eq!(
        (times(&applied), times(&asked)),
        (vec![(EVENING, evening)], vec![])
    );

    let (applied, asked) = on_time_or_asked(due.clone(), &lineups, evening + ON_TIME_MS);
    assert_eq!(times(&applied), vec![(EVENING, evening)]);
    assert!(asked.is_empty());

    let (applied, asked) = on_time_or_asked(due, &lineups, evening + 10 * MINUTE_MS);
    assert_eq!(
        (times(&applied), times(&asked)),
        (vec![], vec![(EVENING, evening)])
    );
}

#[test]
fn late_line_ups_are_asked_once_each_and_not_when_a_later_one_sets_their_groups() {
    let lineups = morning_and_evening(&[28], &[28]);
    // Asleep from Thursday 08:00 until Friday 18:01.
    let now = utc(3, 7, 18, 1);
    let due = due_between(&lineups, utc(3, 6, 8, 0), now, &TimeZone::UTC);
    assert_eq!(due.len(), 4);
    let (applied, asked) = on_time_or_asked(due.clone(), &lineups, now);
    assert_eq!(times(&applied), vec![(EVENING, utc(3, 7, 18, 0))]);
    assert!(asked.is_empty(), "Evening on time sets Morning's group");

    // On different groups, Morning's latest is asked, the Evening before
    // it not (Evening is applied now).
    let lineups = morning_and_evening(&[28], &[29]);
    let (applied, asked) = on_time_or_asked(due, &lineups, now);
    assert_eq!(times(&applied), vec![(EVENING, utc(3, 7, 18, 0))]);
    assert_eq!(times(&asked), vec![(MORNING, utc(3, 7, 9, 0))]);
}

#[test]
fn a_computer_off_for_a_year_looks_back_eight_weeks_only() {
    let lineups = [lineup(1, 0, &[28], &[slot(&Day::WEEK, 9, 0)])];
    let now = utc(3, 7, 12, 0);
    let due = due_between(&lineups, 0, now, &TimeZone::UTC);
    assert_eq!(due.len(), 56);
    assert_eq!(due[0].at_ms, utc(3, 7, 9, 0) - 55 * DAY_MS);
    assert_eq!(due[55].at_ms, utc(3, 7, 9, 0));
    assert_eq!(
        times(&missed(&lineups, i64::MIN, now, &TimeZone::UTC)),
        vec![(1, utc(3, 7, 9, 0))]
    );
}

#[test]
fn nonsense_instants_and_slots_give_nothing_and_never_panic() {
    let zone = london();
    let odd = [
        lineup(1, 0, &[28], &[slot(&Day::WEEK, 24, 0)]),
        lineup(2, 0, &[28], &[slot(&Day::WEEK, 9, 60)]),
        lineup(3, 0, &[28], &[slot(&Day::WEEK, 255, 255)]),
        lineup(4, 0, &[28], &[slot(&[], 9, 0)]),
        lineup(5, 0, &[], &[]),
    ];
    let daily = [lineup(1, 0, &[28], &[slot(&Day::WEEK, 9, 0)])];
    let now = utc(3, 7, 12, 0);
    for (since, until) in [
        (0, now),
        (now, 0),
        (now, now),
        (-5 * DAY_MS, -DAY_MS),
        (i64::MIN, i64::MAX),
        (i64::MAX - 1, i64::MAX),
        (i64::MIN, i64::MIN + 1),
    ] {
        assert!(due_between(&odd, since, until, &zone).is_empty());
        assert!(missed(&odd, since, until, &zone).is_empty());
        let _ = due_between(&daily, since, until, &zone);
        let _ = when_words(since, until, &zone);
        let _ = when_words(until, since, &zone);
    }
    assert!(due_between(&[], 0, now, &zone).is_empty());
    assert!(due_between(&daily, now, now - 1, &zone).is_empty());
    assert_eq!(due_between(&daily, -5 * DAY_MS, -DAY_MS, &zone).len(), 4);
    assert!(due_between(&daily, i64::MAX - 1, i64::MAX, &zone).is_empty());
    assert_eq!(on_time_or_asked(vec![], &[], i64::MIN), (vec![], vec![]));
    assert_eq!(when_words(i64::MAX, 0, &zone), "");
}

#[test]
fn slots_are_worded_as_the_screens_show_them() {
    assert_eq!(slot(&WEEKDAYS, 9, 0).words(), "Weekdays 09:00");
    assert_eq!(
        slot(&[Friday, Monday, Thursday, Wednesday, Tuesday], 9, 0).words(),
        "Weekdays 09:00"
    );
    assert_eq!(slot(&[Sunday, Saturday], 10, 0).words(), "Weekends 10:00");
    assert_eq!(slot(&Day::WEEK, 18, 0).words(), "Every day 18:00");
    assert_eq!(slot(&[Sunday], 10, 0).words(), "Sunday 10:00");
    assert_eq!(
        slot(&[Friday, Monday, Wednesday], 9, 0).words(),
        "Monday, Wednesday and Friday 09:00"
    );
    assert_eq!(
        slot(&[Saturday, Monday], 7, 5).words(),
        "Monday and Saturday 07:05"
    );
    assert_eq!(
        slot(
            &[Monday, Tuesday, Wednesday, Thursday, Friday, Saturday],
            23,
            59
        )
        .words(),
        "Monday, Tuesday, Wednesday, Thursday, Friday and Saturday 23:59"
    );
}

#[test]
fn a_slot_is_refused_with_what_to_fix() {
    let refused = |s: Slot| s.validate().unwrap_err();
    assert_eq!(
        refused(slot(&[], 9, 0)),
        SlotError::new("days", "Choose at least one day for this time.")
    );
    assert_eq!(
        refused(slot(&[Monday, Friday, Monday], 9, 0)),
        SlotError::new(
            "days",
            "Monday is chosen twice for this time: choose each day once."
        )
    );
    assert_eq!(
        refused(slot(&[Monday], 24, 0)),
        SlotError::new("hour", "Choose an hour from 00 to 23.")
    );
    assert_eq!(
        refused(slot(&[Monday], 9, 60)),
        SlotError::new("minute", "Choose a minute from 00 to 59.")
    );
    assert_eq!(slot(&Day::WEEK, 23, 59).validate(), Ok(()));
    assert_eq!(slot(&[Sunday], 0, 0).validate(), Ok(()));
}

#[test]
fn a_slot_crosses_to_the_window_in_camel_case() {
    let json = serde_json::to_value(slot(&[Monday, Sunday], 9, 30)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "days": ["monday", "sunday"], "hour": 9, "minute": 30 })
    );
    let back: Slot = serde_json::from_value(json).unwrap();
    assert_eq!(back, slot(&[Monday, Sunday], 9, 30));
    let due = Due {
        lineup: 4,
        at_ms: 1,
        slot: back,
    };
    assert_eq!(serde_json::to_value(due).unwrap()["atMs"], 1);
}

#[test]
fn a_due_time_is_named_from_today() {
    let zone = TimeZone::fixed(Offset::from_seconds(5 * 3600 + 30 * 60).unwrap());
    // Now: Friday 7 March 2025, 10:00 in that zone.
    let now = local(&zone, 3, 7, 10, 0);
    let words =
        |month, day, hour, minute| when_words(local(&zone, month, day, hour, minute), now, &zone);
    assert_eq!(words(3, 7, 0, 0), "00:00");
    assert_eq!(words(3, 7, 9, 5), "09:05");
    assert_eq!(words(3, 6, 18, 0), "yesterday at 18:00");
    assert_eq!(words(3, 6, 0, 0), "yesterday at 00:00");
    assert_eq!(words(3, 5, 18, 0), "Wednesday at 18:00");
    assert_eq!(words(3, 1, 18, 0), "Saturday at 18:00");
    // A week ago would name today's own day: a date instead.
    assert_eq!(words(2, 28, 18, 0), "28 February at 18:00");
    assert_eq!(words(1, 3, 8, 0), "3 January at 08:00");
    let last_year = date(2024, 12, 30)
        .at(18, 0, 0, 0)
        .to_zoned(zone.clone())
        .unwrap()
        .timestamp()
        .as_millisecond();
    assert_eq!(
        when_words(last_year, now, &zone),
        "30 December 2024 at 18:00"
    );
    // Days change at the zone's midnight, not UTC's: 18:30 UTC on Thursday
    // is already Friday 00:00 in Kolkata.
    assert_eq!(
        when_words(utc(3, 6, 18, 0), now, &zone),
        "yesterday at 23:30"
    );
    assert_eq!(when_words(utc(3, 6, 18, 30), now, &zone), "00:00");
}
