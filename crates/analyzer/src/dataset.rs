//! The input of an analysis, and its preparation for one period.
//!
//! A [`Dataset`] holds what a store returned for one period: the posts published in it
//! and the daily account figures. Analyses only look at posts whose publish instant falls
//! inside the period's UTC window, so a dataset that holds more is harmless. Daily figures
//! are kept as stored: their `day` is compared with the period's days directly. Follower
//! figures from before the period (if the dataset holds any) serve as the followers on the
//! publish day of early posts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use tally_domain::{DailyMetric, Platform, PostSummary};

use crate::followers::FollowerIndex;
use crate::period::AnalysisPeriod;
use crate::rate::{RatePlan, RatePool};

/// Posts and daily account figures of one period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Posts with their latest counters.
    pub posts: Vec<PostSummary>,
    /// Daily account figures such as followers and reach.
    pub daily: Vec<DailyMetric>,
}

impl Dataset {
    /// A dataset of these posts and daily figures.
    pub fn new(posts: Vec<PostSummary>, daily: Vec<DailyMetric>) -> Self {
        Self { posts, daily }
    }

    /// The part of the dataset that belongs to one platform.
    pub fn for_platform(&self, platform: Platform) -> Dataset {
        Dataset {
            posts: self
                .posts
                .iter()
                .filter(|post| post.platform == platform)
                .cloned()
                .collect(),
            daily: self
                .daily
                .iter()
                .filter(|metric| metric.platform == platform)
                .cloned()
                .collect(),
        }
    }

    /// Every platform that has a post or a daily figure in the dataset.
    pub fn platforms(&self) -> BTreeSet<Platform> {
        let from_posts = self.posts.iter().map(|post| post.platform);
        from_posts
            .chain(self.daily.iter().map(|metric| metric.platform))
            .collect()
    }

    /// Whether the dataset holds nothing at all.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty() && self.daily.is_empty()
    }
}

/// One post prepared for analysis.
#[derive(Clone, Debug)]
pub(crate) struct PostFacts<'a> {
    pub post: &'a PostSummary,
    /// The publish time on the user's wall clock.
    pub local: NaiveDateTime,
    /// The post's engagement, if any interaction counter is known.
    pub engagement: Option<u64>,
    /// The post's rate denominator under the plan, if known.
    pub denominator: Option<u64>,
}

/// A dataset restricted to one period and prepared for analysis.
#[derive(Clone, Debug)]
pub(crate) struct PeriodFacts<'a> {
    pub period: AnalysisPeriod,
    /// Posts published inside the period, oldest first.
    pub posts: Vec<PostFacts<'a>>,
    /// Daily figures whose day lies inside the period.
    pub daily: Vec<&'a DailyMetric>,
    /// Follower figures of every day in the dataset.
    pub followers: FollowerIndex,
    pub plan: RatePlan,
}

impl<'a> PeriodFacts<'a> {
    /// Prepares `dataset` for `period`, keeping the rate choices of `earlier` where it has them.
    pub fn new(dataset: &'a Dataset, period: AnalysisPeriod, earlier: Option<&RatePlan>) -> Self {
        let window = period.utc_window();
        let mut inside: Vec<&PostSummary> = dataset
            .posts
            .iter()
            .filter(|post| window.contains(post.published_at))
            .collect();
        inside.sort_by_key(|post| (post.published_at, post.id));

        let followers = FollowerIndex::new(&dataset.daily);
        let plan = RatePlan::choose(period.rate_by, inside.iter().copied(), earlier);
        let posts = inside
            .into_iter()
            .map(|post| PostFacts {
                post,
                local: period.local_time(post.published_at),
                engagement: post.interactions(),
                denominator: plan.denominator(post, &followers),
            })
            .collect();
        let daily = dataset
            .daily
            .iter()
            .filter(|metric| period.range.contains(metric.day))
            .collect();

        Self {
            period,
            posts,
            daily,
            followers,
            plan,
        }
    }

    /// Prepares the previous period of `current` from `dataset`, rated like `current`.
    ///
    /// `None` when the period has no previous period on the calendar.
    pub fn previous_of(current: &PeriodFacts<'_>, dataset: &'a Dataset) -> Option<Self> {
        let period = current.period.previous()?;
        Some(Self::new(dataset, period, Some(&current.plan)))
    }

    /// The pooled rate of all posts, and the pools per platform.
    pub fn rate_pools(&self) -> (RatePool, BTreeMap<Platform, RatePool>) {
        let mut all = RatePool::default();
        let mut by_platform: BTreeMap<Platform, RatePool> = BTreeMap::new();
        for post in &self.posts {
            all.add(post.engagement, post.denominator);
            by_platform
                .entry(post.post.platform)
                .or_default()
                .add(post.engagement, post.denominator);
        }
        (all, by_platform)
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;

    use super::*;
    use crate::testing::{followers, period, post};

    #[test]
    fn posts_exactly_at_the_boundaries_belong_to_the_right_period() {
        let posts = vec![
            post(1, Platform::Bluesky, "2026-05-31T21:59:59Z").build(), // 23:59:59 in Berlin
            post(2, Platform::Bluesky, "2026-05-31T22:00:00Z").build(), // June 1st, 00:00
            post(3, Platform::Bluesky, "2026-06-30T21:59:59Z").build(), // June 30th, 23:59:59
            post(4, Platform::Bluesky, "2026-06-30T22:00:00Z").build(), // July 1st, 00:00
        ];
        let dataset = Dataset::new(posts, vec![]);
        let june = period("2026-06-01", "2026-06-30", Tz::Europe__Berlin);
        let facts = PeriodFacts::new(&dataset, june, None);
        let ids: Vec<i64> = facts.posts.iter().map(|post| post.post.id.get()).collect();
        assert_eq!(ids, [2, 3]);
    }

    #[test]
    fn platform_subsets_keep_posts_and_daily_figures() {
        let dataset = Dataset::new(
            vec![
                post(1, Platform::X, "2026-05-01T10:00:00Z").build(),
                post(2, Platform::Threads, "2026-05-01T10:00:00Z").build(),
            ],
            vec![followers(Platform::Threads, "2026-05-01", 10)],
        );
        let threads = dataset.for_platform(Platform::Threads);
        assert_eq!(threads.posts.len(), 1);
        assert_eq!(threads.daily.len(), 1);
        assert_eq!(dataset.platforms().len(), 2);
        assert!(Dataset::default().is_empty());
    }
}
