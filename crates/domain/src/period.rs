//! Calendar periods that analyses cover.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A period that cannot exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateRangeError {
    /// The end comes before the start.
    #[error("the period ends ({end}) before it starts ({start})")]
    EndBeforeStart {
        /// The first day asked for.
        start: NaiveDate,
        /// The last day asked for.
        end: NaiveDate,
    },
    /// A period of zero days, or one that runs past the calendar.
    #[error("a period must cover between 1 and {max} days, not {days}")]
    Length {
        /// The number of days asked for.
        days: i64,
        /// The longest period accepted.
        max: i64,
    },
}

/// An inclusive range of calendar days, such as 2026-11-01 to 2026-11-30.
///
/// Both ends are whole days: a range from the 1st to the 30th covers 30 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// The longest period tally analyzes at once: ten years.
    pub const MAX_DAYS: i64 = 3660;

    /// A range from `start` to `end`, both included.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, DateRangeError> {
        if end < start {
            return Err(DateRangeError::EndBeforeStart { start, end });
        }
        let range = Self { start, end };
        if range.days() > Self::MAX_DAYS {
            return Err(DateRangeError::Length {
                days: range.days(),
                max: Self::MAX_DAYS,
            });
        }
        Ok(range)
    }

    /// The `days` days that end with `end`, so `ending(d, 7)` is the week up to and with `d`.
    pub fn ending(end: NaiveDate, days: i64) -> Result<Self, DateRangeError> {
        if !(1..=Self::MAX_DAYS).contains(&days) {
            return Err(DateRangeError::Length {
                days,
                max: Self::MAX_DAYS,
            });
        }
        let back = Days::new(u64::try_from(days - 1).unwrap_or_default());
        let start = end.checked_sub_days(back).ok_or(DateRangeError::Length {
            days,
            max: Self::MAX_DAYS,
        })?;
        Self::new(start, end)
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// How many days the range covers (at least 1).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Whether `day` falls inside the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// The range of the same length that ends the day before this one starts.
    pub fn previous(&self) -> Option<Self> {
        let end = self.start.pred_opt()?;
        Self::ending(end, self.days()).ok()
    }

    /// Every day of the range, in order.
    pub fn iter_days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let end = self.end;
        self.start.iter_days().take_while(move |day| *day <= end)
    }

    /// The first instant of the range, at midnight UTC.
    pub fn start_utc(&self) -> DateTime<Utc> {
        self.start.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The first instant after the range, at midnight UTC of the following day.
    pub fn end_exclusive_utc(&self) -> DateTime<Utc> {
        let next = self.end.succ_opt().unwrap_or(self.end);
        next.and_time(chrono::NaiveTime::MIN).and_utc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_include_both_ends() {
        let range = DateRange::new(day("2026-11-01"), day("2026-11-30")).unwrap();
        assert_eq!(range.days(), 30);
        assert!(range.contains(day("2026-11-01")));
        assert!(range.contains(day("2026-11-30")));
        assert!(!range.contains(day("2026-12-01")));
        assert_eq!(range.iter_days().count(), 30);
    }

    #[test]
    fn ending_counts_back_from_the_last_day() {
        let range = DateRange::ending(day("2026-12-04"), 7).unwrap();
        assert_eq!(range.start(), day("2026-11-28"));
        assert_eq!(range.end(), day("2026-12-04"));
        let single = DateRange::ending(day("2026-12-04"), 1).unwrap();
        assert_eq!(single.start(), single.end());
    }

    #[test]
    fn previous_has_the_same_length_and_touches_the_start() {
        let range = DateRange::new(day("2026-03-01"), day("2026-03-31")).unwrap();
        let previous = range.previous().unwrap();
        assert_eq!(previous.days(), 31);
        assert_eq!(previous.end(), day("2026-02-28"));
        assert_eq!(previous.start(), day("2026-01-29"));
    }

    #[test]
    fn impossible_ranges_are_rejected() {
        assert_eq!(
            DateRange::new(day("2026-02-02"), day("2026-02-01")),
            Err(DateRangeError::EndBeforeStart {
                start: day("2026-02-02"),
                end: day("2026-02-01"),
            })
        );
        assert!(DateRange::ending(day("2026-02-01"), 0).is_err());
        assert!(DateRange::ending(day("2026-02-01"), -3).is_err());
        assert!(DateRange::ending(day("2026-02-01"), DateRange::MAX_DAYS + 1).is_err());
    }

    #[test]
    fn utc_bounds_cover_whole_days() {
        let range = DateRange::new(day("2026-03-01"), day("2026-03-02")).unwrap();
        assert_eq!(range.start_utc().to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(
            range.end_exclusive_utc().to_rfc3339(),
            "2026-03-03T00:00:00+00:00"
        );
    }
}
