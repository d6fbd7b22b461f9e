//! Engagement rates: which denominator, and how posts are pooled.
//!
//! # Definition
//!
//! *Engagement* of a post is the sum of its interaction counters (likes, comments,
//! shares, saves, clicks, quotes; views are exposure, not interaction), as
//! [`PostSummary::interactions`] computes it.
//!
//! The *engagement rate* of a set of posts is **pooled**: the sum of their engagement
//! divided by the sum of their denominators, times 100. A post counts only when both its
//! engagement and a positive denominator are known, so a few posts with tiny reach cannot
//! dominate the rate, and a zero denominator makes the rate `null`, never infinite.
//!
//! The denominator is chosen per platform with [`RateBy`] (default: reach):
//!
//! | asked for | used, in order of preference |
//! |---|---|
//! | `reach` | reach, else impressions, else followers |
//! | `impressions` | impressions, else reach, else followers |
//! | `followers` | followers |
//!
//! A platform "has" reach or impressions when at least one of its posts in the period
//! reports that figure. With followers, the denominator of a post is the account's
//! followers on the post's publish day (the latest daily figure at or before the UTC day
//! of publishing). Results carry a [`RateBasis`] per platform saying what was used, and
//! the previous period is rated with the current period's choices so that the two compare.

use std::collections::BTreeMap;

use serde::Serialize;
use tally_domain::{PerformanceMetric, Platform, PostSummary};

use crate::followers::FollowerIndex;
use crate::names::named_enum;
use crate::stats::percent;

named_enum!(
    /// The denominator of an engagement rate (default: reach).
    #[derive(Default)]
    RateBy, "rate denominator" {
        /// Unique accounts that saw the posts (the default).
        #[default]
        Reach => "reach",
        /// Times the posts were displayed.
        Impressions => "impressions",
        /// The account's followers on each post's publish day.
        Followers => "followers" | "follower",
    }
);

impl RateBy {
    /// The denominators to try, best first, when this one is asked for.
    fn preference(self) -> &'static [RateBy] {
        match self {
            RateBy::Reach => &[RateBy::Reach, RateBy::Impressions, RateBy::Followers],
            RateBy::Impressions => &[RateBy::Impressions, RateBy::Reach, RateBy::Followers],
            RateBy::Followers => &[RateBy::Followers],
        }
    }

    fn performance_metric(self) -> Option<PerformanceMetric> {
        match self {
            RateBy::Reach => Some(PerformanceMetric::Reach),
            RateBy::Impressions => Some(PerformanceMetric::Impressions),
            RateBy::Followers => None,
        }
    }
}

/// Which denominator a platform's engagement rate actually used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateBasis {
    /// The platform.
    pub platform: Platform,
    /// The denominator that was asked for.
    pub requested: RateBy,
    /// The denominator used.
    pub denominator: RateBy,
    /// Whether `denominator` differs from `requested` because the platform lacks the data.
    pub fell_back: bool,
    /// Posts of the platform whose engagement and denominator were both known.
    pub posts_counted: usize,
}

/// The denominator chosen for each platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RatePlan {
    requested: RateBy,
    chosen: BTreeMap<Platform, RateBy>,
}

impl RatePlan {
    /// Chooses a denominator for every platform among `posts`, keeping the choices of
    /// `earlier` for platforms it already covers.
    pub fn choose<'a>(
        requested: RateBy,
        posts: impl IntoIterator<Item = &'a PostSummary> + Clone,
        earlier: Option<&RatePlan>,
    ) -> Self {
        let mut chosen = earlier.map(|plan| plan.chosen.clone()).unwrap_or_default();
        for post in posts.clone() {
            if chosen.contains_key(&post.platform) {
                continue;
            }
            let available = |by: RateBy| match by.performance_metric() {
                Some(metric) => posts.clone().into_iter().any(|other| {
                    other.platform == post.platform && other.performance.contains_key(&metric)
                }),
                None => true,
            };
            let by = requested
                .preference()
                .iter()
                .copied()
                .find(|by| available(*by))
                .unwrap_or(RateBy::Followers);
            chosen.insert(post.platform, by);
        }
        Self { requested, chosen }
    }

    /// The part of the plan that concerns `platform`: the plan that choosing from that
    /// platform's posts alone would have made.
    pub fn only(&self, platform: Platform) -> Self {
        let chosen = self
            .chosen
            .get_key_value(&platform)
            .map(|(platform, by)| (*platform, *by))
            .into_iter()
            .collect();
        Self {
            requested: self.requested,
            chosen,
        }
    }

    /// The denominator chosen for `platform`, if it had posts when the plan was made.
    pub fn chosen(&self, platform: Platform) -> Option<RateBy> {
        self.chosen.get(&platform).copied()
    }

    /// The denominator used for `platform`: the chosen one, else the one asked for.
    pub fn for_platform(&self, platform: Platform) -> RateBy {
        self.chosen(platform).unwrap_or(self.requested)
    }

    /// The denominator of one post under this plan, if known.
    pub fn denominator(&self, post: &PostSummary, followers: &FollowerIndex) -> Option<u64> {
        match self.for_platform(post.platform).performance_metric() {
            Some(metric) => post.performance.get(&metric).copied(),
            None => followers.at_or_before(post.account_id, post.published_at.date_naive()),
        }
    }

    /// The basis of each platform that has a pool, with the posts the pool counted.
    pub fn bases(&self, pools: &BTreeMap<Platform, RatePool>) -> Vec<RateBasis> {
        pools
            .iter()
            .map(|(platform, pool)| {
                let denominator = self.for_platform(*platform);
                RateBasis {
                    platform: *platform,
                    requested: self.requested,
                    denominator,
                    fell_back: denominator != self.requested,
                    posts_counted: pool.posts,
                }
            })
            .collect()
    }
}

