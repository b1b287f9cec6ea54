//! SLA arithmetic: working time in a calendar (working weekdays, hours,
//! holidays, a fixed UTC offset) and the two clocks of a ticket — first
//! response and resolution — as pure functions of its status history and
//! "now", so they are tested with any clock.
//!
//! A clock runs while the ticket is new or open, pauses while it waits on
//! the customer, and stops when resolved or closed; reopening resumes it
//! where it stopped (the time already used still counts).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

/// Longest stretch [`Calendar::add`] searches for working time (ten years).
const HORIZON_DAYS: i64 = 3660;

/// A working calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// Local time = UTC + this many minutes.
    pub utc_offset_minutes: i32,
    /// Working weekdays, Monday first.
    pub working_days: [bool; 7],
    /// Start of the working day, minutes after local midnight.
    pub day_start_minute: u32,
    /// End of the working day, minutes after local midnight (≤ 1440).
    pub day_end_minute: u32,
    /// Days off.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Monday to Friday, 09:00–17:00 at `utc_offset_minutes`, no holidays.
    pub fn office(utc_offset_minutes: i32) -> Self {
        Self {
            utc_offset_minutes,
            working_days: [true, true, true, true, true, false, false],
            day_start_minute: 9 * 60,
            day_end_minute: 17 * 60,
            holidays: BTreeSet::new(),
        }
    }

    /// Parses stored working days ("1,2,3,4,5", Monday = 1).
    pub fn parse_days(text: &str) -> Option<[bool; 7]> {
        let mut days = [false; 7];
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let n: usize = part.parse().ok()?;
            if !(1..=7).contains(&n) {
                return None;
            }
            days[n - 1] = true;
        }
        days.iter().any(|d| *d).then_some(days)
    }

    /// Stored form of working days.
    pub fn format_days(days: &[bool; 7]) -> String {
        days.iter()
            .enumerate()
            .filter(|(_, on)| **on)
            .map(|(i, _)| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    fn offset(&self) -> Duration {
        Duration::minutes(i64::from(self.utc_offset_minutes))
    }

    /// The working window of a local day, in UTC, if it is a working day.
    fn window(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let weekday = day.weekday().num_days_from_monday() as usize;
        if !self.working_days[weekday] || self.holidays.contains(&day) {
            return None;
        }
        let midnight = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?) - self.offset();
        Some((
            midnight + Duration::minutes(i64::from(self.day_start_minute)),
            midnight + Duration::minutes(i64::from(self.day_end_minute)),
        ))
    }

    fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        (at + self.offset()).date_naive()
    }

    /// Working seconds in `[from, to)`.
    pub fn working_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = self.local_day(from);
        let last = self.local_day(to);
        while day <= last {
            if let Some((start, end)) = self.window(day) {
                let (a, b) = (start.max(from), end.min(to));
                if b > a {
                    total += (b - a).num_seconds();
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// The instant `seconds` of working time after `from`; `None` when the
    /// calendar has no working time within ten years.
    pub fn add(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        let mut left = seconds.max(0);
        let mut day = self.local_day(from);
        for _ in 0..HORIZON_DAYS {
            if let Some((start, end)) = self.window(day) {
                let start = start.max(from);
                if end > start {
                    let here = (end - start).num_seconds();
                    if left <= here {
                        return Some(start + Duration::seconds(left));
                    }
                    left -= here;
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

/// A ticket status as the clock sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// New or open: the clock runs.
    Running,
    /// Waiting on the customer: the clock is paused.
    Paused,
    /// Resolved or closed: the clock stops.
    Stopped,
}

impl Phase {
    /// The phase of a stored status.
    pub fn of(status: &str) -> Self {
        match status {
            "new" | "open" => Phase::Running,
            "waiting" => Phase::Paused,
            _ => Phase::Stopped,
        }
    }
}

/// What a clock says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Counting: due at `due`, `left` working seconds to go (negative: late by that much).
    Running {
        /// Deadline.
        due: DateTime<Utc>,
        /// Working seconds left (negative when breached).
        left: i64,
    },
    /// Waiting on the customer with `left` working seconds to go.
    Paused {
        /// Working seconds left (negative when breached).
        left: i64,
    },
    /// Done at `at`, within the target or not.
    Met {
        /// When it was met.
        at: DateTime<Utc>,
        /// Whether it was met within the target.
        in_time: bool,
    },
}

impl Clock {
    /// Whether the target is already missed.
    pub fn breached(&self) -> bool {
        match self {
            Clock::Running { left, .. } | Clock::Paused { left } => *left < 0,
            Clock::Met { in_time, .. } => !in_time,
        }
    }

    /// The deadline while running.
    pub fn due(&self) -> Option<DateTime<Utc>> {
        match self {
            Clock::Running { due, .. } => Some(*due),
            _ => None,
        }
    }
}

/// A clock over a status history (`(when, status)`, oldest first, the
/// first being creation), with a target in working minutes. `done` is when
/// the goal was reached independently of status (the first response), if
/// it was.
pub fn clock(
    calendar: &Calendar,
    history: &[(DateTime<Utc>, String)],
    target_minutes: i64,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Clock {
    let target = target_minutes * 60;
    let end = done.map_or(now, |d| d.min(now));
    let mut used = 0;
    let mut crossed: Option<DateTime<Utc>> = None;
    let mut running_since: Option<DateTime<Utc>>;
    let mut stopped_at: Option<DateTime<Utc>>;
    for (i, (at, status)) in history.iter().enumerate() {
        if *at > end {
            break;
        }
        let until = history.get(i + 1).map_or(end, |(next, _)| (*next).min(end));
        match Phase::of(status) {
            Phase::Running => {
                let here = calendar.working_seconds(*at, until);
                if crossed.is_none() && used + here > target {
                    crossed = calendar.add(*at, target - used);
                }
                used += here;
                running_since = Some(*at);
                stopped_at = None;
            }
            Phase::Paused => {
                running_since = None;
                stopped_at = None;
            }
            Phase::Stopped => {
                running_since = None;
                stopped_at = Some(*at);
            }
        }
        if history.get(i + 1).is_none_or(|(next, _)| *next > end) {
            // This entry is the state at `end`.
            if done.is_some_and(|d| d <= now) {
                return Clock::Met {
                    at: end,
                    in_time: used <= target,
                };
            }
            if let Some(at) = stopped_at {
                return Clock::Met {
                    at,
                    in_time: used <= target,
                };
            }
            if let Some(since) = running_since {
                let before = used - calendar.working_seconds(since, until);
                let due = crossed
                    .or_else(|| calendar.add(since, target - before))
                    .unwrap_or(now);
                return Clock::Running {
                    due,
                    left: target - used,
                };
            }
            return Clock::Paused {
                left: target - used,
            };
        }
    }
    // No history before `end` (creation in the future): nothing used yet.
    Clock::Paused { left: target }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A time in November 2026 (the 30th is a Monday).
    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
            .single()
            .expect("valid test time")
    }

    fn dec(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
            .single()
            .expect("valid test time")
    }

    fn h(entries: &[(DateTime<Utc>, &str)]) -> Vec<(DateTime<Utc>, String)> {
        entries.iter().map(|(t, s)| (*t, (*s).to_owned())).collect()
    }

    #[test]
    fn working_seconds_table() {
        let cal = Calendar::office(0);
        let cases = [
            // (from, to, working hours)
            (at(30, 9, 0), at(30, 17, 0), 8.0),
            (at(30, 8, 0), at(30, 10, 0), 1.0),
            (at(30, 16, 0), dec(1, 10, 0), 2.0),
            // Friday 16:00 → Monday 10:00: one hour Friday, one Monday.
            (dec(4, 16, 0), dec(7, 10, 0), 2.0),
            // A whole weekend.
            (dec(5, 0, 0), dec(7, 0, 0), 0.0),
            // Two working weeks.
            (at(30, 0, 0), dec(14, 0, 0), 80.0),
            (at(30, 12, 0), at(30, 12, 0), 0.0),
            (at(30, 12, 0), at(30, 11, 0), 0.0),
        ];
        for (from, to, hours) in cases {
            assert_eq!(
                cal.working_seconds(from, to),
                (hours * 3600.0) as i64,
                "{from} → {to}"
            );
        }
    }

    #[test]
    fn add_skips_nights_weekends_and_holidays() {
        let mut cal = Calendar::office(0);
        // 4 h from Monday 15:00: 2 h Monday, 2 h Tuesday → Tuesday 11:00.
        assert_eq!(cal.add(at(30, 15, 0), 4 * 3600), Some(dec(1, 11, 0)));
        // From Saturday: Monday 09:00 + 1 h.
        assert_eq!(cal.add(dec(5, 10, 0), 3600), Some(dec(7, 10, 0)));
        // From Friday 16:30 + 1 h → Monday 09:30.
        assert_eq!(cal.add(dec(4, 16, 30), 3600), Some(dec(7, 9, 30)));
        // Tuesday is a holiday: Monday 16:00 + 2 h → Wednesday 10:00.
        cal.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"));
        assert_eq!(cal.add(at(30, 16, 0), 2 * 3600), Some(dec(2, 10, 0)));
        // Zero from before the day starts is the day's start.
        assert_eq!(cal.add(at(30, 7, 0), 0), Some(at(30, 9, 0)));
    }

    #[test]
    fn offsets_shift_the_working_day() {
        // UTC+8, 09:00–17:00 local is 01:00–09:00 UTC.
        let cal = Calendar::office(8 * 60);
        assert_eq!(cal.working_seconds(at(30, 0, 0), at(30, 12, 0)), 8 * 3600);
        assert_eq!(cal.add(at(30, 0, 0), 3600), Some(at(30, 2, 0)));
        // Sunday 23:00 UTC is Monday 07:00 local: work starts at 01:00 UTC Monday.
        assert_eq!(cal.add(dec(6, 23, 0), 0), Some(dec(7, 1, 0)));
    }

    #[test]
    fn no_working_days_gives_no_deadline() {
        let mut cal = Calendar::office(0);
        cal.working_days = [false; 7];
        assert_eq!(cal.add(at(30, 9, 0), 60), None);
        assert_eq!(Calendar::parse_days(""), None);
        assert_eq!(Calendar::parse_days("1,8"), None);
        assert_eq!(
            Calendar::parse_days("1, 2,5"),
            Some([true, true, false, false, true, false, false])
        );
        assert_eq!(
            Calendar::format_days(&[true, true, true, true, true, false, false]),
            "1,2,3,4,5"
        );
    }

    #[test]
    fn running_clock_has_a_deadline_and_time_left() {
        let cal = Calendar::office(0);
        let history = h(&[(at(30, 10, 0), "new")]);
        // At the very moment of creation the clock already runs.
        let c = clock(&cal, &history, 8 * 60, None, at(30, 10, 0));
        assert_eq!(
            c,
            Clock::Running {
                due: dec(1, 10, 0),
                left: 8 * 3600
            }
        );
        // Created on a Sunday: the deadline counts from Monday 09:00.
        let sunday = h(&[(at(29, 15, 0), "new")]);
        let c = clock(&cal, &sunday, 60, None, at(29, 15, 0));
        assert_eq!(
            c,
            Clock::Running {
                due: at(30, 10, 0),
                left: 3600
            }
        );
        // 8 working hours from Monday 10:00 → Tuesday 10:00.
        let c = clock(&cal, &history, 8 * 60, None, at(30, 12, 0));
        assert_eq!(
            c,
            Clock::Running {
                due: dec(1, 10, 0),
                left: 6 * 3600
            }
        );
        assert!(!c.breached());
        // Tuesday 11:00: an hour late.
        let c = clock(&cal, &history, 8 * 60, None, dec(1, 11, 0));
        assert_eq!(
            c,
            Clock::Running {
                due: dec(1, 10, 0),
                left: -3600
            }
        );
        assert!(c.breached());
    }

    #[test]
    fn waiting_pauses_and_reopening_resumes() {
        let cal = Calendar::office(0);
        let history = h(&[
            (at(30, 9, 0), "new"),
            (at(30, 10, 0), "open"),
            (at(30, 11, 0), "waiting"),
            (dec(2, 9, 0), "open"),
        ]);
        // Paused for Tuesday: 2 h used Monday, 2 h target left at Wednesday 09:00.
        let paused = clock(&cal, &history[..3], 4 * 60, None, dec(1, 15, 0));
        assert_eq!(paused, Clock::Paused { left: 2 * 3600 });
        assert_eq!(paused.due(), None);
        let c = clock(&cal, &history, 4 * 60, None, dec(2, 10, 0));
        assert_eq!(
            c,
            Clock::Running {
                due: dec(2, 11, 0),
                left: 3600
            }
        );
    }

    #[test]
    fn resolving_stops_and_reopen_counts_what_was_used() {
        let cal = Calendar::office(0);
        let history = h(&[
            (at(30, 9, 0), "new"),
            (at(30, 12, 0), "resolved"),
            (dec(1, 9, 0), "open"),
        ]);
        let met = clock(&cal, &history[..2], 4 * 60, None, dec(1, 8, 0));
        assert_eq!(
            met,
            Clock::Met {
                at: at(30, 12, 0),
                in_time: true
            }
        );
        // Reopened Tuesday 09:00 with 1 h left → due 10:00.
        let c = clock(&cal, &history, 4 * 60, None, dec(1, 9, 30));
        assert_eq!(
            c,
            Clock::Running {
                due: dec(1, 10, 0),
                left: 1800
            }
        );
        // Resolved late on a second try.
        let mut late = history.clone();
        late.push((dec(1, 11, 0), "closed".to_owned()));
        let c = clock(&cal, &late, 4 * 60, None, dec(3, 9, 0));
        assert_eq!(
            c,
            Clock::Met {
                at: dec(1, 11, 0),
                in_time: false
            }
        );
        assert!(c.breached());
    }

    #[test]
    fn breach_in_an_earlier_span_keeps_its_deadline() {
        let cal = Calendar::office(0);
        let history = h(&[
            (at(30, 9, 0), "new"),
            (at(30, 13, 0), "waiting"),
            (dec(1, 9, 0), "open"),
        ]);
        // Target 2 h was crossed Monday 11:00 and stays the deadline.
        let c = clock(&cal, &history, 2 * 60, None, dec(1, 10, 0));
        assert_eq!(
            c,
            Clock::Running {
                due: at(30, 11, 0),
                left: -3 * 3600
            }
        );
    }

    #[test]
    fn first_response_stops_the_response_clock() {
        let cal = Calendar::office(0);
        let history = h(&[(at(30, 9, 0), "new"), (at(30, 9, 30), "open")]);
        let c = clock(&cal, &history, 60, Some(at(30, 9, 45)), dec(1, 9, 0));
        assert_eq!(
            c,
            Clock::Met {
                at: at(30, 9, 45),
                in_time: true
            }
        );
        let c = clock(&cal, &history, 30, Some(at(30, 9, 45)), dec(1, 9, 0));
        assert_eq!(
            c,
            Clock::Met {
                at: at(30, 9, 45),
                in_time: false
            }
        );
        // A response made after a weekend, on a Friday-evening ticket.
        let friday = h(&[(dec(4, 18, 0), "new")]);
        let c = clock(&cal, &friday, 60, Some(dec(7, 9, 50)), dec(7, 12, 0));
        assert_eq!(
            c,
            Clock::Met {
                at: dec(7, 9, 50),
                in_time: true
            }
        );
    }
}
