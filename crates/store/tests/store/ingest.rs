//! The batched write path: summaries, idempotency, atomicity, large and repetitive batches.

use tally_domain::{
    AccountId, AccountMetric, ContentType, DateRange, EngagementKind, IngestBatch,
    PerformanceMetric, Platform, PostRecord,
};
use tally_store::{AnalyticsStore, IngestStore, IngestSummary, RowCounts, StoreError};

use crate::fixtures::{
    account_of, all_posts, counts, creator, daily, day, engagement, only_accounts, performance,
    post, posts_only, read_post, read_posts,
};

/// Three posts, six observations of five counters, and three daily figures.
fn mixed_batch() -> IngestBatch {
    IngestBatch {
        posts: vec![
            post("p1", "2026-05-01T10:00:00Z"),
            post("p2", "2026-05-02T10:00:00Z"),
            post("p3", "2026-05-03T10:00:00Z"),
        ],
        engagement: vec![
            engagement("p1", EngagementKind::Like, 10, "2026-05-01T12:00:00Z"),
            engagement("p1", EngagementKind::Like, 15, "2026-05-01T18:00:00Z"),
            engagement("p1", EngagementKind::Comment, 2, "2026-05-01T18:00:00Z"),
            engagement("p2", EngagementKind::Share, 4, "2026-05-02T18:00:00Z"),
        ],
        performance: vec![
            performance(
                "p1",
                PerformanceMetric::Impressions,
                900,
                "2026-05-01T18:00:00Z",
            ),
            performance("p2", PerformanceMetric::Reach, 300, "2026-05-02T18:00:00Z"),
        ],
        account_metrics: vec![
            daily(
                "2026-05-01",
                AccountMetric::Followers,
                100,
                "2026-05-01T23:00:00Z",
            ),
            daily(
                "2026-05-02",
                AccountMetric::Followers,
                104,
                "2026-05-02T23:00:00Z",
            ),
            daily(
                "2026-05-02",
                AccountMetric::ProfileViews,
                12,
                "2026-05-02T23:00:00Z",
            ),
        ],
    }
}

tally_store::backend_tests!(
    a_batch_is_stored_once_and_its_repeat_changes_nothing,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let user = account.user_id;

        let first = store.ingest(account.id, &mixed_batch()).unwrap();
        assert_eq!(
            first,
            IngestSummary {
                posts_created: 3,
                posts_updated: 0,
                observations_created: 6,
                observations_skipped: 0,
                daily_metrics_written: 3,
                daily_metrics_skipped: 0,
            }
        );
        let stored = RowCounts {
            accounts: 1,
            posts: 3,
            observations: 6,
            latest_counters: 5,
            daily_metrics: 3,
        };
        assert_eq!(counts(&store, user), stored);
        let posts_before = read_posts(&store, user);

        let second = store.ingest(account.id, &mixed_batch()).unwrap();
        assert_eq!(second.posts_created, 0);
        assert_eq!(second.posts_updated, 3);
        assert_eq!(second.observations_created, 0);
        assert_eq!(second.observations_skipped, 6);
        assert_eq!(
            second.daily_metrics_written + second.daily_metrics_skipped,
            3
        );
        assert_eq!(counts(&store, user), stored);
        assert_eq!(read_posts(&store, user), posts_before);
    }
);

