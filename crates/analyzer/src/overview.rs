//! The overview: what happened in the period, and how it compares with the one before.

use serde::Serialize;
use tally_domain::{EngagementKind, PerformanceMetric};

use crate::comparison::{CountComparison, ValueComparison};
use crate::dataset::{Dataset, PeriodFacts};
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::posts::{PostMetrics, TOP_POSTS_LIMIT, top_posts};
use crate::rate::RateBasis;
use crate::stats::signed;
use crate::totals::PeriodTotals;

/// Totals of the period and the previous period, with their changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    /// The period analyzed.
    pub period: PeriodSummary,
    /// The previous period of the same length, if the calendar has one.
    pub previous_period: Option<PeriodSummary>,
    /// Sums of the counters.
    pub totals: Totals,
    /// Engagement per post (among posts that report engagement).
    pub engagement_per_post: ValueComparison,
    /// The pooled engagement rate in percent over all posts.
    pub engagement_rate: ValueComparison,
    /// Which denominator each platform's posts used in `engagement_rate`.
    pub rate_basis: Vec<RateBasis>,
    /// How the follower count moved.
    pub follower_growth: FollowerGrowth,
    /// The posts with the most engagement, most engaging first.
    pub top_posts: Vec<PostMetrics>,
}

/// Counter totals of the posts published in the period, and followers at its end.
///
/// A counter is the sum over the posts that report it, and `null` when none does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Posts published.
    pub posts: CountComparison,
    /// Likes and reactions.
    pub likes: CountComparison,
    /// Comments and replies.
    pub comments: CountComparison,
    /// Shares and reposts.
    pub shares: CountComparison,
    /// Saves and bookmarks.
    pub saves: CountComparison,
    /// Views and plays.
    pub views: CountComparison,
    /// Link clicks.
    pub clicks: CountComparison,
    /// Quotes.
    pub quotes: CountComparison,
    /// All interactions: likes, comments, shares, saves, clicks and quotes (not views).
    pub engagement: CountComparison,
    /// Impressions of the posts, summed.
    pub impressions: CountComparison,
    /// Reach of the posts, summed (a person reached by two posts counts twice).
    pub reach: CountComparison,
    /// Followers at the last daily figure of the period, summed over accounts.
    pub followers: CountComparison,
}

/// Follower growth in the period and the previous one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowerGrowth {
    /// Net follower change.
    pub net: CountComparison,
    /// Net change in percent of the followers at the start.
    pub percent: ValueComparison,
    /// Followers gained per day.
    pub average_daily_gain: ValueComparison,
}

/// The overview of a period against the previous period of the same length.
///
/// `previous` holds the data of [`AnalysisPeriod::previous`]; pass an empty dataset when
/// there is nothing to compare with. Its engagement rate uses the denominators chosen for
/// the current period.
///
/// ```
/// use std::collections::BTreeMap;
/// use tally_analyzer::{overview, AnalysisPeriod, Dataset, RateBy};
/// use tally_domain::*;
///
/// let post = PostSummary {
///     id: PostId(1),
///     account_id: AccountId(1),
///     platform: Platform::Instagram,
///     external_id: "p1".into(),
///     content_type: ContentType::Reel,
///     published_at: "2026-05-04T09:00:00Z".parse().unwrap(),
///     url: None,
///     title: None,
///     engagement: BTreeMap::from([(EngagementKind::Like, 40), (EngagementKind::Comment, 10)]),
///     performance: BTreeMap::from([(PerformanceMetric::Reach, 1000)]),
/// };
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let period = AnalysisPeriod::new(range, chrono_tz::Tz::Europe__Berlin);
///
/// let result = overview(&Dataset::new(vec![post], vec![]), &Dataset::default(), &period);
/// assert_eq!(result.totals.engagement.current, Some(50));
/// assert_eq!(result.engagement_rate.current, Some(5.0));
/// assert_eq!(result.rate_basis[0].denominator, RateBy::Reach);
/// assert_eq!(result.totals.posts.change_percent, None); // nothing before
/// ```
pub fn overview(current: &Dataset, previous: &Dataset, period: &AnalysisPeriod) -> Overview {
    let now = PeriodFacts::new(current, *period, None);
    let before = PeriodFacts::previous_of(&now, previous);
    overview_of(&now, before.as_ref())
}

