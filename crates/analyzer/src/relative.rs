//! Engagement relative to the platform's typical post, so that accounts of any size mix.
//!
//! A post's *relative engagement* is its engagement divided by the median engagement of
//! its platform's posts in the same period: 1.0 is a typical post, 2.0 twice as engaging.
//! Posts of a platform whose median is zero get no score, since nothing is typical there.
//!
//! Groups of posts (an hour of a weekday, a content type) are ranked by
//! [`GroupStats::relative_engagement_lower_bound`], a conservative estimate of their
//! median, and then by the median itself: with few posts the bound is the weakest post, so
//! two viral posts among four cannot make a group look best; with many it approaches the
//! median.

use std::collections::BTreeMap;

use serde::Serialize;
use tally_domain::Platform;

use crate::dataset::{PeriodFacts, PostFacts};
use std::cmp::Ordering;

use crate::stats::{median, median_lower_bound, ratio};

/// Posts with fewer samples than this are marked low-confidence.
pub const MIN_POSTS_FOR_CONFIDENCE: usize = 3;

/// A post with its engagement and its relative engagement.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScoredPost<'f, 'a> {
    pub facts: &'f PostFacts<'a>,
    pub engagement: u64,
    pub relative: f64,
}

/// Scores every post of the period with known engagement and a non-zero platform median.
pub(crate) fn score_posts<'f, 'a>(facts: &'f PeriodFacts<'a>) -> Vec<ScoredPost<'f, 'a>> {
    let medians = platform_medians(facts);
    facts
        .posts
        .iter()
        .filter_map(|post| {
            let engagement = post.engagement?;
            let typical = *medians.get(&post.post.platform)?;
            let relative = ratio(engagement as f64, typical)?;
            Some(ScoredPost {
                facts: post,
                engagement,
                relative,
            })
        })
        .collect()
}

/// The median engagement of each platform's posts, among those reporting engagement.
pub(crate) fn platform_medians(facts: &PeriodFacts<'_>) -> BTreeMap<Platform, f64> {
    let mut values: BTreeMap<Platform, Vec<f64>> = BTreeMap::new();
    for post in &facts.posts {
        if let Some(engagement) = post.engagement {
            values
                .entry(post.post.platform)
                .or_default()
                .push(engagement as f64);
        }
    }
    values
        .into_iter()
        .filter_map(|(platform, mut list)| Some((platform, median(&mut list)?)))
        .collect()
}

/// Summary of a group of scored posts, such as one hour of one weekday.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupStats {
    /// Posts in the group that have a score.
    pub posts: usize,
    /// Median engagement relative to the platform's typical post (1.0 = typical).
    pub median_relative_engagement: Option<f64>,
    /// An approximate one-sided 90 % lower confidence bound of
    /// `median_relative_engagement`: the k-th weakest post, k = ⌊(n − 1.2816·√n) ÷ 2⌋, at
    /// least 1 (the weakest post for up to seven posts). Groups are ranked by it.
    pub relative_engagement_lower_bound: Option<f64>,
    /// Median raw engagement (mixes platforms when the data holds several).
    pub median_engagement: Option<f64>,
    /// Whether the group has fewer than [`MIN_POSTS_FOR_CONFIDENCE`] posts.
    pub low_confidence: bool,
}

impl GroupStats {
    pub(crate) fn of<'s>(group: impl IntoIterator<Item = &'s ScoredPost<'s, 's>>) -> Self {
        let (mut relative, mut raw): (Vec<f64>, Vec<f64>) = group
            .into_iter()
            .map(|post| (post.relative, post.engagement as f64))
            .unzip();
        GroupStats {
            posts: relative.len(),
            relative_engagement_lower_bound: median_lower_bound(&mut relative),
            median_relative_engagement: median(&mut relative),
            median_engagement: median(&mut raw),
            low_confidence: relative.len() < MIN_POSTS_FOR_CONFIDENCE,
        }
    }
}

/// Best first: the higher lower bound, then the higher median, then more posts; unknown
/// values rank last.
pub(crate) fn rank_groups(a: &GroupStats, b: &GroupStats) -> Ordering {
    let key = |value: Option<f64>| value.unwrap_or(f64::NEG_INFINITY);
    key(b.relative_engagement_lower_bound)
        .total_cmp(&key(a.relative_engagement_lower_bound))
        .then(key(b.median_relative_engagement).total_cmp(&key(a.median_relative_engagement)))
        .then(b.posts.cmp(&a.posts))
}
