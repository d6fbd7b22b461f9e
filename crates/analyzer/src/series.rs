//! Time series of one metric over the period, in day, week or month buckets.
//!
//! Buckets are local calendar days of the user's time zone (weeks start on Monday) and
//! every bucket of the period appears, in order. Two sources feed them:
//!
//! - **Post metrics** (`likes`, `comments`, `shares`, `saves`, `views`, `clicks`, `quotes`,
//!   `engagement`, `engagement_rate`, `posts`) are attributed *by publish date*: a post's
//!   latest lifetime counters count in the bucket of the local day it was published. A
//!   bucket without posts has `posts` 0 and `null` for the others; a counter no post of
//!   the bucket reports is `null`. `engagement_rate` is pooled per bucket with the
//!   denominators chosen for the whole period.
//! - **Account metrics** (`followers`, `reach`, `impressions`) come from daily account
//!   figures, whose days are taken as stored. `followers` is the last figure inside the
//!   bucket, summed over accounts; `reach` and `impressions` are the daily figures summed
//!   over the bucket's days (a person reached on two days counts twice). A bucket without
//!   figures is `null`.

use serde::Serialize;
use tally_domain::{AccountMetric, EngagementKind};

use crate::buckets::{Bucket, Granularity, bucket_of, buckets};
use crate::dataset::{Dataset, PeriodFacts, PostFacts};
use crate::names::named_enum;
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::rate::{RateBasis, RatePool};

named_enum!(
    /// A metric that can be shown over time.
    SeriesMetric, "series metric" {
        /// Followers at the end of each bucket.
        Followers => "followers",
        /// Account reach, summed over the bucket's days.
        Reach => "reach",
        /// Account impressions, summed over the bucket's days.
        Impressions => "impressions",
        /// Likes of the posts published in the bucket.
        Likes => "likes" | "like",
        /// Comments of the posts published in the bucket.
        Comments => "comments" | "comment",
        /// Shares of the posts published in the bucket.
        Shares => "shares" | "share",
        /// Saves of the posts published in the bucket.
        Saves => "saves" | "save",
        /// Views of the posts published in the bucket.
        Views => "views" | "view",
        /// Link clicks of the posts published in the bucket.
        Clicks => "clicks" | "click",
        /// Quotes of the posts published in the bucket.
        Quotes => "quotes" | "quote",
        /// Engagement of the posts published in the bucket.
        Engagement => "engagement",
        /// Pooled engagement rate (percent) of the posts published in the bucket.
        EngagementRate => "engagement_rate",
        /// Posts published in the bucket.
        Posts => "posts",
    }
);

/// One bucket of a time series.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesPoint {
    /// The first local day of the bucket.
    pub start: chrono::NaiveDate,
    /// The last local day of the bucket (clipped to the period).
    pub end: chrono::NaiveDate,
    /// The value, or `null` when unavailable.
    pub value: Option<f64>,
}

/// A metric over the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeSeries {
    /// The metric shown.
    pub metric: SeriesMetric,
    /// The bucket size.
    pub granularity: Granularity,
    /// The period, with the time zone its days are read in.
    pub period: PeriodSummary,
    /// Every bucket of the period, oldest first.
    pub points: Vec<SeriesPoint>,
    /// For `engagement_rate`, the denominator of each platform; empty otherwise.
    pub rate_basis: Vec<RateBasis>,
}

/// The series of `metric` over the period at the period's granularity.
///
/// ```
/// use tally_analyzer::{time_series, AnalysisPeriod, Dataset, Granularity, SeriesMetric};
/// use tally_domain::DateRange;
///
/// let metric: SeriesMetric = "engagement_rate".parse().unwrap();
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let period = AnalysisPeriod::new(range, chrono_tz::Tz::UTC).with_granularity(Granularity::Week);
///
/// let series = time_series(&Dataset::default(), &period, metric);
/// assert_eq!(series.points.len(), 5); // Fri 1st–Sun 3rd, three full weeks, Mon 25th–Sun 31st
/// assert!(series.points.iter().all(|point| point.value.is_none()));
/// assert!("likez".parse::<SeriesMetric>().unwrap_err().to_string().contains("engagement_rate"));
/// ```
pub fn time_series(current: &Dataset, period: &AnalysisPeriod, metric: SeriesMetric) -> TimeSeries {
    let facts = PeriodFacts::new(current, *period, None);
    time_series_of(&facts, metric)
}

/// The series of `metric` over prepared facts, at their period's granularity.
pub(crate) fn time_series_of(facts: &PeriodFacts<'_>, metric: SeriesMetric) -> TimeSeries {
    let period = &facts.period;
    let slots = buckets(&period.range, period.granularity);

    let mut by_bucket: Vec<Vec<&PostFacts<'_>>> = vec![Vec::new(); slots.len()];
    for post in &facts.posts {
        if let Some(index) = bucket_of(&slots, post.local.date()) {
            by_bucket[index].push(post);
        }
    }

    let points = slots
        .iter()
        .zip(&by_bucket)
        .map(|(bucket, posts)| SeriesPoint {
            start: bucket.start,
            end: bucket.end,
            value: value(metric, bucket, posts, facts),
        })
        .collect();

    let rate_basis = if metric == SeriesMetric::EngagementRate {
        facts.plan.bases(&facts.rate_pools().1)
    } else {
        Vec::new()
    };
    TimeSeries {
        metric,
        granularity: period.granularity,
        period: period.summary(),
        points,
        rate_basis,
    }
}

