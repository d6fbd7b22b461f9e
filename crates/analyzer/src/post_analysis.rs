//! Content analytics for one post: its numbers, its engagement over time, and its rank.
//!
//! The rank compares the post with the user's other posts of the same platform and content
//! type published in the period: the percentile is the share of those posts with less
//! engagement (ties count half), and the ratio is the post's engagement divided by their
//! median.

use std::collections::BTreeMap;
use std::iter;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tally_domain::{
    ContentType, EngagementKind, PerformanceMetric, Platform, PostMetric, PostObservation,
    PostSummary,
};

use crate::dataset::{Dataset, PeriodFacts, PostFacts};
use crate::period::AnalysisPeriod;
use crate::posts::PostMetrics;
use crate::rate::RatePlan;
use crate::stats::{median, percent, ratio};

/// The counters of a post at one moment after publishing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePoint {
    /// Hours from publishing to the observation (0 for observations made before).
    pub hours_since_publish: f64,
    /// When the observation was made.
    pub observed_at: DateTime<Utc>,
    /// Engagement then: the latest value of each interaction counter, summed.
    pub engagement: Option<u64>,
    /// Views then.
    pub views: Option<u64>,
    /// Reach then.
    pub reach: Option<u64>,
    /// Impressions then.
    pub impressions: Option<u64>,
}

/// How a post ranks among the user's similar posts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeerRanking {
    /// The platform compared within.
    pub platform: Platform,
    /// The content type compared within.
    pub content_type: ContentType,
    /// Other posts of that platform and type in the period with known engagement.
    pub compared_with: usize,
    /// Their median engagement.
    pub median_engagement: Option<f64>,
    /// Percent of them with less engagement than this post (ties count half).
    pub percentile: Option<f64>,
    /// This post's engagement divided by their median.
    pub ratio_to_median: Option<f64>,
}

/// Everything known about one post.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostAnalysis {
    /// The post's latest numbers.
    pub post: PostMetrics,
    /// Its counters over time, oldest first.
    pub timeline: Vec<TimelinePoint>,
    /// How it ranks against similar posts.
    pub ranking: PeerRanking,
}

/// Analyzes `post` with its observation `history`, against the posts of `peers` published
/// in the period (the post itself is skipped there if present).
///
/// ```
/// use std::collections::BTreeMap;
/// use tally_analyzer::{analyze_post, AnalysisPeriod, Dataset};
/// use tally_domain::*;
///
/// let post = PostSummary {
///     id: PostId(7),
///     account_id: AccountId(1),
///     platform: Platform::Bluesky,
///     external_id: "p7".into(),
///     content_type: ContentType::Text,
///     published_at: "2026-05-04T09:00:00Z".parse().unwrap(),
///     url: None,
///     title: None,
///     engagement: BTreeMap::from([(EngagementKind::Like, 12)]),
///     performance: BTreeMap::new(),
/// };
/// let history = vec![PostObservation {
///     metric: PostMetric::Engagement(EngagementKind::Like),
///     observed_at: "2026-05-04T15:00:00Z".parse().unwrap(),
///     value: 9,
/// }];
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let result = analyze_post(&post, &history, &Dataset::default(), &AnalysisPeriod::new(range, chrono_tz::Tz::UTC));
/// assert_eq!(result.timeline[0].hours_since_publish, 6.0);
/// assert_eq!(result.timeline[0].engagement, Some(9));
/// assert_eq!(result.ranking.compared_with, 0);
/// assert_eq!(result.ranking.percentile, None);
/// ```
pub fn analyze_post(
    post: &PostSummary,
    history: &[PostObservation],
    peers: &Dataset,
    period: &AnalysisPeriod,
) -> PostAnalysis {
    let facts = PeriodFacts::new(peers, *period, None);
    let plan = RatePlan::choose(
        period.rate_by,
        iter::once(post).chain(facts.posts.iter().map(|peer| peer.post)),
        None,
    );
    let own = PostFacts {
        post,
        local: period.local_time(post.published_at),
        engagement: post.interactions(),
        denominator: plan.denominator(post, &facts.followers),
    };

    PostAnalysis {
        post: PostMetrics::from_facts(&own, plan.for_platform(post.platform)),
        timeline: timeline(post, history),
        ranking: rank(&own, &facts),
    }
}

fn timeline(post: &PostSummary, history: &[PostObservation]) -> Vec<TimelinePoint> {
    let mut by_time: BTreeMap<DateTime<Utc>, Vec<&PostObservation>> = BTreeMap::new();
    for observation in history {
        by_time
            .entry(observation.observed_at)
            .or_default()
            .push(observation);
    }

    let mut latest: BTreeMap<PostMetric, u64> = BTreeMap::new();
    by_time
        .into_iter()
        .map(|(observed_at, observations)| {
            for observation in observations {
                latest.insert(observation.metric, observation.value);
            }
            let interactions = latest.iter().filter_map(|(metric, value)| match metric {
                PostMetric::Engagement(kind) if kind.is_interaction() => Some(*value),
                _ => None,
            });
            let seconds = (observed_at - post.published_at).num_seconds().max(0);
            TimelinePoint {
                hours_since_publish: seconds as f64 / 3600.0,
                observed_at,
                engagement: interactions.reduce(u64::saturating_add),
                views: latest
                    .get(&PostMetric::Engagement(EngagementKind::View))
                    .copied(),
                reach: latest
                    .get(&PostMetric::Performance(PerformanceMetric::Reach))
                    .copied(),
                impressions: latest
                    .get(&PostMetric::Performance(PerformanceMetric::Impressions))
                    .copied(),
            }
        })
        .collect()
}

