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
use crate::rate::{RateBy, RatePlan, RatePool};

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
    /// The daily figures of the whole dataset, which `followers` was built from.
    source_daily: &'a [DailyMetric],
}

impl<'a> PeriodFacts<'a> {
    /// Prepares `dataset` for `period`, keeping the rate choices of `earlier` where it has them.
    pub fn new(dataset: &'a Dataset, period: AnalysisPeriod, earlier: Option<&RatePlan>) -> Self {
        Self::build(dataset, period, earlier, None)
    }

    /// Prepares the part of `dataset` that belongs to `platform` as [`PeriodFacts::new`]
    /// prepares [`Dataset::for_platform`], without copying that part.
    pub fn of_platform(
        dataset: &'a Dataset,
        period: AnalysisPeriod,
        earlier: Option<&RatePlan>,
        platform: Platform,
    ) -> Self {
        Self::build(dataset, period, earlier, Some(platform))
    }

    fn build(
        dataset: &'a Dataset,
        period: AnalysisPeriod,
        earlier: Option<&RatePlan>,
        only: Option<Platform>,
    ) -> Self {
        let wanted = |platform: Platform| only.is_none_or(|only| only == platform);
        let window = period.utc_window();
        let mut inside: Vec<&PostSummary> = dataset
            .posts
            .iter()
            .filter(|post| wanted(post.platform) && window.contains(post.published_at))
            .collect();
        inside.sort_by_key(|post| (post.published_at, post.id));

        let followers = FollowerIndex::new(
            dataset
                .daily
                .iter()
                .filter(|metric| wanted(metric.platform)),
        );
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
            .filter(|metric| wanted(metric.platform) && period.range.contains(metric.day))
            .collect();

        Self {
            period,
            posts,
            daily,
            followers,
            plan,
            source_daily: &dataset.daily,
        }
    }

    /// The facts of one platform, equal to preparing that platform's part of the dataset
    /// ([`Dataset::for_platform`]) with the rate choices these facts were prepared with.
    ///
    /// Posts and figures are not copied, only referred to again. Rate choices are made per
    /// platform from that platform's posts, so the platform keeps its choice; denominators
    /// are looked up again in the platform's own follower figures.
    pub fn for_platform(&self, platform: Platform) -> Self {
        let followers = self.followers.for_platform(platform, self.source_daily);
        let plan = self.plan.only(platform);
        let posts = self
            .posts
            .iter()
            .filter(|facts| facts.post.platform == platform)
            .map(|facts| PostFacts {
                denominator: plan.denominator(facts.post, &followers),
                ..facts.clone()
            })
            .collect();
        let daily = self
            .daily
            .iter()
            .copied()
            .filter(|metric| metric.platform == platform)
            .collect();

        Self {
            period: self.period,
            posts,
            daily,
            followers,
            plan,
            source_daily: self.source_daily,
        }
    }

