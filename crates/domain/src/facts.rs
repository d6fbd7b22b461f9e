//! Stored facts as the analyzer reads them back.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AccountId, AccountMetric, ContentType, EngagementKind, ParseNameError, PerformanceMetric,
    Platform, PostId,
};

/// Any per-post counter: an engagement kind or a performance figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PostMetric {
    /// An interaction counter such as likes.
    Engagement(EngagementKind),
    /// An exposure figure such as reach.
    Performance(PerformanceMetric),
}

impl PostMetric {
    /// The canonical name; engagement kinds and performance figures never share one.
    pub fn as_str(self) -> &'static str {
        match self {
            PostMetric::Engagement(kind) => kind.as_str(),
            PostMetric::Performance(metric) => metric.as_str(),
        }
    }
}

impl fmt::Display for PostMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PostMetric {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Stored names are canonical: they are found without trying a family that fails.
        if let Some(kind) = EngagementKind::from_canonical(s) {
            return Ok(PostMetric::Engagement(kind));
        }
        if let Some(metric) = PerformanceMetric::from_canonical(s) {
            return Ok(PostMetric::Performance(metric));
        }
        if let Ok(kind) = s.parse::<EngagementKind>() {
            return Ok(PostMetric::Engagement(kind));
        }
        s.parse::<PerformanceMetric>()
            .map(PostMetric::Performance)
            .map_err(|_| ParseNameError {
                kind: "post metric",
                given: s.to_owned(),
                valid: EngagementKind::ALL
                    .iter()
                    .map(|kind| kind.as_str())
                    .chain(PerformanceMetric::ALL.iter().map(|metric| metric.as_str()))
                    .collect(),
            })
    }
}

/// A stored post with the latest known value of each of its counters.
///
/// A counter the platform never reported is absent from the maps, not zero.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    /// tally's id of the post.
    pub id: PostId,
    /// The account that published it.
    pub account_id: AccountId,
    /// The platform it was published on.
    pub platform: Platform,
    /// The platform's id of the post.
    pub external_id: String,
    /// The form of the content.
    pub content_type: ContentType,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// A link to the post, if known.
    pub url: Option<String>,
    /// A short title, if known.
    pub title: Option<String>,
    /// Latest engagement counts.
    pub engagement: BTreeMap<EngagementKind, u64>,
    /// Latest performance figures.
    pub performance: BTreeMap<PerformanceMetric, u64>,
}

impl PostSummary {
    /// The sum of every interaction counter (views excluded), or `None` when none is known.
    pub fn interactions(&self) -> Option<u64> {
        let mut known = self
            .engagement
            .iter()
            .filter(|(kind, _)| kind.is_interaction())
            .map(|(_, count)| *count)
            .peekable();
        known.peek()?;
        Some(known.fold(0u64, u64::saturating_add))
    }
}

/// One observation of one counter of a post, for its history since publishing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostObservation {
    /// Which counter.
    pub metric: PostMetric,
    /// When it was observed.
    pub observed_at: DateTime<Utc>,
    /// Its value then.
    pub value: u64,
}

/// One stored account-wide figure for one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyMetric {
    /// The account it describes.
    pub account_id: AccountId,
    /// The account's platform.
    pub platform: Platform,
    /// The day, in UTC.
    pub day: NaiveDate,
    /// Which figure.
    pub metric: AccountMetric,
    /// Its value.
    pub value: u64,
    /// When the value was observed.
    pub observed_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_metrics_parse_from_either_family() {
        assert_eq!(
            "like".parse::<PostMetric>().unwrap(),
            PostMetric::Engagement(EngagementKind::Like)
        );
        assert_eq!(
            "reach".parse::<PostMetric>().unwrap(),
            PostMetric::Performance(PerformanceMetric::Reach)
        );
        assert_eq!(
            " Likes".parse::<PostMetric>().unwrap(),
            PostMetric::Engagement(EngagementKind::Like)
        );
        assert_eq!(
            "REACH".parse::<PostMetric>().unwrap(),
            PostMetric::Performance(PerformanceMetric::Reach)
        );
        let error = "hugs".parse::<PostMetric>().unwrap_err();
        assert!(error.to_string().contains("impressions"), "{error}");
        assert!(error.to_string().contains("like"), "{error}");
    }

    #[test]
    fn interactions_ignore_views_and_stay_unknown_when_nothing_is_known() {
        let mut post = PostSummary {
            id: PostId(1),
            account_id: AccountId(1),
            platform: Platform::YouTube,
            external_id: "abc".into(),
            content_type: ContentType::Video,
            published_at: "2026-05-01T10:00:00Z".parse().unwrap(),
            url: None,
            title: None,
            engagement: BTreeMap::new(),
            performance: BTreeMap::new(),
        };
        assert_eq!(post.interactions(), None);
        post.engagement.insert(EngagementKind::View, 1000);
        assert_eq!(post.interactions(), None);
        post.engagement.insert(EngagementKind::Like, 40);
        post.engagement.insert(EngagementKind::Comment, 2);
        assert_eq!(post.interactions(), Some(42));
    }
}
