//! Builders that turn parsed platform data into domain records, one rule for all platforms:
//! a count the platform did not give produces no record, never a zero.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use tally_domain::{
    AccountMetric, AccountMetricRecord, EngagementKind, EngagementRecord, IngestBatch,
    PerformanceMetric, PerformanceRecord, PostRecord,
};

/// Collects the posts of one fetch and their counters, each post once.
pub(crate) struct BatchBuilder {
    batch: IngestBatch,
    observed_at: DateTime<Utc>,
    seen: HashSet<String>,
}

impl BatchBuilder {
    /// An empty batch whose observations are all stamped `observed_at`.
    pub fn new(observed_at: DateTime<Utc>) -> Self {
        Self {
            batch: IngestBatch::default(),
            observed_at,
            seen: HashSet::new(),
        }
    }

    /// Adds a post; returns `false` (and adds nothing) when it was already added.
    pub fn post(&mut self, post: PostRecord) -> bool {
        if !self.seen.insert(post.external_id.clone()) {
            return false;
        }
        self.batch.posts.push(post);
        true
    }

    /// Records an engagement counter of a post, when the platform gave it.
    pub fn engagement(&mut self, post_id: &str, kind: EngagementKind, count: Option<u64>) {
        if let Some(count) = count {
            self.batch.engagement.push(EngagementRecord {
                post_external_id: post_id.to_owned(),
                kind,
                count,
                observed_at: self.observed_at,
            });
        }
    }

    /// Records a performance figure of a post, when the platform gave it.
    pub fn performance(&mut self, post_id: &str, metric: PerformanceMetric, value: Option<u64>) {
        if let Some(value) = value {
            self.batch.performance.push(PerformanceRecord {
                post_external_id: post_id.to_owned(),
                metric,
                value,
                observed_at: self.observed_at,
            });
        }
    }

    /// The finished batch.
    pub fn finish(self) -> IngestBatch {
        self.batch
    }
}

/// Collects daily account figures observed at one moment.
pub(crate) struct MetricsBuilder {
    records: Vec<AccountMetricRecord>,
    observed_at: DateTime<Utc>,
}

impl MetricsBuilder {
    /// An empty list whose records are all stamped `observed_at`.
    pub fn new(observed_at: DateTime<Utc>) -> Self {
        Self {
            records: Vec::new(),
            observed_at,
        }
    }

    /// Records a figure for the observation day (the UTC day of `observed_at`).
    pub fn today(&mut self, metric: AccountMetric, value: Option<u64>) {
        let day = self.observed_at.date_naive();
        self.on_day(day, metric, value);
    }

    /// Records a figure for a given day, replacing one already recorded for that day.
    pub fn on_day(&mut self, day: NaiveDate, metric: AccountMetric, value: Option<u64>) {
        let Some(value) = value else {
            return;
        };
        self.records
            .retain(|record| !(record.day == day && record.metric == metric));
        self.records.push(AccountMetricRecord {
            day,
            metric,
            value,
            observed_at: self.observed_at,
        });
    }

    /// The finished list.
    pub fn finish(self) -> Vec<AccountMetricRecord> {
        self.records
    }
}

#[cfg(test)]
mod tests {
    use tally_domain::ContentType;

    use super::*;

    #[test]
    fn missing_counts_produce_no_records_and_posts_are_kept_once() {
        let now: DateTime<Utc> = "2026-05-01T12:00:00Z".parse().unwrap();
        let mut batch = BatchBuilder::new(now);
        let post = PostRecord {
            external_id: "1".into(),
            content_type: ContentType::Text,
            published_at: now,
            url: None,
            title: None,
        };
        assert!(batch.post(post.clone()));
        assert!(!batch.post(post));
        batch.engagement("1", EngagementKind::Like, Some(0));
        batch.engagement("1", EngagementKind::Comment, None);
        batch.performance("1", PerformanceMetric::Reach, None);
        let batch = batch.finish();
        assert_eq!(batch.posts.len(), 1);
        assert_eq!(batch.engagement.len(), 1);
        assert_eq!(batch.engagement[0].count, 0);
        assert!(batch.performance.is_empty());

        let mut metrics = MetricsBuilder::new(now);
        metrics.today(AccountMetric::Followers, Some(5));
        metrics.today(AccountMetric::Followers, Some(6));
        metrics.today(AccountMetric::Following, None);
        let metrics = metrics.finish();
        assert_eq!(metrics.len(), 1);
        assert_eq!(metrics[0].value, 6);
        assert_eq!(metrics[0].day, now.date_naive());
    }
}
