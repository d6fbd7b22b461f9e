//! The generator's promises: determinism, idempotent overlap, realism and planted truths.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;
use tally_domain::{AccountMetric, ContentType, Platform, PostSummary, UserId};
use tally_sample::{SampleOptions, generate};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn options(user: i64, days: u32) -> SampleOptions {
    SampleOptions::new(UserId(user), days, day("2026-11-30"))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn engagement(post: &PostSummary) -> f64 {
    post.interactions().unwrap_or_default() as f64
}

#[test]
fn the_same_options_give_the_same_data_and_another_seed_does_not() {
    let first = generate(&options(1, 30));
    assert_eq!(first, generate(&options(1, 30)));

    let mut reseeded = options(1, 30);
    reseeded.seed = 7;
    assert_ne!(first.accounts, generate(&reseeded).accounts);
    assert_ne!(first.accounts, generate(&options(2, 30)).accounts);
}

#[test]
fn overlapping_periods_share_posts_and_counters() {
    let month = generate(&options(3, 30));
    let mut earlier = options(3, 30);
    earlier.end = day("2026-11-20");
    let earlier = generate(&earlier);

    for (late, early) in month.accounts.iter().zip(&earlier.accounts) {
        let late_posts: HashSet<_> = late.batch.posts.iter().collect();
        let shared = early
            .batch
            .posts
            .iter()
            .filter(|post| post.published_at.date_naive() >= day("2026-11-01"))
            .filter(|post| post.published_at.date_naive() <= day("2026-11-18"));
        let mut compared = 0;
        for post in shared {
            assert!(late_posts.contains(post), "{post:?} differs between runs");
            compared += 1;
        }
        assert!(compared > 10);
    }
}

#[test]
fn data_is_shaped_like_a_real_history() {
    let sample = generate(&options(4, 60));
    assert_eq!(sample.accounts.len(), 4);
    let platforms: HashSet<Platform> = sample.accounts.iter().map(|a| a.account.platform).collect();
    assert_eq!(platforms.len(), 4);

    for account in &sample.accounts {
        let batch = &account.batch;
        let per_day = batch.posts.len() as f64 / 60.0;
        assert!((1.5..=2.5).contains(&per_day), "{} posts a day", per_day);
        let ids: HashSet<_> = batch.posts.iter().map(|post| &post.external_id).collect();
        assert_eq!(ids.len(), batch.posts.len(), "post ids are unique");

        let followers: Vec<u64> = batch
            .account_metrics
            .iter()
            .filter(|record| record.metric == AccountMetric::Followers)
            .map(|record| record.value)
            .collect();
        assert_eq!(followers.len(), 60);
        assert!(
            followers.last() > followers.first(),
            "followers grow over two months"
        );
        let changes: HashSet<i64> = followers
            .windows(2)
            .map(|pair| pair[1] as i64 - pair[0] as i64)
            .collect();
        assert!(
            changes.len() > 5,
            "growth is noisy, not a straight line: {changes:?}"
        );
    }
}

#[test]
fn nothing_is_observed_after_the_end_of_the_last_day() {
    let sample = generate(&options(5, 14));
    let cutoff = day("2026-12-01").and_hms_opt(0, 0, 0).unwrap().and_utc();
    for account in &sample.accounts {
        assert!(
            account
                .batch
                .posts
                .iter()
                .all(|post| post.published_at < cutoff)
        );
        assert!(
            account
                .batch
                .engagement
                .iter()
                .all(|record| record.observed_at <= cutoff)
        );
        assert!(
            account
                .batch
                .account_metrics
                .iter()
                .all(|record| record.observed_at <= cutoff)
        );
    }
}

#[test]
fn the_planted_best_slot_and_content_type_stand_out_in_the_raw_data() {
    let sample = generate(&options(6, 90));
    let timezone: Tz = sample.truths.timezone.parse().unwrap();
    let (posts, _) = sample.facts();

    for (platform, truth) in &sample.truths.platforms {
        let mine: Vec<&PostSummary> = posts
            .iter()
            .filter(|post| post.platform == *platform)
            .collect();
        let (in_slot, elsewhere): (Vec<&PostSummary>, Vec<&PostSummary>) =
            mine.iter().partition(|post| {
                let local = post.published_at.with_timezone(&timezone);
                local.weekday() == truth.best_weekday && local.hour() == truth.best_hour
            });
        assert!(
            in_slot.len() >= 10,
            "{platform}: {} posts in the best slot",
            in_slot.len()
        );
        let slot_median = median(in_slot.iter().map(|post| engagement(post)).collect());
        let other_median = median(elsewhere.iter().map(|post| engagement(post)).collect());
        assert!(
            slot_median > 2.0 * other_median,
            "{platform}: {slot_median} vs {other_median}"
        );

        let mut by_type: BTreeMap<ContentType, Vec<f64>> = BTreeMap::new();
        for post in elsewhere {
            by_type
                .entry(post.content_type)
                .or_default()
                .push(engagement(post));
        }
        let best = by_type
            .into_iter()
            .filter(|(_, values)| values.len() >= 5)
            .map(|(content_type, values)| (content_type, median(values)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(content_type, _)| content_type);
        assert_eq!(best, Some(truth.best_content_type), "{platform}");
    }
}

#[test]
fn facts_keep_the_latest_observation_and_leave_unreported_counters_out() {
    let sample = generate(&options(7, 10));
    let (posts, daily) = sample.facts();
    let total: usize = sample.accounts.iter().map(|a| a.batch.posts.len()).sum();
    assert_eq!(posts.len(), total);
    assert!(
        posts
            .windows(2)
            .all(|pair| pair[0].published_at <= pair[1].published_at)
    );
    assert!(!daily.is_empty());

    for post in &posts {
        let account = &sample.accounts[(post.account_id.get() - 1) as usize];
        let latest_like = account
            .batch
            .engagement
            .iter()
            .filter(|record| record.post_external_id == post.external_id)
            .filter(|record| record.kind == tally_domain::EngagementKind::Like)
            .max_by_key(|record| record.observed_at)
            .map(|record| record.count);
        assert_eq!(
            post.engagement
                .get(&tally_domain::EngagementKind::Like)
                .copied(),
            latest_like
        );
        if post.platform == Platform::Mastodon {
            assert!(
                post.performance.is_empty(),
                "Mastodon reports no reach or impressions"
            );
        }
    }
}

#[test]
fn nothing_is_published_or_observed_after_observed_until() {
    let mut options = options(8, 10);
    let until = day("2026-11-30").and_hms_opt(12, 0, 0).unwrap().and_utc();
    options.observed_until = Some(until);
    let sample = generate(&options);
    let mut latest_post = None;
    for account in &sample.accounts {
        assert!(
            account
                .batch
                .posts
                .iter()
                .all(|post| post.published_at < until)
        );
        assert!(
            account
                .batch
                .engagement
                .iter()
                .all(|record| record.observed_at <= until)
        );
        assert!(
            account
                .batch
                .account_metrics
                .iter()
                .all(|record| record.observed_at <= until)
        );
        latest_post = latest_post.max(
            account
                .batch
                .posts
                .iter()
                .map(|post| post.published_at)
                .max(),
        );
    }
    assert!(latest_post.unwrap() > day("2026-11-29").and_hms_opt(12, 0, 0).unwrap().and_utc());
}
