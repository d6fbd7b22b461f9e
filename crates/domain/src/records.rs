//! The facts that collection, imports and the sample generator hand to storage.
//!
//! tally stores three kinds of facts:
//! - engagement on a post ([`EngagementRecord`]): likes, comments, shares and so on, each
//!   an observation of a counter at a moment;
//! - per-content performance ([`PerformanceRecord`]): how far a post travelled, such as its
//!   impressions, reach or watch time, also observed at a moment;
//! - daily account metrics ([`AccountMetricRecord`]): one figure per account, metric and day.
//!
//! A count that a platform does not report is simply absent: no record carries a zero that
//! stands for "unknown".

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountMetric, ContentType, EngagementKind, PerformanceMetric};

/// A post as published on its platform.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostRecord {
    /// The platform's own id of the post, unique within the account.
    pub external_id: String,
    /// The form of the content.
    pub content_type: ContentType,
    /// When the post was published.
    pub published_at: DateTime<Utc>,
    /// A link to the post, when the platform gives one.
    pub url: Option<String>,
    /// A short title or the start of the text, for people to recognise the post.
    pub title: Option<String>,
}

/// One observation of one engagement counter of a post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementRecord {
    /// The platform's id of the post the counter belongs to.
    pub post_external_id: String,
    /// Which counter.
    pub kind: EngagementKind,
    /// Its value when observed.
    pub count: u64,
    /// When the value was observed.
    pub observed_at: DateTime<Utc>,
}

/// One observation of one performance figure of a post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerformanceRecord {
    /// The platform's id of the post the figure belongs to.
    pub post_external_id: String,
    /// Which figure.
    pub metric: PerformanceMetric,
    /// Its value when observed.
    pub value: u64,
    /// When the value was observed.
    pub observed_at: DateTime<Utc>,
}

/// One account-wide figure for one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMetricRecord {
    /// The day the figure describes, in UTC.
    pub day: NaiveDate,
    /// Which figure.
    pub metric: AccountMetric,
    /// Its value.
    pub value: u64,
    /// When the value was observed; a later observation of the same day replaces an earlier.
    pub observed_at: DateTime<Utc>,
}

/// Everything learned about one account in one collection run, import or sample.
///
/// Storage writes a batch in one transaction: either all of it lands or none of it does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestBatch {
    /// Posts to create, or to update when already stored.
    pub posts: Vec<PostRecord>,
    /// Engagement observations; their posts must be in `posts` or already stored.
    pub engagement: Vec<EngagementRecord>,
    /// Performance observations; their posts must be in `posts` or already stored.
    pub performance: Vec<PerformanceRecord>,
    /// Daily account figures.
    pub account_metrics: Vec<AccountMetricRecord>,
}

impl IngestBatch {
    /// Whether the batch carries nothing to store.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
            && self.engagement.is_empty()
            && self.performance.is_empty()
            && self.account_metrics.is_empty()
    }

    /// The number of records of every kind in the batch.
    pub fn len(&self) -> usize {
        self.posts.len()
            + self.engagement.len()
            + self.performance.len()
            + self.account_metrics.len()
    }
}

/// Drops the sub-microsecond part of an instant, and moves a leap second (`23:59:60`) to the
/// last microsecond before it.
///
/// PostgreSQL keeps microseconds and SQLite keeps whatever it is given, so values are
/// truncated before they are stored to compare equal after a round trip on either backend.
/// Neither stores a leap second as such: PostgreSQL would move it to the next second, where
/// it could collide with an instant that really is that second, and SQLite would keep text
/// no other instant compares to correctly.
pub fn truncate_to_micros(instant: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = instant.nanosecond();
    if nanos.is_multiple_of(1_000) && nanos < 1_000_000_000 {
        return instant;
    }
    let nanos = nanos.min(999_999_999);
    instant
        .with_nanosecond(nanos - nanos % 1_000)
        .unwrap_or(instant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leap_second_becomes_the_last_microsecond_before_it() {
        let leap: DateTime<Utc> = "2026-06-30T23:59:60.25Z".parse().unwrap();
        assert_eq!(
            truncate_to_micros(leap).to_rfc3339(),
            "2026-06-30T23:59:59.999999+00:00"
        );
        let next: DateTime<Utc> = "2026-07-01T00:00:00Z".parse().unwrap();
        assert!(truncate_to_micros(leap) < next);
    }

    #[test]
    fn truncation_keeps_microseconds_only() {
        let instant: DateTime<Utc> = "2026-05-01T10:00:00.123456789Z".parse().unwrap();
        assert_eq!(
            truncate_to_micros(instant).to_rfc3339(),
            "2026-05-01T10:00:00.123456+00:00"
        );
    }

    #[test]
    fn batch_length_counts_every_record() {
        let mut batch = IngestBatch::default();
        assert!(batch.is_empty());
        batch.account_metrics.push(AccountMetricRecord {
            day: "2026-05-01".parse().unwrap(),
            metric: AccountMetric::Followers,
            value: 10,
            observed_at: "2026-05-01T23:00:00Z".parse().unwrap(),
        });
        assert!(!batch.is_empty());
        assert_eq!(batch.len(), 1);
    }
}
