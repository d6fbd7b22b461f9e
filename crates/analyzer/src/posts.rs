//! One post with its numbers, as shown in top-post lists and post analytics.

use std::cmp::Reverse;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use tally_domain::{ContentType, EngagementKind, PerformanceMetric, Platform, PostId};

use crate::dataset::{PeriodFacts, PostFacts};
use crate::rate::{RateBy, RatePool};

/// The most posts a top-post list holds.
pub const TOP_POSTS_LIMIT: usize = 5;

/// A post and its latest numbers; a counter the platform does not report is `null`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostMetrics {
    /// tally's id of the post.
    pub id: PostId,
    /// The platform it was published on.
    pub platform: Platform,
    /// The form of the content.
    pub content_type: ContentType,
    /// When it was published, in UTC.
    pub published_at: DateTime<Utc>,
    /// When it was published, on the user's wall clock: `YYYY-MM-DDTHH:MM:SS`, no offset.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, examples("2026-05-04T11:00:00"))
    )]
    pub published_local: NaiveDateTime,
    /// A short title, if known.
    pub title: Option<String>,
    /// A link to the post, if known.
    pub url: Option<String>,
    /// The sum of its interaction counters (views excluded).
    pub engagement: Option<u64>,
    /// Likes and reactions.
    pub likes: Option<u64>,
    /// Comments and replies.
    pub comments: Option<u64>,
    /// Shares and reposts.
    pub shares: Option<u64>,
    /// Saves and bookmarks.
    pub saves: Option<u64>,
    /// Views and plays (not part of engagement).
    pub views: Option<u64>,
    /// Link clicks.
    pub clicks: Option<u64>,
    /// Quotes.
    pub quotes: Option<u64>,
    /// Unique accounts reached.
    pub reach: Option<u64>,
    /// Times displayed.
    pub impressions: Option<u64>,
    /// The engagement rate in percent, with `rate_denominator` as the denominator.
    pub engagement_rate: Option<f64>,
    /// The denominator of `engagement_rate`.
    pub rate_denominator: RateBy,
    /// The value of that denominator for this post.
    pub rate_denominator_value: Option<u64>,
}

impl PostMetrics {
    pub(crate) fn from_facts(facts: &PostFacts<'_>, rate_denominator: RateBy) -> Self {
        let post = facts.post;
        let count = |kind: EngagementKind| post.engagement.get(&kind).copied();
        let mut pool = RatePool::default();
        pool.add(facts.engagement, facts.denominator);

        Self {
            id: post.id,
            platform: post.platform,
            content_type: post.content_type,
            published_at: post.published_at,
            published_local: facts.local,
            title: post.title.clone(),
            url: post.url.clone(),
            engagement: facts.engagement,
            likes: count(EngagementKind::Like),
            comments: count(EngagementKind::Comment),
            shares: count(EngagementKind::Share),
            saves: count(EngagementKind::Save),
            views: count(EngagementKind::View),
            clicks: count(EngagementKind::Click),
            quotes: count(EngagementKind::Quote),
            reach: post.performance.get(&PerformanceMetric::Reach).copied(),
            impressions: post
                .performance
                .get(&PerformanceMetric::Impressions)
                .copied(),
            engagement_rate: pool.percent(),
            rate_denominator,
            rate_denominator_value: facts.denominator,
        }
    }
}

/// The `limit` posts of the period with the most engagement, most engaging first.
///
/// Posts with unknown engagement are left out; ties go to the earlier post.
pub(crate) fn top_posts(facts: &PeriodFacts<'_>, limit: usize) -> Vec<PostMetrics> {
    let mut ranked: Vec<&PostFacts<'_>> = facts
        .posts
        .iter()
        .filter(|post| post.engagement.is_some())
        .collect();
    ranked.sort_by_key(|post| Reverse(post.engagement));
    ranked
        .into_iter()
        .take(limit)
        .map(|post| PostMetrics::from_facts(post, facts.plan.for_platform(post.post.platform)))
        .collect()
}
