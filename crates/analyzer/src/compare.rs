//! Platforms side by side on measures that do not depend on account size.

use std::collections::BTreeSet;

use serde::Serialize;
use tally_domain::Platform;

use crate::comparison::{CountComparison, ValueComparison};
use crate::dataset::{Dataset, PeriodFacts};
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::prepared::PreparedPeriod;
use crate::rate::RateBy;
use crate::stats::signed;
use crate::totals::PeriodTotals;

/// One platform's normalized measures in the period and the previous one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformMeasures {
    /// The platform.
    pub platform: Platform,
    /// Posts published.
    pub posts: CountComparison,
    /// Total engagement of those posts.
    pub engagement: CountComparison,
    /// Engagement per post (among posts that report engagement).
    pub engagement_per_post: ValueComparison,
    /// Engagement of the period per 1,000 followers at its end.
    pub engagement_per_1000_followers: ValueComparison,
    /// Pooled engagement rate in percent.
    pub engagement_rate: ValueComparison,
    /// The denominator of `engagement_rate` on this platform.
    pub rate_denominator: RateBy,
    /// Followers at the period's last figure.
    pub followers: CountComparison,
    /// Net follower change.
    pub follower_net_change: CountComparison,
    /// Follower change in percent of the followers at the start.
    pub follower_growth_percent: ValueComparison,
}

/// Every platform of the data, side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformComparison {
    /// The period analyzed.
    pub period: PeriodSummary,
    /// The previous period of the same length, if the calendar has one.
    pub previous_period: Option<PeriodSummary>,
    /// One entry per platform found in either period, in platform order.
    pub platforms: Vec<PlatformMeasures>,
}

/// Compares the platforms of the data on normalized measures, with period-over-period change.
///
/// ```
/// use tally_analyzer::{compare_platforms, AnalysisPeriod, Dataset};
/// use tally_domain::DateRange;
///
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let period = AnalysisPeriod::new(range, chrono_tz::Tz::UTC);
/// let result = compare_platforms(&Dataset::default(), &Dataset::default(), &period);
/// assert!(result.platforms.is_empty());
/// assert_eq!(result.previous_period.unwrap().end.to_string(), "2026-04-30");
/// ```
pub fn compare_platforms(
    current: &Dataset,
    previous: &Dataset,
    period: &AnalysisPeriod,
) -> PlatformComparison {
    PreparedPeriod::new(current, previous, period).compare_platforms()
}

/// Compares `platforms` on prepared facts of every platform.
///
/// Each platform is measured on its part of the facts, exactly as if the datasets had held
/// only that platform.
pub(crate) fn compare_platforms_of(
    platforms: BTreeSet<Platform>,
    now: &PeriodFacts<'_>,
    before: Option<&PeriodFacts<'_>>,
) -> PlatformComparison {
    let measures = platforms
        .into_iter()
        .map(|platform| {
            let now = now.for_platform(platform);
            let before = before.map(|facts| facts.for_platform(platform));
            measure(platform, &now, before.as_ref())
        })
        .collect();

    PlatformComparison {
        period: now.period.summary(),
        previous_period: now.period.previous().map(|previous| previous.summary()),
        platforms: measures,
    }
}

fn measure(
    platform: Platform,
    now: &PeriodFacts<'_>,
    before: Option<&PeriodFacts<'_>>,
) -> PlatformMeasures {
    let current = PeriodTotals::of(now);
    let previous = before.map(PeriodTotals::of);
    let previous = previous.as_ref();
    let count = |pick: &dyn Fn(&PeriodTotals) -> Option<i64>| {
        CountComparison::new(pick(&current), previous.and_then(pick))
    };
    let value = |pick: &dyn Fn(&PeriodTotals) -> Option<f64>| {
        ValueComparison::new(pick(&current), previous.and_then(pick))
    };

    PlatformMeasures {
        platform,
        posts: count(&|totals| Some(signed(totals.posts as u64))),
        engagement: count(&|totals| totals.engagement.map(signed)),
        engagement_per_post: value(&|totals| totals.engagement_per_post()),
        engagement_per_1000_followers: value(&|totals| totals.engagement_per_1000_followers()),
        engagement_rate: value(&|totals| totals.rate.percent()),
        rate_denominator: now
            .plan
            .chosen(platform)
            .or_else(|| before.and_then(|facts| facts.plan.chosen(platform)))
            .unwrap_or(now.plan.for_platform(platform)),
        followers: count(&|totals| totals.growth.followers_end.map(signed)),
        follower_net_change: count(&|totals| totals.growth.net_change),
        follower_growth_percent: value(&|totals| totals.growth.percent_change),
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;

    use super::*;
    use crate::testing::{assert_close, followers, period, post};

    #[test]
    fn platforms_are_measured_against_their_own_previous_period() {
        let current = Dataset::new(
            vec![
                post(1, Platform::X, "2026-05-02T10:00:00Z")
                    .likes(30)
                    .impressions(1000)
                    .build(),
                post(2, Platform::X, "2026-05-03T10:00:00Z")
                    .likes(10)
                    .impressions(1000)
                    .build(),
                post(3, Platform::Bluesky, "2026-05-03T10:00:00Z")
                    .likes(8)
                    .build(),
            ],
            vec![
                followers(Platform::X, "2026-05-01", 1000),
                followers(Platform::X, "2026-05-07", 1100),
                followers(Platform::Bluesky, "2026-05-01", 200),
            ],
        );
        let previous = Dataset::new(
            vec![
                post(4, Platform::X, "2026-04-28T10:00:00Z")
                    .likes(10)
                    .impressions(500)
                    .build(),
            ],
            vec![
                followers(Platform::X, "2026-04-24", 1000),
                followers(Platform::X, "2026-04-30", 1000),
            ],
        );
        let result = compare_platforms(
            &current,
            &previous,
            &period("2026-05-01", "2026-05-07", Tz::UTC),
        );
        assert_eq!(result.platforms.len(), 2);

        let bluesky = &result.platforms[0];
        assert_eq!(bluesky.platform, Platform::Bluesky);
        assert_eq!(bluesky.rate_denominator, RateBy::Followers);
        assert_close(bluesky.engagement_rate.current, Some(4.0));
        assert_eq!(bluesky.posts.previous, Some(0));
        assert_eq!(bluesky.posts.change_percent, None);
        assert_eq!(bluesky.engagement_per_1000_followers.current, Some(40.0));

        let x = &result.platforms[1];
        assert_eq!(x.rate_denominator, RateBy::Impressions);
        assert_eq!(x.engagement_rate.current, Some(2.0));
        assert_eq!(x.engagement_rate.previous, Some(2.0));
        assert_eq!(x.engagement_rate.change_percent, Some(0.0));
        assert_eq!(x.engagement_per_post.current, Some(20.0));
        assert_eq!(x.engagement_per_post.change_percent, Some(100.0));
        assert_close(x.engagement_per_1000_followers.current, Some(40.0 / 1.1));
        assert_eq!(x.follower_growth_percent.current, Some(10.0));
        assert_eq!(x.follower_growth_percent.previous, Some(0.0));
        assert_eq!(x.follower_growth_percent.change_percent, None);
    }
}
