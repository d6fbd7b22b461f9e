//! The sums of one period that overviews and comparisons are built from.

use std::collections::BTreeMap;

use tally_domain::{EngagementKind, PerformanceMetric, Platform};

use crate::dataset::PeriodFacts;
use crate::growth::{GrowthSummary, growth_summary};
use crate::rate::RatePool;
use crate::stats::{ratio, signed};

/// Sums over the posts and daily figures of one period.
#[derive(Clone, Debug, Default)]
pub(crate) struct PeriodTotals {
    /// Each engagement kind that at least one post reports, summed.
    pub counters: BTreeMap<EngagementKind, u64>,
    /// Total engagement of the posts that report any interaction.
    pub engagement: Option<u64>,
    /// Posts that report any interaction.
    pub engaged_posts: usize,
    /// Summed performance figures, for those some post reports.
    pub performance: BTreeMap<PerformanceMetric, u64>,
    /// Posts published in the period.
    pub posts: usize,
    /// The pooled rate over all posts.
    pub rate: RatePool,
    /// The pooled rate per platform with posts.
    pub rate_by_platform: BTreeMap<Platform, RatePool>,
    /// Follower growth inside the period.
    pub growth: GrowthSummary,
}

impl PeriodTotals {
    /// Sums the posts and follower figures of `facts`.
    pub fn of(facts: &PeriodFacts<'_>) -> Self {
        let mut totals = PeriodTotals {
            posts: facts.posts.len(),
            ..PeriodTotals::default()
        };
        for post in &facts.posts {
            for (kind, count) in &post.post.engagement {
                let sum = totals.counters.entry(*kind).or_default();
                *sum = sum.saturating_add(*count);
            }
            for (metric, value) in &post.post.performance {
                let sum = totals.performance.entry(*metric).or_default();
                *sum = sum.saturating_add(*value);
            }
            if let Some(engagement) = post.engagement {
                totals.engagement = Some(totals.engagement.unwrap_or(0).saturating_add(engagement));
                totals.engaged_posts += 1;
            }
        }
        (totals.rate, totals.rate_by_platform) = facts.rate_pools();
        totals.growth = growth_summary(&facts.followers, &facts.period.range, None);
        totals
    }

    /// An engagement kind's total as a signed count, `None` when no post reports it.
    pub fn counter(&self, kind: EngagementKind) -> Option<i64> {
        self.counters.get(&kind).copied().map(signed)
    }

    /// A performance figure's total as a signed count, `None` when no post reports it.
    pub fn performance(&self, metric: PerformanceMetric) -> Option<i64> {
        self.performance.get(&metric).copied().map(signed)
    }

    /// Engagement per post among the posts that report engagement.
    pub fn engagement_per_post(&self) -> Option<f64> {
        ratio(self.engagement? as f64, self.engaged_posts as f64)
    }

    /// Engagement of the period per 1,000 followers at its end.
    pub fn engagement_per_1000_followers(&self) -> Option<f64> {
        let followers = self.growth.followers_end? as f64;
        ratio(self.engagement? as f64 * 1000.0, followers)
    }
}
