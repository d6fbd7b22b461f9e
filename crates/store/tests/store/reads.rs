//! The reads analyses are built from: ranges, filters, ordering and ownership.

use tally_domain::{
    AccountMetric, DateRange, EngagementKind, IngestBatch, PerformanceMetric, Platform, PostId,
    PostMetric, UserId,
};
use tally_store::{AnalyticsStore, IngestStore, PostQuery};

use crate::fixtures::{
    account_of, all_posts, at, creator, daily, day, engagement, execute_sql, one_post_with_a_like,
    performance, post, posts_only, read_post,
};

fn external_ids(store: &tally_store::DieselStore, query: &PostQuery) -> Vec<String> {
    store
        .posts(query)
        .unwrap()
        .into_iter()
        .map(|post| post.external_id)
        .collect()
}

tally_store::backend_tests!(
    posts_are_read_within_a_half_open_range_in_time_order,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let batch = posts_only(vec![
            post("at_until", "2026-05-08T00:00:00Z"),
            post("inside_late", "2026-05-07T23:59:59.999999Z"),
            post("before_from", "2026-04-30T23:59:59.999999Z"),
            post("inside_mid", "2026-05-03T12:00:00Z"),
            post("at_from", "2026-05-01T00:00:00Z"),
            post("tie_b", "2026-05-03T12:00:00Z"),
        ]);
        store.ingest(account.id, &batch).unwrap();

        let query = PostQuery {
            user: account.user_id,
            from: at("2026-05-01T00:00:00Z"),
            until: at("2026-05-08T00:00:00Z"),
            platforms: Vec::new(),
        };
        // Posts published at the same instant come in the order they were first stored.
        assert_eq!(
            external_ids(&store, &query),
            ["at_from", "inside_mid", "tie_b", "inside_late"]
        );

        let empty = PostQuery {
            until: query.from,
            ..query.clone()
        };
        assert!(store.posts(&empty).unwrap().is_empty());
        assert!(
            store.posts(&all_posts(UserId(2))).unwrap().is_empty(),
            "another user has none"
        );
    }
);