    /// The same facts rated by `rate_by` with fresh choices, equal to preparing the dataset
    /// again for the period with that denominator and no earlier choices.
    pub fn rated_by(&self, rate_by: RateBy) -> Self {
        let period = self.period.with_rate_by(rate_by);
        let plan = RatePlan::choose(rate_by, self.posts.iter().map(|facts| facts.post), None);
        let posts = self
            .posts
            .iter()
            .map(|facts| PostFacts {
                denominator: plan.denominator(facts.post, &self.followers),
                ..facts.clone()
            })
            .collect();

        Self {
            period,
            posts,
            daily: self.daily.clone(),
            followers: self.followers.clone(),
            plan,
            source_daily: self.source_daily,
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

    use tally_domain::{AccountId, PostId};

    use super::*;
    use crate::followers::FollowerSpan;
    use crate::testing::{followers, period, post};

    /// What an analysis can observe of prepared facts, to compare two preparations.
    #[derive(Debug, PartialEq)]
    struct Observed {
        period: AnalysisPeriod,
        posts: Vec<(PostId, NaiveDateTime, Option<u64>, Option<u64>)>,
        daily: Vec<DailyMetric>,
        accounts: Vec<(AccountId, Platform)>,
        lookups: Vec<Option<u64>>,
        spans: Vec<Option<FollowerSpan>>,
        plan: RatePlan,
    }

    fn observed(facts: &PeriodFacts<'_>) -> Observed {
        let accounts = || (1..=12).map(AccountId);
        let lookups = facts
            .period
            .range
            .iter_days()
            .flat_map(|day| accounts().map(move |account| (account, day)))
            .map(|(account, day)| facts.followers.at_or_before(account, day))
            .collect();
        Observed {
            period: facts.period,
            posts: facts
                .posts
                .iter()
                .map(|post| (post.post.id, post.local, post.engagement, post.denominator))
                .collect(),
            daily: facts.daily.iter().map(|metric| (*metric).clone()).collect(),
            accounts: facts.followers.accounts().collect(),
            lookups,
            spans: accounts()
                .map(|account| facts.followers.span(account, &facts.period.range))
                .collect(),
            plan: facts.plan.clone(),
        }
    }

    /// Three platforms: X with impressions, Threads without exposure figures (rated by
    /// followers), Instagram with reach only in the previous period.
    fn mixed_dataset() -> Dataset {
        Dataset::new(
            vec![
                post(1, Platform::X, "2026-05-02T10:00:00Z")
                    .likes(5)
                    .impressions(100)
                    .build(),
                post(2, Platform::Threads, "2026-05-02T11:00:00Z")
                    .likes(7)
                    .build(),
                post(3, Platform::Threads, "2026-05-05T11:00:00Z")
                    .likes(9)
                    .build(),
                post(4, Platform::Instagram, "2026-05-06T09:00:00Z")
                    .likes(3)
                    .build(),
                post(5, Platform::Instagram, "2026-04-27T09:00:00Z")
                    .likes(3)
                    .reach(40)
                    .build(),
                post(6, Platform::X, "2026-04-28T09:00:00Z")
                    .likes(1)
                    .build(),
            ],
            vec![
                followers(Platform::Threads, "2026-04-25", 90),
                followers(Platform::Threads, "2026-05-03", 120),
                followers(Platform::X, "2026-05-01", 1000),
                followers(Platform::Instagram, "2026-05-04", 300),
            ],
        )
    }

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
    fn narrowed_facts_equal_facts_of_the_platform_dataset() {
        let dataset = mixed_dataset();
        for rate_by in RateBy::ALL {
            let may = period("2026-05-01", "2026-05-07", Tz::UTC).with_rate_by(*rate_by);
            let now = PeriodFacts::new(&dataset, may, None);
            let before = PeriodFacts::previous_of(&now, &dataset);
            for platform in [Platform::X, Platform::Threads, Platform::Instagram] {
                let part = dataset.for_platform(platform);
                let part_now = PeriodFacts::new(&part, may, None);
                let part_before = PeriodFacts::previous_of(&part_now, &part);
                assert_eq!(
                    observed(&now.for_platform(platform)),
                    observed(&part_now),
                    "{platform} by {rate_by}"
                );
                assert_eq!(
                    before
                        .as_ref()
                        .map(|facts| observed(&facts.for_platform(platform))),
                    part_before.as_ref().map(observed),
                    "{platform} by {rate_by}, previous period"
                );
                assert_eq!(
                    observed(&PeriodFacts::of_platform(&dataset, may, None, platform)),
                    observed(&part_now),
                );
            }
        }

        // The checks above compare something: Threads is rated by followers on the
        // publish day, and Instagram's previous period keeps the current choice.
        let may = period("2026-05-01", "2026-05-07", Tz::UTC);
        let threads = PeriodFacts::new(&dataset, may, None).for_platform(Platform::Threads);
        let denominators: Vec<_> = threads.posts.iter().map(|post| post.denominator).collect();
        assert_eq!(denominators, [Some(90), Some(120)]);
        let now = PeriodFacts::new(&dataset, may, None);
        let before = PeriodFacts::previous_of(&now, &dataset).unwrap();
        let instagram = before.for_platform(Platform::Instagram);
        assert_eq!(
            instagram.plan.for_platform(Platform::Instagram),
            RateBy::Followers
        );
        assert_eq!(instagram.posts[0].denominator, None);
    }

    #[test]
    fn narrowing_follows_accounts_whose_figures_name_several_platforms() {
        // Account 3 (Threads' default account) also has a figure filed under X, and an X
        // post of that account: an index of X's figures alone knows only that figure.
        let mut stray = followers(Platform::Threads, "2026-05-02", 555);
        stray.platform = Platform::X;
        let mut x_post = post(7, Platform::X, "2026-05-03T10:00:00Z")
            .likes(4)
            .build();
        x_post.account_id = AccountId(Platform::Threads as i64 + 1);
        let mut dataset = mixed_dataset();
        dataset.daily.push(stray);
        dataset.posts.push(x_post);

        let may = period("2026-05-01", "2026-05-07", Tz::UTC).with_rate_by(RateBy::Followers);
        let now = PeriodFacts::new(&dataset, may, None);
        for platform in [Platform::X, Platform::Threads, Platform::Instagram] {
            let part = dataset.for_platform(platform);
            assert_eq!(
                observed(&now.for_platform(platform)),
                observed(&PeriodFacts::new(&part, may, None)),
                "{platform}"
            );
        }
        let x = now.for_platform(Platform::X);
        let stray_post = x.posts.iter().find(|post| post.post.id.get() == 7).unwrap();
        assert_eq!(stray_post.denominator, Some(555));
    }

    #[test]
    fn narrowing_twice_to_different_platforms_leaves_nothing() {
        let dataset = mixed_dataset();
        let may = period("2026-05-01", "2026-05-07", Tz::UTC);
        let now = PeriodFacts::new(&dataset, may, None);
        let nothing = now
            .for_platform(Platform::X)
            .for_platform(Platform::Threads);
        assert!(nothing.posts.is_empty() && nothing.daily.is_empty());
        assert_eq!(nothing.followers.accounts().count(), 0);
    }

    #[test]
    fn facts_rated_again_equal_facts_prepared_with_that_denominator() {
        let dataset = mixed_dataset();
        let may = period("2026-05-01", "2026-05-07", Tz::UTC);
        let now = PeriodFacts::new(&dataset, may, None);
        for rate_by in RateBy::ALL {
            let prepared = PeriodFacts::new(&dataset, may.with_rate_by(*rate_by), None);
            assert_eq!(observed(&now.rated_by(*rate_by)), observed(&prepared));
        }
        let by_followers = now.rated_by(RateBy::Followers);
        assert_eq!(by_followers.posts[0].denominator, Some(1000)); // X's followers
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
