//! Dashboard filters: the period (with the one before it for comparison),
//! warehouse, owner, team and segment, and the time buckets of a chart.

use chrono::{Datelike, Duration, NaiveDate};

use crate::{messages, Error, FieldErrors, Result};

/// The periods a dashboard offers.
pub const PERIODS: [&str; 6] = ["today", "7d", "30d", "quarter", "year", "custom"];

/// Longest custom period, in days.
pub const MAX_DAYS: i64 = 3_700;

/// The filter as the URL carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterInput {
    /// One of [`PERIODS`]; empty means `30d`.
    pub period: String,
    /// First day of a custom period.
    pub from: Option<NaiveDate>,
    /// Last day of a custom period.
    pub to: Option<NaiveDate>,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only the members of this team.
    pub team_id: Option<i64>,
    /// Only customers of this segment.
    pub segment: Option<String>,
}

/// A validated filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// The period's name.
    pub period: String,
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Only this warehouse.
    pub warehouse_id: Option<i64>,
    /// Only this owner.
    pub owner_id: Option<i64>,
    /// Only the members of this team.
    pub team_id: Option<i64>,
    /// Only customers of this segment.
    pub segment: Option<String>,
}

/// How a chart's time axis is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grain {
    /// One bar per day.
    Day,
    /// One per week (starting Monday).
    Week,
    /// One per month.
    Month,
}

impl Grain {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
        }
    }

    /// The grain named `text`.
    pub fn parse(text: &str) -> Option<Grain> {
        match text {
            "day" => Some(Grain::Day),
            "week" => Some(Grain::Week),
            "month" => Some(Grain::Month),
            _ => None,
        }
    }

    /// The first day of the bucket holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => day,
            Grain::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Grain::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the bucket after the one starting at `start`.
    fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => start + Duration::days(1),
            Grain::Week => start + Duration::days(7),
            Grain::Month => start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(start + Duration::days(31)),
        }
    }

    /// Bucket starts covering `from ..= to`.
    pub fn buckets(self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut at = self.start(from);
        while at <= to {
            out.push(at);
            at = self.next(at);
        }
        out
    }
}

impl Filter {
    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> (NaiveDate, NaiveDate) {
        let to = self.from - Duration::days(1);
        (to - Duration::days(self.days() - 1), to)
    }

    /// The natural grain of the period's charts.
    pub fn grain(&self) -> Grain {
        match self.days() {
            ..=45 => Grain::Day,
            46..=200 => Grain::Week,
            _ => Grain::Month,
        }
    }
}

/// Validates `input` against `today`.
pub fn resolve(input: &FilterInput, today: NaiveDate) -> Result<Filter> {
    let period = if input.period.is_empty() {
        "30d"
    } else {
        input.period.as_str()
    };
    let (from, to) = match period {
        "today" => (today, today),
        "7d" => (today - Duration::days(6), today),
        "30d" => (today - Duration::days(29), today),
        "quarter" => {
            let month = (today.month0() / 3) * 3 + 1;
            (
                NaiveDate::from_ymd_opt(today.year(), month, 1).unwrap_or(today),
                today,
            )
        }
        "year" => (
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            today,
        ),
        "custom" => custom(input)?,
        _ => return Err(Error::field("period", messages::PERIOD_INVALID)),
    };
    let segment = input
        .segment
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if segment.as_ref().is_some_and(|s| s.chars().count() > 60) {
        return Err(Error::field("segment", messages::MAX_60));
    }
    Ok(Filter {
        period: period.to_owned(),
        from,
        to,
        warehouse_id: input.warehouse_id,
        owner_id: input.owner_id,
        team_id: input.team_id,
        segment,
    })
}

fn custom(input: &FilterInput) -> Result<(NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    match (input.from, input.to) {
        (None, _) => {
            errors.insert("from".into(), messages::DATE_REQUIRED.into());
        }
        (_, None) => {
            errors.insert("to".into(), messages::DATE_REQUIRED.into());
        }
        (Some(from), Some(to)) if to < from => {
            errors.insert("to".into(), messages::DATES_ORDER.into());
        }
        (Some(from), Some(to)) if (to - from).num_days() >= MAX_DAYS => {
            errors.insert("to".into(), messages::PERIOD_TOO_LONG.into());
        }
        (Some(from), Some(to)) => return Ok((from, to)),
    }
    Err(Error::Validation(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
    }

    fn input(period: &str) -> FilterInput {
        FilterInput {
            period: period.into(),
            ..Default::default()
        }
    }

    #[test]
    fn periods_end_today_and_compare_with_the_span_before() {
        let today = day(2026, 11, 29);
        let f = resolve(&input(""), today).expect("a valid filter");
        assert_eq!((f.from, f.to, f.days()), (day(2026, 10, 31), today, 30));
        assert_eq!(f.previous(), (day(2026, 10, 1), day(2026, 10, 30)));
        let q = resolve(&input("quarter"), today).expect("a valid filter");
        assert_eq!(q.from, day(2026, 10, 1));
        let y = resolve(&input("year"), today).expect("a valid filter");
        assert_eq!((y.from, y.grain()), (day(2026, 1, 1), Grain::Month));
        let t = resolve(&input("today"), today).expect("a valid filter");
        assert_eq!(t.previous(), (day(2026, 11, 28), day(2026, 11, 28)));
    }

    #[test]
    fn custom_periods_are_checked() {
        let today = day(2026, 11, 29);
        let mut i = input("custom");
        assert!(resolve(&i, today).is_err());
        i.from = Some(day(2026, 3, 1));
        i.to = Some(day(2026, 2, 1));
        assert!(resolve(&i, today).is_err());
        i.to = Some(day(2026, 3, 31));
        let f = resolve(&i, today).expect("a valid filter");
        assert_eq!((f.days(), f.grain()), (31, Grain::Day));
        assert!(resolve(&input("fortnight"), today).is_err());
    }

    #[test]
    fn buckets_cover_the_period() {
        let weeks = Grain::Week.buckets(day(2026, 11, 4), day(2026, 11, 29));
        assert_eq!(weeks.first(), Some(&day(2026, 11, 2)));
        assert_eq!(weeks.len(), 4);
        let months = Grain::Month.buckets(day(2026, 1, 15), day(2026, 3, 1));
        assert_eq!(
            months,
            vec![day(2026, 1, 1), day(2026, 2, 1), day(2026, 3, 1)]
        );
    }
}
