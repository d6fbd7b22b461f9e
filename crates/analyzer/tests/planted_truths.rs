//! The analyzer must recover the truths that the sample generator plants: for every
//! platform, the best weekday and hour to post (in the user's time zone) and the best
//! content type.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use tally_analyzer::{
    AnalysisPeriod, Dataset, DayOfWeek, best_times, content_type_performance, parse_timezone,
};
use tally_domain::{
    AccountId, DailyMetric, DateRange, EngagementKind, PerformanceMetric, PostId, PostSummary,
    UserId,
};
use tally_sample::{SampleOptions, SampleUser, generate};

const DAYS: u32 = 90;

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// What a store would hand back after ingesting the sample: latest counters per post, and
/// the latest figure per account, metric and day.
fn dataset(sample: &SampleUser) -> Dataset {
    let mut posts = Vec::new();
    let mut daily = Vec::new();
    for (index, generated) in sample.accounts.iter().enumerate() {
        let account_id = AccountId(index as i64 + 1);
        let platform = generated.account.platform;
        let batch = &generated.batch;

        let mut engagement: BTreeMap<(&str, EngagementKind), (DateTime<Utc>, u64)> =
            BTreeMap::new();
        for record in &batch.engagement {
            let key = (record.post_external_id.as_str(), record.kind);
            let entry = engagement
                .entry(key)
                .or_insert((record.observed_at, record.count));
            if record.observed_at >= entry.0 {
                *entry = (record.observed_at, record.count);
            }
        }
        let mut performance: BTreeMap<(&str, PerformanceMetric), (DateTime<Utc>, u64)> =
            BTreeMap::new();
        for record in &batch.performance {
            let key = (record.post_external_id.as_str(), record.metric);
            let entry = performance
                .entry(key)
                .or_insert((record.observed_at, record.value));
            if record.observed_at >= entry.0 {
                *entry = (record.observed_at, record.value);
            }
        }

        for record in &batch.posts {
            let id = record.external_id.as_str();
            posts.push(PostSummary {
                id: PostId(posts.len() as i64 + 1),
                account_id,
                platform,
                external_id: record.external_id.clone(),
                content_type: record.content_type,
                published_at: record.published_at,
                url: record.url.clone(),
                title: record.title.clone(),
                engagement: engagement
                    .iter()
                    .filter(|((post, _), _)| *post == id)
                    .map(|((_, kind), (_, count))| (*kind, *count))
                    .collect(),
                performance: performance
                    .iter()
                    .filter(|((post, _), _)| *post == id)
                    .map(|((_, metric), (_, value))| (*metric, *value))
                    .collect(),
            });
        }
        daily.extend(batch.account_metrics.iter().map(|record| DailyMetric {
            account_id,
            platform,
            day: record.day,
            metric: record.metric,
            value: record.value,
            observed_at: record.observed_at,
        }));
    }
    Dataset::new(posts, daily)
}

fn check_user(user: i64) {
    let sample = generate(&SampleOptions::new(UserId(user), DAYS, end()));
    let data = dataset(&sample);
    let timezone = parse_timezone(&sample.truths.timezone).unwrap();
    let range = DateRange::ending(end(), i64::from(DAYS)).unwrap();
    let period = AnalysisPeriod::new(range, timezone);
    assert!(!sample.truths.platforms.is_empty());

    for (platform, truth) in &sample.truths.platforms {
        let own = data.for_platform(*platform);

        let times = best_times(&own, &period);
        let top = times.top_slots.first().expect("a confident slot");
        assert_eq!(
            (top.weekday, top.hour),
            (DayOfWeek::from(truth.best_weekday), truth.best_hour),
            "user {user}, {platform}: best time in {}",
            sample.truths.timezone
        );

        let types = content_type_performance(&own, &period);
        assert_eq!(
            types.best_content_type,
            Some(truth.best_content_type),
            "user {user}, {platform}: best content type"
        );
    }
}

#[test]
fn best_time_and_content_type_match_the_planted_truths() {
    check_user(1);
}

#[test]
fn planted_truths_are_found_for_other_users_too() {
    // Each user gets other platforms, time zones and planted slots.
    for user in 2..=25 {
        check_user(user);
    }
}