tally_store::backend_tests!(a_stored_post_is_refreshed_but_keeps_known_links, |db| {
    let store = db.store();
    let account = creator(&store);
    store
        .ingest(
            account.id,
            &posts_only(vec![post("p1", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();

    let refreshed = PostRecord {
        content_type: ContentType::Image,
        url: None,
        title: Some("Edited title".into()),
        ..post("p1", "2026-05-01T10:30:00Z")
    };
    let summary = store
        .ingest(
            account.id,
            &posts_only(vec![refreshed, post("p2", "2026-05-02T10:00:00Z")]),
        )
        .unwrap();
    assert_eq!((summary.posts_created, summary.posts_updated), (1, 1));

    let stored = read_post(&store, account.user_id, "p1");
    assert_eq!(stored.content_type, ContentType::Image);
    assert_eq!(
        stored.published_at.to_rfc3339(),
        "2026-05-01T10:30:00+00:00"
    );
    assert_eq!(stored.title.as_deref(), Some("Edited title"));
    assert_eq!(
        stored.url.as_deref(),
        Some("https://social.example/@test_creator/p1"),
        "a missing URL does not erase the known one"
    );
});

tally_store::backend_tests!(an_unknown_post_fails_the_whole_batch, |db| {
    let store = db.store();
    let account = creator(&store);
    let other = account_of(&store, 1, Platform::Bluesky, "test_creator");
    store
        .ingest(
            other.id,
            &posts_only(vec![post("elsewhere", "2026-04-01T10:00:00Z")]),
        )
        .unwrap();
    let before = counts(&store, account.user_id);

    let mut batch = mixed_batch();
    batch.engagement.push(engagement(
        "missing",
        EngagementKind::Like,
        1,
        "2026-05-01T12:00:00Z",
    ));
    let error = store.ingest(account.id, &batch).unwrap_err();
    match error {
        StoreError::UnknownPost {
            account: failed,
            external_id,
        } => {
            assert_eq!(failed, account.id);
            assert_eq!(external_id, "missing");
        }
        other => panic!("expected UnknownPost, got {other:?}"),
    }
    assert_eq!(
        counts(&store, account.user_id),
        before,
        "not even the posts were stored"
    );

    // A post of another account of the same user is not this account's post.
    let mut batch = mixed_batch();
    batch.performance.push(performance(
        "elsewhere",
        PerformanceMetric::Reach,
        5,
        "2026-05-01T12:00:00Z",
    ));
    let error = store.ingest(account.id, &batch).unwrap_err();
    assert!(
        matches!(&error, StoreError::UnknownPost { external_id, .. } if external_id == "elsewhere"),
        "{error:?}"
    );
    assert_eq!(counts(&store, account.user_id), before);
});

tally_store::backend_tests!(an_unknown_account_is_refused, |db| {
    let store = db.store();
    let account = creator(&store);

    let error = store.ingest(AccountId(9_999), &mixed_batch()).unwrap_err();
    assert!(
        matches!(error, StoreError::UnknownAccount(AccountId(9_999))),
        "{error:?}"
    );
    assert_eq!(counts(&store, account.user_id), only_accounts(1));
});

tally_store::backend_tests!(counts_beyond_the_column_fail_the_whole_batch, |db| {
    let store = db.store();
    let account = creator(&store);
    let too_large = u64::try_from(i64::MAX).unwrap() + 1;

    let mut batch = mixed_batch();
    batch.engagement.push(engagement(
        "p3",
        EngagementKind::View,
        too_large,
        "2026-05-03T12:00:00Z",
    ));
    let error = store.ingest(account.id, &batch).unwrap_err();
    assert!(matches!(error, StoreError::OutOfRange(_)), "{error:?}");
    assert_eq!(counts(&store, account.user_id), only_accounts(1));

    let mut batch = mixed_batch();
    batch.account_metrics.push(daily(
        "2026-05-03",
        AccountMetric::Reach,
        u64::MAX,
        "2026-05-03T23:00:00Z",
    ));
    let error = store.ingest(account.id, &batch).unwrap_err();
    assert!(matches!(error, StoreError::OutOfRange(_)), "{error:?}");
    assert_eq!(counts(&store, account.user_id), only_accounts(1));

    // The largest value that fits is stored and read back exactly.
    let mut batch = mixed_batch();
    let largest = too_large - 1;
    batch.engagement.push(engagement(
        "p3",
        EngagementKind::View,
        largest,
        "2026-05-03T12:00:00Z",
    ));
    store.ingest(account.id, &batch).unwrap();
    let stored = read_post(&store, account.user_id, "p3");
    assert_eq!(stored.engagement.get(&EngagementKind::View), Some(&largest));
});

/// `posts` posts, each with four observations, and `days` days of five daily figures.
fn large_batch(posts: usize, days: u64) -> IngestBatch {
    let mut batch = IngestBatch::default();
    let start = crate::fixtures::at("2026-01-01T00:00:00Z");
    for index in 0..posts {
        let id = format!("p{index:05}");
        let published = start + chrono::Duration::minutes(i64::try_from(index).unwrap());
        let early = published + chrono::Duration::hours(1);
        let late = published + chrono::Duration::hours(2);
        batch.posts.push(PostRecord {
            published_at: published,
            ..post(&id, "2026-01-01T00:00:00Z")
        });
        let count = u64::try_from(index).unwrap();
        for (kind, value, observed_at) in [
            (EngagementKind::Like, count, early),
            (EngagementKind::Like, count + 1, late),
            (EngagementKind::View, count * 10, late),
        ] {
            let mut record = engagement(&id, kind, value, "2026-01-01T00:00:00Z");
            record.observed_at = observed_at;
            batch.engagement.push(record);
        }
        let mut record = performance(
            &id,
            PerformanceMetric::Reach,
            count * 5,
            "2026-01-01T00:00:00Z",
        );
        record.observed_at = late;
        batch.performance.push(record);
    }
    let first_day = crate::fixtures::day("2024-01-01");
    for offset in 0..days {
        let day = first_day + chrono::Days::new(offset);
        let observed_at = day.and_hms_opt(23, 0, 0).unwrap().and_utc();
        for metric in AccountMetric::ALL {
            batch
                .account_metrics
                .push(tally_domain::AccountMetricRecord {
                    day,
                    metric: *metric,
                    value: offset,
                    observed_at,
                });
        }
    }
    batch
}

tally_store::backend_tests!(batches_larger_than_one_statement_are_stored_whole, |db| {
    let store = db.store();
    let account = creator(&store);
    let batch = large_batch(2_500, 500);
    assert_eq!(batch.engagement.len() + batch.performance.len(), 10_000);
    assert_eq!(batch.account_metrics.len(), 2_500);

    let first = store.ingest(account.id, &batch).unwrap();
    assert_eq!(first.posts_created, 2_500);
    assert_eq!(first.observations_created, 10_000);
    assert_eq!(first.daily_metrics_written, 2_500);
    let expected = RowCounts {
        accounts: 1,
        posts: 2_500,
        observations: 10_000,
        latest_counters: 7_500,
        daily_metrics: 2_500,
    };
    assert_eq!(counts(&store, account.user_id), expected);

    let posts = read_posts(&store, account.user_id);
    assert_eq!(posts.len(), 2_500);
    let last = posts.last().unwrap();
    assert_eq!(last.external_id, "p02499");
    assert_eq!(last.engagement.get(&EngagementKind::Like), Some(&2_500));
    assert_eq!(last.engagement.get(&EngagementKind::View), Some(&24_990));
    assert_eq!(
        last.performance.get(&PerformanceMetric::Reach),
        Some(&12_495)
    );

    let second = store.ingest(account.id, &batch).unwrap();
    assert_eq!((second.posts_created, second.posts_updated), (0, 2_500));
    assert_eq!(
        (second.observations_created, second.observations_skipped),
        (0, 10_000)
    );
    assert_eq!(counts(&store, account.user_id), expected);
});

tally_store::backend_tests!(repeated_records_in_one_batch_store_one_row, |db| {
    let store = db.store();
    let account = creator(&store);
    let renamed = PostRecord {
        title: Some("Second copy".into()),
        ..post("p1", "2026-05-01T10:00:00Z")
    };
    let like = engagement("p1", EngagementKind::Like, 7, "2026-05-01T12:00:00Z");
    let reach = performance("p1", PerformanceMetric::Reach, 70, "2026-05-01T12:00:00Z");
    let followers = daily(
        "2026-05-01",
        AccountMetric::Followers,
        100,
        "2026-05-01T23:00:00Z",
    );
    let batch = IngestBatch {
        posts: vec![post("p1", "2026-05-01T10:00:00Z"), renamed],
        engagement: vec![like.clone(), like],
        performance: vec![reach.clone(), reach],
        account_metrics: vec![followers.clone(), followers],
    };

    let summary = store.ingest(account.id, &batch).unwrap();
    assert_eq!(summary.posts_created, 1);
    assert_eq!(summary.observations_created, 2);
    assert_eq!(summary.daily_metrics_written, 1);
    assert_eq!(
        counts(&store, account.user_id),
        RowCounts {
            accounts: 1,
            posts: 1,
            observations: 2,
            latest_counters: 2,
            daily_metrics: 1,
        }
    );
    let stored = read_post(&store, account.user_id, "p1");
    assert_eq!(
        stored.title.as_deref(),
        Some("Second copy"),
        "the later copy wins"
    );
    assert_eq!(store.post_history(stored.id).unwrap().len(), 2);
    assert_eq!(store.posts(&all_posts(account.user_id)).unwrap().len(), 1);
});

/// Posts p0 to p199, each observed once for likes at `hour` with `base` plus its number, and
/// once for shares.
fn overlapping_batch(hour: u32, base: u64) -> IngestBatch {
    let posts: Vec<String> = (0..200).map(|n| format!("p{n}")).collect();
    let when = format!("2026-05-02T{hour:02}:00:00Z");
    IngestBatch {
        posts: posts
            .iter()
            .map(|id| post(id, "2026-05-01T10:00:00Z"))
            .collect(),
        engagement: posts
            .iter()
            .enumerate()
            .flat_map(|(n, id)| {
                [
                    engagement(id, EngagementKind::Like, base + n as u64, &when),
                    engagement(id, EngagementKind::Share, base, &when),
                ]
            })
            .collect(),
        account_metrics: vec![daily("2026-05-02", AccountMetric::Followers, base, &when)],
        ..IngestBatch::default()
    }
}

tally_store::backend_tests!(
    two_writers_storing_the_same_new_posts_at_once_agree_on_the_counters,
    |db| {
        let store = db.store();
        let account = creator(&store);
        // Rounds of two writers racing to create the same posts; each round uses a fresh
        // account, so that the posts are new to both writers every time.
        for round in 0..4 {
            let target = if round == 0 {
                account.clone()
            } else {
                account_of(
                    &store,
                    account.user_id.get(),
                    Platform::Mastodon,
                    &format!("round{round}"),
                )
            };
            let (early, late) = (overlapping_batch(9, 100), overlapping_batch(17, 500));
            std::thread::scope(|scope| {
                for batch in [&early, &late] {
                    let (store, target) = (&store, &target);
                    scope.spawn(move || store.ingest(target.id, batch).unwrap());
                }
            });
            let posts: Vec<_> = read_posts(&store, account.user_id)
                .into_iter()
                .filter(|post| post.account_id == target.id)
                .collect();
            assert_eq!(posts.len(), 200, "round {round}");
            for post in &posts {
                let n: u64 = post.external_id.trim_start_matches('p').parse().unwrap();
                let like = 500 + n;
                assert_eq!(
                    post.engagement.get(&EngagementKind::Like),
                    Some(&like),
                    "round {round}, {}: the later observation wins whichever writer came first",
                    post.external_id
                );
                assert_eq!(post.engagement.get(&EngagementKind::Share), Some(&500));
                assert_eq!(store.post_history(post.id).unwrap().len(), 4);
            }
            let range = DateRange::new(day("2026-05-02"), day("2026-05-02")).unwrap();
            let figures: Vec<_> = store
                .daily_metrics(account.user_id, range, &[])
                .unwrap()
                .into_iter()
                .filter(|figure| figure.account_id == target.id)
                .collect();
            assert_eq!(figures.len(), 1, "round {round}: {figures:?}");
            assert_eq!(
                figures[0].value, 500,
                "round {round}: the later figure wins"
            );
        }
    }
);

tally_store::backend_tests!(a_leap_second_is_stored_just_before_the_next_second, |db| {
    let store = db.store();
    let account = creator(&store);
    // PostgreSQL alone would store 23:59:60 as the next second, the same instant as
    // the second observation: a new post's rows must not collide.
    let batch = IngestBatch {
        posts: vec![post("leap", "2026-06-30T10:00:00Z")],
        engagement: vec![
            engagement("leap", EngagementKind::Like, 5, "2026-06-30T23:59:60Z"),
            engagement("leap", EngagementKind::Like, 9, "2026-07-01T00:00:00Z"),
        ],
        ..IngestBatch::default()
    };
    let summary = store.ingest(account.id, &batch).unwrap();
    assert_eq!(summary.observations_created, 2);
    let stored = read_post(&store, account.user_id, "leap");
    assert_eq!(stored.engagement.get(&EngagementKind::Like), Some(&9));
    let history = store.post_history(stored.id).unwrap();
    let times: Vec<String> = history
        .iter()
        .map(|observation| observation.observed_at.to_rfc3339())
        .collect();
    assert_eq!(
        times,
        [
            "2026-06-30T23:59:59.999999+00:00",
            "2026-07-01T00:00:00+00:00"
        ]
    );
});