/// Running sums for a pooled engagement rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RatePool {
    /// Engagement of the counted posts.
    pub engagement: u64,
    /// Denominators of the counted posts.
    pub exposure: u64,
    /// Posts counted.
    pub posts: usize,
}

impl RatePool {
    /// Adds a post; it counts only with known engagement and a positive denominator.
    pub fn add(&mut self, engagement: Option<u64>, denominator: Option<u64>) {
        if let (Some(engagement), Some(denominator)) = (engagement, denominator)
            && denominator > 0
        {
            self.engagement = self.engagement.saturating_add(engagement);
            self.exposure = self.exposure.saturating_add(denominator);
            self.posts += 1;
        }
    }

    /// The pooled rate in percent, or `None` when no post counted.
    pub fn percent(&self) -> Option<f64> {
        percent(self.engagement as f64, self.exposure as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::post;

    #[test]
    fn rates_are_pooled_and_skip_unknown_or_zero_denominators() {
        let mut pool = RatePool::default();
        pool.add(Some(10), Some(100));
        pool.add(Some(30), Some(100));
        pool.add(Some(50), Some(0));
        pool.add(Some(50), None);
        pool.add(None, Some(100));
        assert_eq!(pool.posts, 2);
        assert_eq!(pool.percent(), Some(20.0));
        assert_eq!(RatePool::default().percent(), None);
    }

    #[test]
    fn platforms_without_exposure_fall_back_to_followers() {
        let mastodon = post(1, Platform::Mastodon, "2026-05-01T10:00:00Z")
            .likes(3)
            .build();
        let x = post(2, Platform::X, "2026-05-01T10:00:00Z")
            .likes(3)
            .impressions(90)
            .build();
        let instagram = post(3, Platform::Instagram, "2026-05-01T10:00:00Z")
            .reach(40)
            .build();
        let posts = [mastodon, x, instagram];

        let plan = RatePlan::choose(RateBy::Reach, &posts, None);
        assert_eq!(plan.for_platform(Platform::Mastodon), RateBy::Followers);
        assert_eq!(plan.for_platform(Platform::X), RateBy::Impressions);
        assert_eq!(plan.for_platform(Platform::Instagram), RateBy::Reach);

        let by_followers = RatePlan::choose(RateBy::Followers, &posts, None);
        assert_eq!(
            by_followers.for_platform(Platform::Instagram),
            RateBy::Followers
        );
    }

    #[test]
    fn earlier_choices_are_kept() {
        let with_reach = [post(1, Platform::Instagram, "2026-05-01T10:00:00Z")
            .reach(40)
            .build()];
        let without = [post(2, Platform::Instagram, "2026-04-01T10:00:00Z")
            .likes(1)
            .build()];
        let current = RatePlan::choose(RateBy::Reach, &with_reach, None);
        let previous = RatePlan::choose(RateBy::Reach, &without, Some(&current));
        assert_eq!(previous.for_platform(Platform::Instagram), RateBy::Reach);
    }

    #[test]
    fn rate_names_parse_with_a_helpful_error() {
        assert_eq!("Followers".parse::<RateBy>().unwrap(), RateBy::Followers);
        let error = "likes".parse::<RateBy>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown rate denominator 'likes'; valid values: reach, impressions, followers"
        );
    }
}
