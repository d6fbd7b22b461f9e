//! Follower growth: a series per platform and the net and percent change over the period.
//!
//! Growth runs from each account's first to its last daily follower figure inside the
//! period. With several accounts, their figures are summed; the average daily gain sums
//! each account's gain per day between its first and last figure.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;
use tally_domain::{DateRange, Platform};

use crate::dataset::Dataset;
use crate::followers::FollowerIndex;
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::stats::{percent, signed};

/// How the follower count moved over a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrowthSummary {
    /// Followers at the first figure inside the period.
    pub followers_start: Option<u64>,
    /// Followers at the last figure inside the period.
    pub followers_end: Option<u64>,
    /// `followers_end − followers_start`.
    pub net_change: Option<i64>,
    /// The net change in percent of `followers_start`; `null` when that is 0.
    pub percent_change: Option<f64>,
    /// Followers gained per day between the first and last figure.
    pub average_daily_gain: Option<f64>,
}

/// Follower growth of one platform.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformGrowth {
    /// The platform.
    pub platform: Platform,
    /// How its follower count moved.
    #[serde(flatten)]
    pub summary: GrowthSummary,
    /// Followers at the end of each day of the period, carried forward over days without
    /// a figure; `null` before the first figure.
    pub series: Vec<FollowerPoint>,
}

/// Followers at the end of one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowerPoint {
    /// The day.
    pub day: NaiveDate,
    /// Followers at its end, if known.
    pub followers: Option<u64>,
}

/// Follower growth per platform and in total.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Growth {
    /// The period analyzed.
    pub period: PeriodSummary,
    /// All platforms together.
    pub total: GrowthSummary,
    /// Each platform with follower figures, in platform order.
    pub platforms: Vec<PlatformGrowth>,
}

/// Follower growth over the period, per platform and in total.
///
/// ```
/// use tally_analyzer::{growth, AnalysisPeriod, Dataset};
/// use tally_domain::{AccountId, AccountMetric, DailyMetric, DateRange, Platform};
///
/// let figure = |day: &str, value| DailyMetric {
///     account_id: AccountId(1),
///     platform: Platform::Bluesky,
///     day: day.parse().unwrap(),
///     metric: AccountMetric::Followers,
///     value,
///     observed_at: chrono::Utc::now(),
/// };
/// let data = Dataset::new(vec![], vec![figure("2026-05-01", 200), figure("2026-05-05", 240)]);
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-07".parse().unwrap()).unwrap();
///
/// let result = growth(&data, &AnalysisPeriod::new(range, chrono_tz::Tz::UTC));
/// assert_eq!(result.total.net_change, Some(40));
/// assert_eq!(result.total.percent_change, Some(20.0));
/// assert_eq!(result.total.average_daily_gain, Some(10.0));
/// assert_eq!(result.platforms[0].series[6].followers, Some(240));
/// ```
pub fn growth(current: &Dataset, period: &AnalysisPeriod) -> Growth {
    growth_of(&FollowerIndex::new(&current.daily), period)
}

/// Follower growth over the period from indexed follower figures.
pub(crate) fn growth_of(index: &FollowerIndex, period: &AnalysisPeriod) -> Growth {
    let range = period.range;
    let platforms: BTreeSet<Platform> = index.accounts().map(|(_, platform)| platform).collect();

    Growth {
        period: period.summary(),
        total: growth_summary(index, &range, None),
        platforms: platforms
            .into_iter()
            .map(|platform| PlatformGrowth {
                platform,
                summary: growth_summary(index, &range, Some(platform)),
                series: follower_series(index, &range, platform),
            })
            .filter(|growth| growth.summary.followers_end.is_some())
            .collect(),
    }
}

/// Growth of the accounts of `platform` (or of all accounts) inside `range`.
pub(crate) fn growth_summary(
    index: &FollowerIndex,
    range: &DateRange,
    platform: Option<Platform>,
) -> GrowthSummary {
    let spans: Vec<_> = index
        .accounts()
        .filter(|(_, account_platform)| platform.is_none_or(|wanted| wanted == *account_platform))
        .filter_map(|(account, _)| index.span(account, range))
        .collect();
    if spans.is_empty() {
        return GrowthSummary::default();
    }

    let start: u64 = spans.iter().map(|span| span.first).sum();
    let end: u64 = spans.iter().map(|span| span.last).sum();
    let net = signed(end) - signed(start);
    let daily_gains: Vec<f64> = spans
        .iter()
        .filter(|span| span.last_day > span.first_day)
        .map(|span| {
            let days = (span.last_day - span.first_day).num_days() as f64;
            (signed(span.last) - signed(span.first)) as f64 / days
        })
        .collect();

    GrowthSummary {
        followers_start: Some(start),
        followers_end: Some(end),
        net_change: Some(net),
        percent_change: percent(net as f64, start as f64),
        average_daily_gain: (!daily_gains.is_empty()).then(|| daily_gains.iter().sum()),
    }
}

fn follower_series(
    index: &FollowerIndex,
    range: &DateRange,
    platform: Platform,
) -> Vec<FollowerPoint> {
    let accounts: Vec<_> = index
        .accounts()
        .filter(|(_, account_platform)| *account_platform == platform)
        .map(|(account, _)| account)
        .collect();
    range
        .iter_days()
        .map(|day| {
            let known: Vec<u64> = accounts
                .iter()
                .filter_map(|account| index.latest_within(*account, range.start(), day))
                .collect();
            FollowerPoint {
                day,
                followers: (!known.is_empty()).then(|| known.iter().sum()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;

    use super::*;
    use crate::testing::{followers, period};

    #[test]
    fn growth_from_zero_followers_has_no_percent() {
        let data = Dataset::new(
            vec![],
            vec![
                followers(Platform::Bluesky, "2026-05-01", 0),
                followers(Platform::Bluesky, "2026-05-03", 6),
            ],
        );
        let result = growth(&data, &period("2026-05-01", "2026-05-03", Tz::UTC));
        assert_eq!(result.total.net_change, Some(6));
        assert_eq!(result.total.percent_change, None);
        assert_eq!(result.total.average_daily_gain, Some(3.0));
        let series: Vec<_> = result.platforms[0]
            .series
            .iter()
            .map(|p| p.followers)
            .collect();
        assert_eq!(series, [Some(0), Some(0), Some(6)]);
    }

    #[test]
    fn figures_outside_the_period_are_ignored() {
        let data = Dataset::new(
            vec![],
            vec![
                followers(Platform::X, "2026-04-30", 50),
                followers(Platform::X, "2026-05-02", 80),
                followers(Platform::Threads, "2026-05-01", 10),
                followers(Platform::Threads, "2026-05-03", 5),
            ],
        );
        let result = growth(&data, &period("2026-05-01", "2026-05-03", Tz::UTC));
        let x = &result.platforms[0];
        assert_eq!(x.platform, Platform::X);
        assert_eq!(x.summary.net_change, Some(0));
        assert_eq!(x.summary.average_daily_gain, None);
        assert_eq!(x.series[0].followers, None);
        assert_eq!(result.total.followers_start, Some(90));
        assert_eq!(result.total.followers_end, Some(85));
        assert_eq!(result.total.net_change, Some(-5));
        assert_eq!(result.total.average_daily_gain, Some(-2.5));
    }

    #[test]
    fn no_data_gives_an_empty_growth() {
        let result = growth(
            &Dataset::default(),
            &period("2026-05-01", "2026-05-03", Tz::UTC),
        );
        assert!(result.platforms.is_empty());
        assert_eq!(result.total, GrowthSummary::default());
    }
}