tally_store::backend_tests!(posts_are_filtered_by_platform, |db| {
    let store = db.store();
    let mastodon = creator(&store);
    let youtube = account_of(&store, 1, Platform::YouTube, "test_channel");
    let stranger = account_of(&store, 2, Platform::YouTube, "another_channel");
    store
        .ingest(
            mastodon.id,
            &posts_only(vec![post("toot", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    store
        .ingest(
            youtube.id,
            &posts_only(vec![post("video", "2026-05-02T10:00:00Z")]),
        )
        .unwrap();
    store
        .ingest(
            stranger.id,
            &posts_only(vec![post("theirs", "2026-05-03T10:00:00Z")]),
        )
        .unwrap();

    let with = |platforms: Vec<Platform>| PostQuery {
        platforms,
        ..all_posts(UserId(1))
    };
    assert_eq!(external_ids(&store, &with(vec![])), ["toot", "video"]);
    assert_eq!(
        external_ids(&store, &with(vec![Platform::YouTube])),
        ["video"]
    );
    assert_eq!(
        external_ids(&store, &with(vec![Platform::Mastodon])),
        ["toot"]
    );
    assert_eq!(
        external_ids(&store, &with(vec![Platform::YouTube, Platform::Mastodon])),
        ["toot", "video"]
    );
    assert!(external_ids(&store, &with(vec![Platform::X])).is_empty());

    let video = read_post(&store, UserId(1), "video");
    assert_eq!(video.platform, Platform::YouTube);
    assert_eq!(video.account_id, youtube.id);
});

tally_store::backend_tests!(a_single_post_is_read_only_by_its_owner, |db| {
    let store = db.store();
    let mine = creator(&store);
    let theirs = account_of(&store, 2, Platform::Mastodon, "another_creator");
    let mut batch = posts_only(vec![post("p1", "2026-05-01T10:00:00Z")]);
    batch.engagement.push(engagement(
        "p1",
        EngagementKind::Like,
        3,
        "2026-05-01T12:00:00Z",
    ));
    store.ingest(mine.id, &batch).unwrap();
    store
        .ingest(
            theirs.id,
            &posts_only(vec![post("p1", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();

    let own = read_post(&store, mine.user_id, "p1");
    let other = read_post(&store, theirs.user_id, "p1");
    assert_ne!(own.id, other.id);

    assert_eq!(store.post(mine.user_id, own.id).unwrap(), Some(own.clone()));
    assert_eq!(own.engagement.get(&EngagementKind::Like), Some(&3));
    assert_eq!(store.post(mine.user_id, other.id).unwrap(), None);
    assert_eq!(store.post(theirs.user_id, own.id).unwrap(), None);
    assert_eq!(
        store
            .post(mine.user_id, PostId(own.id.get() + 1_000))
            .unwrap(),
        None
    );
});

tally_store::backend_tests!(post_history_is_oldest_first, |db| {
    let store = db.store();
    let account = creator(&store);
    let mut first = posts_only(vec![post("p1", "2026-05-01T10:00:00Z")]);
    first.engagement = vec![
        engagement("p1", EngagementKind::Like, 9, "2026-05-03T12:00:00Z"),
        engagement("p1", EngagementKind::Like, 2, "2026-05-01T12:00:00Z"),
    ];
    store.ingest(account.id, &first).unwrap();
    let second = IngestBatch {
        engagement: vec![engagement(
            "p1",
            EngagementKind::Like,
            5,
            "2026-05-02T12:00:00Z",
        )],
        performance: vec![performance(
            "p1",
            PerformanceMetric::Reach,
            80,
            "2026-05-01T18:00:00Z",
        )],
        ..IngestBatch::default()
    };
    store.ingest(account.id, &second).unwrap();

    let stored = read_post(&store, account.user_id, "p1");
    let history: Vec<(PostMetric, String, u64)> = store
        .post_history(stored.id)
        .unwrap()
        .into_iter()
        .map(|seen| (seen.metric, seen.observed_at.to_rfc3339(), seen.value))
        .collect();
    let like = PostMetric::Engagement(EngagementKind::Like);
    let reach = PostMetric::Performance(PerformanceMetric::Reach);
    assert_eq!(
        history,
        [
            (like, "2026-05-01T12:00:00+00:00".to_owned(), 2),
            (reach, "2026-05-01T18:00:00+00:00".to_owned(), 80),
            (like, "2026-05-02T12:00:00+00:00".to_owned(), 5),
            (like, "2026-05-03T12:00:00+00:00".to_owned(), 9),
        ]
    );
    assert!(
        store
            .post_history(PostId(stored.id.get() + 1_000))
            .unwrap()
            .is_empty()
    );
});

tally_store::backend_tests!(
    daily_metrics_are_read_by_inclusive_range_and_platform,
    |db| {
        let store = db.store();
        let mastodon = creator(&store);
        let youtube = account_of(&store, 1, Platform::YouTube, "test_channel");
        let stranger = account_of(&store, 2, Platform::Mastodon, "another_creator");
        let days = [
            "2026-05-01",
            "2026-05-02",
            "2026-05-03",
            "2026-05-04",
            "2026-05-05",
        ];
        for (account, base) in [(&mastodon, 100), (&youtube, 200), (&stranger, 300)] {
            let batch = IngestBatch {
                account_metrics: days
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(offset, day)| {
                        let observed_at = format!("{day}T23:00:00Z");
                        let value = base + offset as u64;
                        daily(day, AccountMetric::Followers, value, &observed_at)
                    })
                    .collect(),
                ..IngestBatch::default()
            };
            store.ingest(account.id, &batch).unwrap();
        }

        let range = DateRange::new(day("2026-05-02"), day("2026-05-04")).unwrap();
        let all = store.daily_metrics(UserId(1), range, &[]).unwrap();
        let seen: Vec<(String, Platform, u64)> = all
            .iter()
            .map(|row| {
                assert_eq!(row.metric, AccountMetric::Followers);
                (row.day.to_string(), row.platform, row.value)
            })
            .collect();
        let expected = [
            ("2026-05-02", Platform::Mastodon, 101),
            ("2026-05-02", Platform::YouTube, 201),
            ("2026-05-03", Platform::Mastodon, 102),
            ("2026-05-03", Platform::YouTube, 202),
            ("2026-05-04", Platform::Mastodon, 103),
            ("2026-05-04", Platform::YouTube, 203),
        ]
        .map(|(day, platform, value)| (day.to_owned(), platform, value));
        assert_eq!(seen, expected);

        let youtube_only = store
            .daily_metrics(UserId(1), range, &[Platform::YouTube])
            .unwrap();
        assert_eq!(youtube_only.len(), 3);
        assert!(youtube_only.iter().all(|row| row.account_id == youtube.id));
        assert!(
            store
                .daily_metrics(UserId(1), range, &[Platform::X])
                .unwrap()
                .is_empty()
        );

        let one_day = DateRange::new(day("2026-05-05"), day("2026-05-05")).unwrap();
        assert_eq!(
            store.daily_metrics(UserId(1), one_day, &[]).unwrap().len(),
            2
        );
        assert_eq!(store.daily_metrics(UserId(2), range, &[]).unwrap().len(), 3);
    }
);

tally_store::backend_tests!(
    posts_carry_their_own_latest_counters_after_statistics_refresh,
    |db| {
        let store = db.store();
        let mine = creator(&store);
        let theirs = account_of(&store, 2, Platform::Mastodon, "another_creator");
        // Stored in an order unlike publishing order, so post ids and time order differ.
        let mut batch = posts_only(vec![
            post("late", "2026-05-03T10:00:00Z"),
            post("early", "2026-05-01T10:00:00Z"),
            post("quiet", "2026-05-02T10:00:00Z"),
        ]);
        batch.engagement = vec![
            engagement("late", EngagementKind::Like, 30, "2026-05-04T12:00:00Z"),
            engagement("late", EngagementKind::Like, 31, "2026-05-05T12:00:00Z"),
            engagement("early", EngagementKind::Comment, 7, "2026-05-02T12:00:00Z"),
        ];
        batch.performance = vec![performance(
            "early",
            PerformanceMetric::Reach,
            700,
            "2026-05-02T12:00:00Z",
        )];
        store.ingest(mine.id, &batch).unwrap();
        let mut other = posts_only(vec![post("late", "2026-05-03T10:00:00Z")]);
        other.engagement = vec![engagement(
            "late",
            EngagementKind::Like,
            999,
            "2026-05-04T12:00:00Z",
        )];
        store.ingest(theirs.id, &other).unwrap();
        store.refresh_statistics().unwrap();

        let posts = store.posts(&all_posts(mine.user_id)).unwrap();
        let ids: Vec<&str> = posts.iter().map(|post| post.external_id.as_str()).collect();
        assert_eq!(ids, ["early", "quiet", "late"]);
        assert_eq!(posts[0].engagement.get(&EngagementKind::Comment), Some(&7));
        assert_eq!(
            posts[0].performance.get(&PerformanceMetric::Reach),
            Some(&700)
        );
        assert!(posts[1].engagement.is_empty() && posts[1].performance.is_empty());
        assert_eq!(posts[2].engagement.len(), 1, "only its own counters");
        assert_eq!(posts[2].engagement.get(&EngagementKind::Like), Some(&31));
        assert_eq!(posts[2], read_post(&store, mine.user_id, "late"));
    }
);

/// Runs `statement` on the store's database directly, as a tool other than tally would.
fn execute_raw(store: &tally_store::DieselStore, statement: &str) {
    let mut conn = store.connection().unwrap();
    execute_sql(&mut conn, statement).unwrap();
}

/// Stores, for a new creator (user 1), one post with one like and one day's followers.
fn store_one_post_and_one_day(store: &tally_store::DieselStore) {
    let account = creator(store);
    let batch = IngestBatch {
        account_metrics: vec![daily(
            "2026-05-02",
            AccountMetric::Followers,
            10,
            "2026-05-02T23:00:00Z",
        )],
        ..one_post_with_a_like()
    };
    store.ingest(account.id, &batch).unwrap();
}

tally_store::backend_tests!(
    names_changed_from_outside_are_reported_as_corrupt_data,
    |db| {
        let store = db.store();
        store_one_post_and_one_day(&store);
        let range = DateRange::new(day("2026-05-01"), day("2026-05-03")).unwrap();
        assert_eq!(store.posts(&all_posts(UserId(1))).unwrap().len(), 1);

        // Both reads of posts report a stored name tally does not know, quoting it.
        let posts_are_corrupt = |name: &str| {
            let post = store.posts(&all_posts(UserId(1))).unwrap_err();
            let one = store.post(UserId(1), PostId(1)).unwrap_err();
            for error in [post, one] {
                assert!(
                    matches!(error, tally_store::StoreError::Corrupt(_)),
                    "{error:?}"
                );
                assert!(error.to_string().contains(&format!("'{name}'")), "{error}");
            }
        };

        execute_raw(&store, "UPDATE posts SET counters = 'like=1,hearts=2'");
        posts_are_corrupt("hearts");

        // Counters in a form tally does not write are invalid data, not a failed query.
        execute_raw(&store, "UPDATE posts SET counters = 'like=many'");
        let error = store.posts(&all_posts(UserId(1))).unwrap_err();
        assert!(
            matches!(error, tally_store::StoreError::Invalid(_)),
            "{error:?}"
        );
        assert!(error.to_string().contains("like=many"), "{error}");

        execute_raw(&store, "UPDATE posts SET counters = 'like=1'");
        assert_eq!(store.posts(&all_posts(UserId(1))).unwrap().len(), 1);
        execute_raw(&store, "UPDATE posts SET content_type = 'hologram'");
        posts_are_corrupt("hologram");

        execute_raw(
            &store,
            "UPDATE account_daily_metrics SET platform = 'myspace'",
        );
        let error = store.daily_metrics(UserId(1), range, &[]).unwrap_err();
        assert!(
            matches!(error, tally_store::StoreError::Corrupt(_)),
            "{error:?}"
        );
        assert!(error.to_string().contains("'myspace'"), "{error}");
    }
);

#[test]
fn timestamps_written_in_other_forms_are_still_read() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Sqlite)
    else {
        return;
    };
    let store = db.store();
    store_one_post_and_one_day(&store);
    // SQLite keeps whatever text it is given; another tool may write ISO 8601 with a `T`.
    execute_raw(
        &store,
        "UPDATE posts SET published_at = '2026-05-01T12:30:00.250'",
    );
    execute_raw(
        &store,
        "UPDATE account_daily_metrics SET observed_at = '2026-05-02T23:15:00'",
    );
    let posts = store.posts(&all_posts(UserId(1))).unwrap();
    assert_eq!(posts[0].published_at, at("2026-05-01T12:30:00.250Z"));
    let range = DateRange::new(day("2026-05-01"), day("2026-05-03")).unwrap();
    let daily = store.daily_metrics(UserId(1), range, &[]).unwrap();
    assert_eq!(daily[0].observed_at, at("2026-05-02T23:15:00Z"));
}
