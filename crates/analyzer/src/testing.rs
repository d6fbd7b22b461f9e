//! Fixture builders for the unit tests.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use tally_domain::{
    AccountId, AccountMetric, ContentType, DailyMetric, DateRange, EngagementKind,
    PerformanceMetric, Platform, PostId, PostSummary,
};

use crate::AnalysisPeriod;

/// Starts a post with the given id on `platform`, published at an RFC 3339 instant.
pub fn post(id: i64, platform: Platform, published_at: &str) -> PostBuilder {
    PostBuilder(PostSummary {
        id: PostId(id),
        account_id: AccountId(platform as i64 + 1),
        platform,
        external_id: format!("p{id}"),
        content_type: ContentType::Text,
        published_at: published_at.parse().unwrap(),
        url: None,
        title: None,
        engagement: BTreeMap::new(),
        performance: BTreeMap::new(),
    })
}

/// Builds a [`PostSummary`] one counter at a time.
pub struct PostBuilder(PostSummary);

impl PostBuilder {
    pub fn content(mut self, content_type: ContentType) -> Self {
        self.0.content_type = content_type;
        self
    }

    pub fn count(mut self, kind: EngagementKind, value: u64) -> Self {
        self.0.engagement.insert(kind, value);
        self
    }

    pub fn likes(self, value: u64) -> Self {
        self.count(EngagementKind::Like, value)
    }

    pub fn comments(self, value: u64) -> Self {
        self.count(EngagementKind::Comment, value)
    }

    pub fn views(self, value: u64) -> Self {
        self.count(EngagementKind::View, value)
    }

    pub fn reach(mut self, value: u64) -> Self {
        self.0.performance.insert(PerformanceMetric::Reach, value);
        self
    }

    pub fn impressions(mut self, value: u64) -> Self {
        self.0
            .performance
            .insert(PerformanceMetric::Impressions, value);
        self
    }

    pub fn build(self) -> PostSummary {
        self.0
    }
}

/// A daily figure for the default account of `platform` (the one [`post`] uses).
pub fn daily(platform: Platform, day: &str, metric: AccountMetric, value: u64) -> DailyMetric {
    DailyMetric {
        account_id: AccountId(platform as i64 + 1),
        platform,
        day: day.parse().unwrap(),
        metric,
        value,
        observed_at: day
            .parse::<chrono::NaiveDate>()
            .unwrap()
            .and_hms_opt(23, 59, 0)
            .unwrap()
            .and_utc(),
    }
}

/// The followers of the default account of `platform` at the end of `day`.
pub fn followers(platform: Platform, day: &str, value: u64) -> DailyMetric {
    daily(platform, day, AccountMetric::Followers, value)
}

/// A period over local days from `start` to `end` in `timezone`.
pub fn period(start: &str, end: &str, timezone: Tz) -> AnalysisPeriod {
    let range = DateRange::new(start.parse().unwrap(), end.parse().unwrap()).unwrap();
    AnalysisPeriod::new(range, timezone)
}

/// Asserts that two optional floats agree to nine decimals.
#[track_caller]
pub fn assert_close(actual: Option<f64>, expected: Option<f64>) {
    match (actual, expected) {
        (Some(a), Some(e)) => assert!((a - e).abs() < 1e-9, "{a} != {e}"),
        _ => assert_eq!(actual, expected),
    }
}