fn rank(own: &PostFacts<'_>, facts: &PeriodFacts<'_>) -> PeerRanking {
    let post = own.post;
    let mut others: Vec<f64> = facts
        .posts
        .iter()
        .filter(|peer| peer.post.id != post.id)
        .filter(|peer| {
            peer.post.platform == post.platform && peer.post.content_type == post.content_type
        })
        .filter_map(|peer| peer.engagement.map(|value| value as f64))
        .collect();
    let typical = median(&mut others);
    let mine = own.engagement.map(|value| value as f64);

    let percentile = mine.and_then(|mine| {
        let below = others.iter().filter(|other| **other < mine).count() as f64;
        let ties = others.iter().filter(|other| **other == mine).count() as f64;
        percent(below + ties / 2.0, others.len() as f64)
    });
    PeerRanking {
        platform: post.platform,
        content_type: post.content_type,
        compared_with: others.len(),
        median_engagement: typical,
        percentile,
        ratio_to_median: mine
            .zip(typical)
            .and_then(|(mine, typical)| ratio(mine, typical)),
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use tally_domain::ContentType;

    use super::*;
    use crate::testing::{followers, period, post};

    fn observation(metric: PostMetric, at: &str, value: u64) -> PostObservation {
        PostObservation {
            metric,
            observed_at: at.parse().unwrap(),
            value,
        }
    }

    #[test]
    fn timeline_sums_the_latest_value_of_each_interaction() {
        let like = PostMetric::Engagement(EngagementKind::Like);
        let comment = PostMetric::Engagement(EngagementKind::Comment);
        let view = PostMetric::Engagement(EngagementKind::View);
        let target = post(1, Platform::Mastodon, "2026-05-04T09:00:00Z")
            .likes(20)
            .build();
        let history = [
            observation(view, "2026-05-04T09:30:00Z", 50),
            observation(like, "2026-05-04T10:00:00Z", 5),
            observation(comment, "2026-05-04T10:00:00Z", 1),
            observation(like, "2026-05-05T09:00:00Z", 20),
        ];
        let points = timeline(&target, &history);
        let summary: Vec<(f64, Option<u64>, Option<u64>)> = points
            .iter()
            .map(|p| (p.hours_since_publish, p.engagement, p.views))
            .collect();
        assert_eq!(
            summary,
            [
                (0.5, None, Some(50)),
                (1.0, Some(6), Some(50)),
                (24.0, Some(21), Some(50))
            ]
        );
    }

    #[test]
    fn rank_against_same_platform_and_type_with_follower_rates() {
        let target = post(1, Platform::Mastodon, "2026-05-10T09:00:00Z")
            .likes(30)
            .build();
        let peers = Dataset::new(
            vec![
                target.clone(),
                post(2, Platform::Mastodon, "2026-05-02T09:00:00Z")
                    .likes(10)
                    .build(),
                post(3, Platform::Mastodon, "2026-05-03T09:00:00Z")
                    .likes(30)
                    .build(),
                post(4, Platform::Mastodon, "2026-05-04T09:00:00Z")
                    .likes(50)
                    .build(),
                post(5, Platform::Mastodon, "2026-05-05T09:00:00Z")
                    .likes(20)
                    .build(),
                post(6, Platform::Mastodon, "2026-05-05T09:00:00Z")
                    .content(ContentType::Image)
                    .likes(1)
                    .build(),
                post(7, Platform::Bluesky, "2026-05-05T09:00:00Z")
                    .likes(1)
                    .build(),
            ],
            vec![
                followers(Platform::Mastodon, "2026-05-01", 500),
                followers(Platform::Mastodon, "2026-05-11", 900),
            ],
        );
        let result = analyze_post(
            &target,
            &[],
            &peers,
            &period("2026-05-01", "2026-05-31", Tz::UTC),
        );

        // Peers 10, 20, 30, 50: one tie and two below.
        assert_eq!(result.ranking.compared_with, 4);
        assert_eq!(result.ranking.median_engagement, Some(25.0));
        assert_eq!(result.ranking.percentile, Some(62.5));
        assert_eq!(result.ranking.ratio_to_median, Some(1.2));

        // No reach or impressions on Mastodon: followers on the publish day (500) are used.
        assert_eq!(result.post.rate_denominator, crate::RateBy::Followers);
        assert_eq!(result.post.rate_denominator_value, Some(500));
        assert_eq!(result.post.engagement_rate, Some(6.0));
        assert!(result.timeline.is_empty());
    }
}
