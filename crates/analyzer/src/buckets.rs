//! Calendar buckets of a period: days, Monday-based weeks or months.
//!
//! Buckets are clipped to the period, so the first and last bucket of a weekly or monthly
//! series can be shorter than a full week or month; each bucket says which days it covers.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use tally_domain::DateRange;

use crate::names::named_enum;

named_enum!(
    /// The size of the buckets of a time series (default: day).
    #[derive(Default)]
    Granularity, "granularity" {
        /// One bucket per local day.
        #[default]
        Day => "day" | "daily",
        /// One bucket per week, Monday to Sunday.
        Week => "week" | "weekly",
        /// One bucket per calendar month.
        Month => "month" | "monthly",
    }
);

/// The local days of one bucket, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Bucket {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Bucket {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// How many days the bucket covers.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// Every bucket of `range`, in order, clipped to the range.
pub(crate) fn buckets(range: &DateRange, granularity: Granularity) -> Vec<Bucket> {
    let mut result = Vec::new();
    let mut start = range.start();
    while start <= range.end() {
        let next = next_start(start, granularity);
        let end = next
            .and_then(|next| next.pred_opt())
            .unwrap_or(range.end())
            .min(range.end());
        result.push(Bucket { start, end });
        match next {
            Some(next) => start = next,
            None => break,
        }
    }
    result
}

/// The index of the bucket holding `day`, if any.
pub(crate) fn bucket_of(buckets: &[Bucket], day: NaiveDate) -> Option<usize> {
    let index = buckets.partition_point(|bucket| bucket.end < day);
    buckets
        .get(index)
        .filter(|bucket| bucket.contains(day))
        .map(|_| index)
}

/// The first day of the bucket after the one that holds `day`.
fn next_start(day: NaiveDate, granularity: Granularity) -> Option<NaiveDate> {
    match granularity {
        Granularity::Day => day.succ_opt(),
        Granularity::Week => {
            let into_week = u64::from(day.weekday().num_days_from_monday());
            day.checked_add_days(Days::new(7 - into_week))
        }
        Granularity::Month => day.with_day(1)?.checked_add_months(Months::new(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: &str, end: &str) -> DateRange {
        DateRange::new(start.parse().unwrap(), end.parse().unwrap()).unwrap()
    }

    fn spans(list: &[Bucket]) -> Vec<(String, String)> {
        list.iter()
            .map(|b| (b.start.to_string(), b.end.to_string()))
            .collect()
    }

    #[test]
    fn weeks_start_on_monday_and_are_clipped() {
        // 2026-05-01 is a Friday.
        let weeks = buckets(&range("2026-05-01", "2026-05-12"), Granularity::Week);
        assert_eq!(
            spans(&weeks),
            [
                ("2026-05-01".into(), "2026-05-03".into()),
                ("2026-05-04".into(), "2026-05-10".into()),
                ("2026-05-11".into(), "2026-05-12".into()),
            ]
        );
        assert_eq!(weeks[1].days(), 7);
        assert_eq!(bucket_of(&weeks, "2026-05-10".parse().unwrap()), Some(1));
        assert_eq!(bucket_of(&weeks, "2026-05-13".parse().unwrap()), None);
    }

    #[test]
    fn months_and_days_cover_the_range() {
        let months = buckets(&range("2026-01-15", "2026-03-02"), Granularity::Month);
        assert_eq!(
            spans(&months),
            [
                ("2026-01-15".into(), "2026-01-31".into()),
                ("2026-02-01".into(), "2026-02-28".into()),
                ("2026-03-01".into(), "2026-03-02".into()),
            ]
        );
        assert_eq!(
            buckets(&range("2026-01-15", "2026-03-02"), Granularity::Day).len(),
            47
        );
        assert_eq!(
            buckets(&range("2026-01-15", "2026-01-15"), Granularity::Day).len(),
            1
        );
    }
}