fn value(
    metric: SeriesMetric,
    bucket: &Bucket,
    posts: &[&PostFacts<'_>],
    facts: &PeriodFacts<'_>,
) -> Option<f64> {
    let counter = |kind: EngagementKind| {
        sum(posts
            .iter()
            .map(|post| post.post.engagement.get(&kind).copied()))
    };
    match metric {
        SeriesMetric::Followers => followers_at_end(bucket, facts),
        SeriesMetric::Reach => account_sum(bucket, facts, AccountMetric::Reach),
        SeriesMetric::Impressions => account_sum(bucket, facts, AccountMetric::Impressions),
        SeriesMetric::Likes => counter(EngagementKind::Like),
        SeriesMetric::Comments => counter(EngagementKind::Comment),
        SeriesMetric::Shares => counter(EngagementKind::Share),
        SeriesMetric::Saves => counter(EngagementKind::Save),
        SeriesMetric::Views => counter(EngagementKind::View),
        SeriesMetric::Clicks => counter(EngagementKind::Click),
        SeriesMetric::Quotes => counter(EngagementKind::Quote),
        SeriesMetric::Engagement => sum(posts.iter().map(|post| post.engagement)),
        SeriesMetric::EngagementRate => {
            let mut pool = RatePool::default();
            for post in posts {
                pool.add(post.engagement, post.denominator);
            }
            pool.percent()
        }
        SeriesMetric::Posts => Some(posts.len() as f64),
    }
}

/// The sum of the known values, or `None` when none is known.
fn sum(values: impl Iterator<Item = Option<u64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |total: Option<u64>, value| {
            Some(total.unwrap_or(0).saturating_add(value))
        })
        .map(|total| total as f64)
}

fn followers_at_end(bucket: &Bucket, facts: &PeriodFacts<'_>) -> Option<f64> {
    let accounts = facts.followers.accounts();
    sum(accounts.map(|(account, _)| {
        facts
            .followers
            .latest_within(account, bucket.start, bucket.end)
    }))
}

fn account_sum(bucket: &Bucket, facts: &PeriodFacts<'_>, metric: AccountMetric) -> Option<f64> {
    let inside = facts
        .daily
        .iter()
        .filter(|daily| daily.metric == metric && bucket.contains(daily.day));
    sum(inside.map(|daily| Some(daily.value)))
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use tally_domain::Platform;

    use super::*;
    use crate::testing::{daily, followers, period, post};

    fn values(series: &TimeSeries) -> Vec<Option<f64>> {
        series.points.iter().map(|point| point.value).collect()
    }

    fn sample() -> Dataset {
        Dataset::new(
            vec![
                // 2026-05-01 23:30 in New York, although already the 2nd in UTC.
                post(1, Platform::X, "2026-05-02T03:30:00Z")
                    .likes(4)
                    .impressions(100)
                    .build(),
                post(2, Platform::X, "2026-05-03T15:00:00Z")
                    .likes(6)
                    .comments(2)
                    .impressions(0)
                    .build(),
            ],
            vec![
                followers(Platform::X, "2026-05-01", 100),
                followers(Platform::X, "2026-05-03", 110),
                daily(Platform::X, "2026-05-01", AccountMetric::Impressions, 500),
                daily(Platform::X, "2026-05-03", AccountMetric::Impressions, 700),
            ],
        )
    }

    #[test]
    fn posts_count_on_their_local_publish_day() {
        let may = period("2026-05-01", "2026-05-03", Tz::America__New_York);
        let data = sample();
        assert_eq!(
            values(&time_series(&data, &may, SeriesMetric::Posts)),
            [Some(1.0), Some(0.0), Some(1.0)]
        );
        assert_eq!(
            values(&time_series(&data, &may, SeriesMetric::Likes)),
            [Some(4.0), None, Some(6.0)]
        );
        assert_eq!(
            values(&time_series(&data, &may, SeriesMetric::Comments)),
            [None, None, Some(2.0)]
        );
        assert_eq!(
            values(&time_series(&data, &may, SeriesMetric::Engagement)),
            [Some(4.0), None, Some(8.0)]
        );
        // Zero impressions leave the rate unavailable rather than infinite.
        let rate = time_series(&data, &may, SeriesMetric::EngagementRate);
        assert_eq!(values(&rate), [Some(4.0), None, None]);
        assert_eq!(rate.rate_basis[0].denominator, crate::RateBy::Impressions);
    }

    #[test]
    fn account_metrics_come_from_daily_figures() {
        let may = period("2026-05-01", "2026-05-03", Tz::UTC);
        let data = sample();
        let followers = time_series(&data, &may, SeriesMetric::Followers);
        assert_eq!(values(&followers), [Some(100.0), None, Some(110.0)]);
        let weekly = may.with_granularity(Granularity::Week);
        // 2026-05-01 is a Friday: one bucket to Sunday the 3rd.
        assert_eq!(
            values(&time_series(&data, &weekly, SeriesMetric::Followers)),
            [Some(110.0)]
        );
        assert_eq!(
            values(&time_series(&data, &weekly, SeriesMetric::Impressions)),
            [Some(1200.0)]
        );
        assert_eq!(
            values(&time_series(&data, &may, SeriesMetric::Reach)),
            [None, None, None]
        );
    }

    #[test]
    fn metric_names_parse_and_list_valid_values() {
        assert_eq!(
            "Engagement_Rate".parse::<SeriesMetric>().unwrap(),
            SeriesMetric::EngagementRate
        );
        let error = "hugs".parse::<SeriesMetric>().unwrap_err();
        assert_eq!(error.kind, "series metric");
        assert!(error.valid.contains(&"followers"));
        assert_eq!(error.valid.len(), SeriesMetric::ALL.len());
    }
}