/// The overview of prepared facts, shared with platform insights.
pub(crate) fn overview_of(now: &PeriodFacts<'_>, before: Option<&PeriodFacts<'_>>) -> Overview {
    let current = PeriodTotals::of(now);
    let previous = before.map(|facts| PeriodTotals::of(facts));
    let previous = previous.as_ref();

    let count = |pick: &dyn Fn(&PeriodTotals) -> Option<i64>| {
        CountComparison::new(pick(&current), previous.and_then(pick))
    };
    let value = |pick: &dyn Fn(&PeriodTotals) -> Option<f64>| {
        ValueComparison::new(pick(&current), previous.and_then(pick))
    };
    let kind = |kind: EngagementKind| count(&|totals| totals.counter(kind));

    let totals = Totals {
        posts: count(&|totals| Some(signed(totals.posts as u64))),
        likes: kind(EngagementKind::Like),
        comments: kind(EngagementKind::Comment),
        shares: kind(EngagementKind::Share),
        saves: kind(EngagementKind::Save),
        views: kind(EngagementKind::View),
        clicks: kind(EngagementKind::Click),
        quotes: kind(EngagementKind::Quote),
        engagement: count(&|totals| totals.engagement.map(signed)),
        impressions: count(&|totals| totals.performance(PerformanceMetric::Impressions)),
        reach: count(&|totals| totals.performance(PerformanceMetric::Reach)),
        followers: count(&|totals| totals.growth.followers_end.map(signed)),
    };

    Overview {
        period: now.period.summary(),
        previous_period: before.map(|facts| facts.period.summary()),
        totals,
        engagement_per_post: value(&|totals| totals.engagement_per_post()),
        engagement_rate: value(&|totals| totals.rate.percent()),
        rate_basis: now.plan.bases(&current.rate_by_platform),
        follower_growth: FollowerGrowth {
            net: count(&|totals| totals.growth.net_change),
            percent: value(&|totals| totals.growth.percent_change),
            average_daily_gain: value(&|totals| totals.growth.average_daily_gain),
        },
        top_posts: top_posts(now, TOP_POSTS_LIMIT),
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use tally_domain::{Platform, PostId};

    use super::*;
    use crate::RateBy;
    use crate::testing::{assert_close, followers, period, post};

    fn may() -> AnalysisPeriod {
        period("2026-05-01", "2026-05-31", Tz::Europe__Berlin)
    }

    #[test]
    fn totals_rates_and_changes_against_the_previous_period() {
        let current = Dataset::new(
            vec![
                post(1, Platform::Instagram, "2026-05-03T10:00:00Z")
                    .likes(40)
                    .comments(10)
                    .views(500)
                    .reach(1000)
                    .build(),
                post(2, Platform::Instagram, "2026-05-04T10:00:00Z")
                    .likes(5)
                    .reach(0)
                    .build(),
                post(3, Platform::Mastodon, "2026-05-10T10:00:00Z")
                    .likes(16)
                    .comments(4)
                    .build(),
            ],
            vec![
                followers(Platform::Mastodon, "2026-04-30", 190),
                followers(Platform::Mastodon, "2026-05-01", 200),
                followers(Platform::Mastodon, "2026-05-31", 260),
            ],
        );
        let previous = Dataset::new(
            vec![
                post(4, Platform::Instagram, "2026-04-15T10:00:00Z")
                    .likes(0)
                    .reach(100)
                    .build(),
            ],
            vec![followers(Platform::Mastodon, "2026-04-30", 190)],
        );
        let result = overview(&current, &previous, &may());

        let totals = result.totals;
        assert_eq!(totals.posts, CountComparison::new(Some(3), Some(1)));
        assert_eq!(totals.posts.change_percent, Some(200.0));
        assert_eq!(totals.likes.current, Some(61));
        assert_eq!(totals.likes.change_percent, None); // from zero likes
        assert_eq!(totals.comments.current, Some(14));
        assert_eq!(totals.views.current, Some(500));
        assert_eq!(totals.shares.current, None);
        assert_eq!(totals.engagement.current, Some(75)); // views are not engagement
        assert_eq!(totals.reach.current, Some(1000));
        assert_eq!(totals.impressions.current, None);
        assert_eq!(totals.followers.current, Some(260));
        assert_eq!(totals.followers.previous, Some(190));

        // Instagram by reach (the zero-reach post is left out): 50 / 1000. Mastodon has no
        // reach or impressions, so followers on the publish day: 20 / 200.
        assert_close(result.engagement_rate.current, Some(70.0 / 1200.0 * 100.0));
        assert_eq!(result.engagement_rate.previous, Some(0.0));
        assert_eq!(result.engagement_rate.change_percent, None);
        let basis: Vec<(Platform, RateBy, bool, usize)> = result
            .rate_basis
            .iter()
            .map(|b| (b.platform, b.denominator, b.fell_back, b.posts_counted))
            .collect();
        assert_eq!(
            basis,
            [
                (Platform::Mastodon, RateBy::Followers, true, 1),
                (Platform::Instagram, RateBy::Reach, false, 1),
            ]
        );

        assert_eq!(result.engagement_per_post.current, Some(25.0));
        assert_eq!(
            result.follower_growth.net,
            CountComparison::new(Some(60), Some(0))
        );
        assert_eq!(result.follower_growth.percent.current, Some(30.0));
        assert_eq!(result.follower_growth.average_daily_gain.current, Some(2.0));

        let top: Vec<PostId> = result.top_posts.iter().map(|p| p.id).collect();
        assert_eq!(top, [PostId(1), PostId(3), PostId(2)]);
        assert_eq!(result.top_posts[0].engagement_rate, Some(5.0));
        assert_eq!(result.top_posts[1].engagement_rate, Some(10.0));
        assert_eq!(result.top_posts[2].engagement_rate, None);
        assert_eq!(
            result.previous_period.map(|p| p.start.to_string()),
            Some("2026-03-31".into())
        );
    }

    #[test]
    fn one_post_with_zero_reach_has_no_rate() {
        let current = Dataset::new(
            vec![
                post(1, Platform::Instagram, "2026-05-03T10:00:00Z")
                    .likes(9)
                    .reach(0)
                    .build(),
            ],
            vec![],
        );
        let result = overview(&current, &Dataset::default(), &may());
        assert_eq!(result.totals.posts.current, Some(1));
        assert_eq!(result.totals.engagement.current, Some(9));
        assert_eq!(result.engagement_per_post.current, Some(9.0));
        assert_eq!(result.engagement_rate.current, None);
        assert_eq!(result.rate_basis[0].denominator, RateBy::Reach);
        assert_eq!(result.rate_basis[0].posts_counted, 0);
        assert_eq!(result.top_posts.len(), 1);
        let json = serde_json::to_value(&result).unwrap();
        assert!(json["engagement_rate"]["current"].is_null());
    }

    #[test]
    fn no_data_gives_a_well_formed_overview() {
        let result = overview(&Dataset::default(), &Dataset::default(), &may());
        assert_eq!(result.totals.posts, CountComparison::new(Some(0), Some(0)));
        assert_eq!(result.totals.likes, CountComparison::default());
        assert_eq!(result.totals.followers, CountComparison::default());
        assert_eq!(result.engagement_rate, ValueComparison::default());
        assert!(result.rate_basis.is_empty());
        assert!(result.top_posts.is_empty());
    }
}
