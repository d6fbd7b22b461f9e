//! Content-type performance: which forms of content engage best.
//!
//! Types are ranked by relative engagement (engagement ÷ the median of the post's
//! platform), so that a type is not favoured just because it is posted on the larger
//! account: first by the conservative lower bound of its median, then by the median (see
//! [`GroupStats`](crate::GroupStats)), as the cells of the best-times grid are.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;
use tally_domain::ContentType;

use crate::dataset::{Dataset, PeriodFacts};
use crate::period::{AnalysisPeriod, PeriodSummary};
use crate::rate::{RateBasis, RatePool};
use crate::relative::{MIN_POSTS_FOR_CONFIDENCE, score_posts};
use crate::stats::{mean, median, median_lower_bound, percent};

/// How one content type performed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentTypeStats {
    /// The content type.
    pub content_type: ContentType,
    /// Posts of this type published in the period.
    pub posts: usize,
    /// Their share of all posts, in percent.
    pub share_of_posts_percent: Option<f64>,
    /// Median engagement per post.
    pub median_engagement: Option<f64>,
    /// Mean engagement per post.
    pub mean_engagement: Option<f64>,
    /// Median engagement relative to the platform's typical post (1.0 = typical).
    pub median_relative_engagement: Option<f64>,
    /// A conservative lower bound of `median_relative_engagement`, used for ranking.
    pub relative_engagement_lower_bound: Option<f64>,
    /// Pooled engagement rate of these posts, in percent.
    pub engagement_rate: Option<f64>,
    /// Whether fewer than [`MIN_POSTS_FOR_CONFIDENCE`] posts have a relative engagement.
    pub low_confidence: bool,
}

/// Performance of every content type posted in the period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentTypePerformance {
    /// The period analyzed.
    pub period: PeriodSummary,
    /// All posts published in the period.
    pub posts: usize,
    /// One entry per content type posted, best first (by the lower bound of the median
    /// relative engagement, then by the median, then by number of posts).
    pub content_types: Vec<ContentTypeStats>,
    /// The best type among those that are not low-confidence, if any.
    pub best_content_type: Option<ContentType>,
    /// The engagement-rate denominator of each platform.
    pub rate_basis: Vec<RateBasis>,
}

/// Per-content-type performance of the period's posts.
///
/// ```
/// use tally_analyzer::{content_type_performance, AnalysisPeriod, Dataset};
/// use tally_domain::DateRange;
///
/// let range = DateRange::new("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap()).unwrap();
/// let result = content_type_performance(&Dataset::default(), &AnalysisPeriod::new(range, chrono_tz::Tz::UTC));
/// assert!(result.content_types.is_empty());
/// assert_eq!(result.best_content_type, None);
/// ```
pub fn content_type_performance(
    current: &Dataset,
    period: &AnalysisPeriod,
) -> ContentTypePerformance {
    let facts = PeriodFacts::new(current, *period, None);
    content_type_performance_of(&facts)
}

/// Per-content-type performance of prepared facts.
pub(crate) fn content_type_performance_of(facts: &PeriodFacts<'_>) -> ContentTypePerformance {
    #[derive(Default)]
    struct Group {
        posts: usize,
        engagement: Vec<f64>,
        relative: Vec<f64>,
        pool: RatePool,
    }

    let mut groups: BTreeMap<ContentType, Group> = BTreeMap::new();
    for post in &facts.posts {
        let group = groups.entry(post.post.content_type).or_default();
        group.posts += 1;
        if let Some(engagement) = post.engagement {
            group.engagement.push(engagement as f64);
        }
        group.pool.add(post.engagement, post.denominator);
    }
    for scored in score_posts(facts) {
        if let Some(group) = groups.get_mut(&scored.facts.post.content_type) {
            group.relative.push(scored.relative);
        }
    }

    let total = facts.posts.len();
    let mut content_types: Vec<ContentTypeStats> = groups
        .into_iter()
        .map(|(content_type, mut group)| ContentTypeStats {
            content_type,
            posts: group.posts,
            share_of_posts_percent: percent(group.posts as f64, total as f64),
            median_engagement: median(&mut group.engagement),
            mean_engagement: mean(&group.engagement),
            relative_engagement_lower_bound: median_lower_bound(&mut group.relative),
            median_relative_engagement: median(&mut group.relative),
            engagement_rate: group.pool.percent(),
            low_confidence: group.relative.len() < MIN_POSTS_FOR_CONFIDENCE,
        })
        .collect();
    content_types.sort_by(rank);

    let (_, pools) = facts.rate_pools();
    ContentTypePerformance {
        period: facts.period.summary(),
        posts: total,
        best_content_type: content_types
            .iter()
            .find(|stats| !stats.low_confidence && stats.median_relative_engagement.is_some())
            .map(|stats| stats.content_type),
        content_types,
        rate_basis: facts.plan.bases(&pools),
    }
}

/// Best first: higher lower bound, higher median (unknown last), more posts.
fn rank(a: &ContentTypeStats, b: &ContentTypeStats) -> Ordering {
    let key = |value: Option<f64>| value.unwrap_or(f64::NEG_INFINITY);
    key(b.relative_engagement_lower_bound)
        .total_cmp(&key(a.relative_engagement_lower_bound))
        .then(key(b.median_relative_engagement).total_cmp(&key(a.median_relative_engagement)))
        .then(b.posts.cmp(&a.posts))
        .then(a.content_type.cmp(&b.content_type))
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;
    use tally_domain::Platform;

    use super::*;
    use crate::testing::{assert_close, period, post};

    #[test]
    fn types_are_ranked_by_median_and_thin_types_cannot_win() {
        let mut posts = Vec::new();
        let mut add = |content: ContentType, likes: u64, reach: u64| {
            let id = posts.len() as i64;
            let at = format!("2026-05-{:02}T12:00:00Z", id + 1);
            posts.push(
                post(id, Platform::Instagram, &at)
                    .content(content)
                    .likes(likes)
                    .reach(reach)
                    .build(),
            );
        };
        add(ContentType::Reel, 30, 300);
        add(ContentType::Reel, 40, 400);
        add(ContentType::Reel, 50, 500);
        add(ContentType::Image, 10, 200);
        add(ContentType::Image, 20, 200);
        add(ContentType::Image, 60, 200);
        add(ContentType::Carousel, 500, 1000); // one post only

        let result = content_type_performance(
            &Dataset::new(posts, vec![]),
            &period("2026-05-01", "2026-05-31", Tz::UTC),
        );
        // Median of all seven posts: 40.
        let order: Vec<ContentType> = result
            .content_types
            .iter()
            .map(|t| t.content_type)
            .collect();
        assert_eq!(
            order,
            [ContentType::Carousel, ContentType::Reel, ContentType::Image]
        );
        assert_eq!(result.best_content_type, Some(ContentType::Reel));

        let reel = result.content_types[1];
        assert_eq!(reel.posts, 3);
        assert_close(reel.share_of_posts_percent, Some(300.0 / 7.0));
        assert_eq!(reel.median_engagement, Some(40.0));
        assert_eq!(reel.median_relative_engagement, Some(1.0));
        assert_close(reel.engagement_rate, Some(10.0));

        let image = result.content_types[2];
        assert_eq!(image.mean_engagement, Some(30.0));
        assert_eq!(image.median_engagement, Some(20.0));
        assert_close(image.engagement_rate, Some(15.0));
        assert!(result.content_types[0].low_confidence);
    }
}
