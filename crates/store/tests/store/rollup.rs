//! Latest values: only a later observation replaces one, unknown counters stay unknown,
//! and instants keep exactly microseconds on both backends.

use tally_domain::{
    AccountMetric, DateRange, EngagementKind, IngestBatch, PerformanceMetric, PostMetric,
    PostObservation,
};
use tally_store::{AnalyticsStore, IngestStore, PostQuery};

use crate::fixtures::{
    at, creator, daily, day, engagement, execute_sql, performance, post, read_post,
};

fn observations(
    engagement: Vec<tally_domain::EngagementRecord>,
    performance: Vec<tally_domain::PerformanceRecord>,
) -> IngestBatch {
    IngestBatch {
        engagement,
        performance,
        ..IngestBatch::default()
    }
}

tally_store::backend_tests!(only_a_later_observation_replaces_the_latest_value, |db| {
    let store = db.store();
    let account = creator(&store);
    let user = account.user_id;
    let mut batch = observations(
        vec![engagement(
            "p1",
            EngagementKind::Like,
            10,
            "2026-05-01T12:00:00Z",
        )],
        vec![performance(
            "p1",
            PerformanceMetric::Reach,
            500,
            "2026-05-01T12:00:00Z",
        )],
    );
    batch.posts.push(post("p1", "2026-05-01T10:00:00Z"));
    store.ingest(account.id, &batch).unwrap();

    let older = observations(
        vec![engagement(
            "p1",
            EngagementKind::Like,
            3,
            "2026-05-01T11:00:00Z",
        )],
        vec![performance(
            "p1",
            PerformanceMetric::Reach,
            50,
            "2026-05-01T11:00:00Z",
        )],
    );
    let summary = store.ingest(account.id, &older).unwrap();
    assert_eq!(
        summary.observations_created, 2,
        "older observations still join the history"
    );
    let stored = read_post(&store, user, "p1");
    assert_eq!(stored.engagement.get(&EngagementKind::Like), Some(&10));
    assert_eq!(
        stored.performance.get(&PerformanceMetric::Reach),
        Some(&500)
    );
    assert_eq!(store.post_history(stored.id).unwrap().len(), 4);

    let newer = observations(
        vec![engagement(
            "p1",
            EngagementKind::Like,
            25,
            "2026-05-02T12:00:00Z",
        )],
        vec![performance(
            "p1",
            PerformanceMetric::Reach,
            900,
            "2026-05-02T12:00:00Z",
        )],
    );
    store.ingest(account.id, &newer).unwrap();
    let stored = read_post(&store, user, "p1");
    assert_eq!(stored.engagement.get(&EngagementKind::Like), Some(&25));
    assert_eq!(
        stored.performance.get(&PerformanceMetric::Reach),
        Some(&900)
    );

    // Within one batch the latest observation wins whatever the order of the records.
    let mixed = observations(
        vec![
            engagement("p1", EngagementKind::Like, 40, "2026-05-04T12:00:00Z"),
            engagement("p1", EngagementKind::Like, 30, "2026-05-03T12:00:00Z"),
        ],
        Vec::new(),
    );
    store.ingest(account.id, &mixed).unwrap();
    let stored = read_post(&store, user, "p1");
    assert_eq!(stored.engagement.get(&EngagementKind::Like), Some(&40));
    assert_eq!(
        stored.performance.get(&PerformanceMetric::Reach),
        Some(&900),
        "a counter the batch did not observe keeps its value"
    );
});

tally_store::backend_tests!(
    a_resent_observation_changes_neither_history_nor_latest,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let mut batch = observations(
            vec![engagement(
                "p1",
                EngagementKind::Like,
                10,
                "2026-05-01T12:00:00Z",
            )],
            Vec::new(),
        );
        batch.posts.push(post("p1", "2026-05-01T10:00:00Z"));
        store.ingest(account.id, &batch).unwrap();

        // The same counter at the same instant with another value is not a later observation.
        let resent = observations(
            vec![engagement(
                "p1",
                EngagementKind::Like,
                12,
                "2026-05-01T12:00:00Z",
            )],
            Vec::new(),
        );
        let summary = store.ingest(account.id, &resent).unwrap();
        assert_eq!(
            (summary.observations_created, summary.observations_skipped),
            (0, 1)
        );

        let stored = read_post(&store, account.user_id, "p1");
        let history = store.post_history(stored.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].value, 10);
        assert_eq!(
            stored.engagement.get(&EngagementKind::Like),
            Some(&history[0].value),
            "the latest value agrees with the history"
        );
    }
);

tally_store::backend_tests!(only_a_later_daily_figure_replaces_the_stored_one, |db| {
    let store = db.store();
    let account = creator(&store);
    let range = DateRange::new(day("2026-05-01"), day("2026-05-01")).unwrap();
    let followers = |value, observed_at| IngestBatch {
        account_metrics: vec![daily(
            "2026-05-01",
            AccountMetric::Followers,
            value,
            observed_at,
        )],
        ..IngestBatch::default()
    };
    let stored_value = || {
        let rows = store.daily_metrics(account.user_id, range, &[]).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        rows[0].value
    };

    let first = store
        .ingest(account.id, &followers(100, "2026-05-01T22:00:00Z"))
        .unwrap();
    assert_eq!(
        (first.daily_metrics_written, first.daily_metrics_skipped),
        (1, 0)
    );

    let older = store
        .ingest(account.id, &followers(90, "2026-05-01T20:00:00Z"))
        .unwrap();
    assert_eq!(
        (older.daily_metrics_written, older.daily_metrics_skipped),
        (0, 1)
    );
    assert_eq!(stored_value(), 100);

    let newer = store
        .ingest(account.id, &followers(110, "2026-05-01T23:30:00Z"))
        .unwrap();
    assert_eq!(
        (newer.daily_metrics_written, newer.daily_metrics_skipped),
        (1, 0)
    );
    assert_eq!(stored_value(), 110);

    // Within one batch the latest observation of the day wins.
    let mut both = followers(130, "2026-05-02T01:00:00Z");
    both.account_metrics.push(daily(
        "2026-05-01",
        AccountMetric::Followers,
        120,
        "2026-05-02T00:30:00Z",
    ));
    let summary = store.ingest(account.id, &both).unwrap();
    assert_eq!(stored_value(), 130);
    assert_eq!(
        (summary.daily_metrics_written, summary.daily_metrics_skipped),
        (1, 1),
        "the record the batch's later one replaced counts as skipped"
    );
});

tally_store::backend_tests!(a_counter_never_reported_stays_absent, |db| {
    let store = db.store();
    let account = creator(&store);
    let mut batch = observations(
        vec![engagement(
            "p1",
            EngagementKind::Like,
            0,
            "2026-05-01T12:00:00Z",
        )],
        Vec::new(),
    );
    batch.posts.push(post("p1", "2026-05-01T10:00:00Z"));
    batch.posts.push(post("silent", "2026-05-01T11:00:00Z"));
    store.ingest(account.id, &batch).unwrap();

    let reported = read_post(&store, account.user_id, "p1");
    assert_eq!(
        reported.engagement.into_iter().collect::<Vec<_>>(),
        vec![(EngagementKind::Like, 0)],
        "a reported zero is kept, nothing else appears"
    );
    assert!(reported.performance.is_empty());

    let silent = read_post(&store, account.user_id, "silent");
    assert!(silent.engagement.is_empty());
    assert!(silent.performance.is_empty());
    assert_eq!(silent.interactions(), None);
    assert_eq!(
        store.post(account.user_id, silent.id).unwrap(),
        Some(silent)
    );
});

tally_store::backend_tests!(instants_keep_exactly_microseconds, |db| {
    let store = db.store();
    let account = creator(&store);
    let batch = IngestBatch {
        posts: vec![post("p1", "2026-05-01T10:00:00.123456789Z")],
        engagement: vec![engagement(
            "p1",
            EngagementKind::Like,
            5,
            "2026-05-01T12:00:00.000001999Z",
        )],
        performance: vec![performance(
            "p1",
            PerformanceMetric::Impressions,
            50,
            "2026-05-01T12:00:00.999999999Z",
        )],
        account_metrics: vec![daily(
            "2026-05-01",
            AccountMetric::Reach,
            9,
            "2026-05-01T23:59:59.500000500Z",
        )],
    };
    store.ingest(account.id, &batch).unwrap();

    let stored = read_post(&store, account.user_id, "p1");
    assert_eq!(stored.published_at, at("2026-05-01T10:00:00.123456Z"));
    assert_eq!(
        store.post_history(stored.id).unwrap(),
        vec![
            PostObservation {
                metric: PostMetric::Engagement(EngagementKind::Like),
                observed_at: at("2026-05-01T12:00:00.000001Z"),
                value: 5,
            },
            PostObservation {
                metric: PostMetric::Performance(PerformanceMetric::Impressions),
                observed_at: at("2026-05-01T12:00:00.999999Z"),
                value: 50,
            },
        ]
    );

    // An instant that differs only below a microsecond is the same stored instant.
    let again = IngestBatch {
        engagement: vec![engagement(
            "p1",
            EngagementKind::Like,
            5,
            "2026-05-01T12:00:00.000001001Z",
        )],
        ..IngestBatch::default()
    };
    let summary = store.ingest(account.id, &again).unwrap();
    assert_eq!(
        (summary.observations_created, summary.observations_skipped),
        (0, 1)
    );
    assert_eq!(store.post_history(stored.id).unwrap().len(), 2);

    // Query bounds finer than a microsecond still compare as instants.
    let query = |from: &str, until: &str| PostQuery {
        user: account.user_id,
        from: at(from),
        until: at(until),
        platforms: Vec::new(),
    };
    let published = "2026-05-01T10:00:00.123456Z";
    assert_eq!(
        store
            .posts(&query(published, "2026-05-02T00:00:00Z"))
            .unwrap()
            .len(),
        1
    );
    let just_after = "2026-05-01T10:00:00.123456001Z";
    assert_eq!(
        store
            .posts(&query(just_after, "2026-05-02T00:00:00Z"))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        store
            .posts(&query("2026-05-01T00:00:00Z", published))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        store
            .posts(&query("2026-05-01T00:00:00Z", just_after))
            .unwrap()
            .len(),
        1
    );
});

tally_store::backend_tests!(
    counters_missing_or_unreadable_are_rebuilt_from_the_history,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let user = account.user_id;
        let like_and_reach = observations(
            vec![engagement(
                "p1",
                EngagementKind::Like,
                3,
                "2026-05-02T00:00:00Z",
            )],
            vec![performance(
                "p1",
                PerformanceMetric::Reach,
                70,
                "2026-05-02T00:00:00Z",
            )],
        );
        let mut batch = like_and_reach;
        batch.posts = vec![post("p1", "2026-05-01T12:00:00Z")];
        store.ingest(account.id, &batch).unwrap();

        for (round, (stored_text, kind)) in [
            ("'like=oops'", EngagementKind::Share),
            ("NULL", EngagementKind::Comment),
        ]
        .into_iter()
        .enumerate()
        {
            let mut conn = store.connection().unwrap();
            execute_sql(
                &mut conn,
                &format!("UPDATE posts SET counters = {stored_text}"),
            )
            .unwrap();
            drop(conn);
            let later = format!("2026-05-0{}T00:00:00Z", round + 3);
            let one_more = observations(vec![engagement("p1", kind, 4, &later)], Vec::new());
            store.ingest(account.id, &one_more).unwrap();

            let stored = read_post(&store, user, "p1");
            assert_eq!(
                stored.engagement.get(&EngagementKind::Like),
                Some(&3),
                "{stored_text}"
            );
            assert_eq!(stored.engagement.get(&kind), Some(&4), "{stored_text}");
            assert_eq!(
                stored.performance.get(&PerformanceMetric::Reach),
                Some(&70),
                "{stored_text}"
            );
        }
    }
);

tally_store::backend_tests!(
    of_records_at_one_stored_instant_in_a_batch_the_first_stays,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let user = account.user_id;
        // Records of two posts interleaved; p1's two likes share a stored instant.
        let records = |first: u64, second: u64, when: &str, just_after: &str| {
            vec![
                engagement("p1", EngagementKind::Like, first, when),
                engagement("p2", EngagementKind::Like, 1, when),
                engagement("p1", EngagementKind::Like, second, just_after),
            ]
        };
        let mut batch = observations(
            records(3, 5, "2026-05-02T00:00:00Z", "2026-05-02T00:00:00.0000001Z"),
            Vec::new(),
        );
        batch.posts = vec![
            post("p1", "2026-05-01T12:00:00Z"),
            post("p2", "2026-05-01T12:00:00Z"),
        ];
        let summary = store.ingest(account.id, &batch).unwrap();
        assert_eq!(
            (summary.observations_created, summary.observations_skipped),
            (2, 1),
            "every record is counted once"
        );
        let stored = read_post(&store, user, "p1");
        assert_eq!(
            stored.engagement.get(&EngagementKind::Like),
            Some(&3),
            "new post"
        );
        let history = store.post_history(stored.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].value, 3);

        // The same for a stored post, at a later instant.
        let later = observations(
            records(7, 6, "2026-05-03T00:00:00Z", "2026-05-03T00:00:00.0000009Z"),
            Vec::new(),
        );
        let summary = store.ingest(account.id, &later).unwrap();
        assert_eq!(
            (summary.observations_created, summary.observations_skipped),
            (2, 1)
        );
        let stored = read_post(&store, user, "p1");
        assert_eq!(
            stored.engagement.get(&EngagementKind::Like),
            Some(&7),
            "stored post"
        );
        let history = store.post_history(stored.id).unwrap();
        assert_eq!(history.iter().map(|o| o.value).collect::<Vec<_>>(), [3, 7]);

        // A third batch at that instant, as a file split into batches would send it: the
        // value recorded first still stays, in the history and in the counters.
        let again = observations(
            vec![engagement(
                "p1",
                EngagementKind::Like,
                9,
                "2026-05-03T00:00:00Z",
            )],
            Vec::new(),
        );
        let summary = store.ingest(account.id, &again).unwrap();
        assert_eq!(
            (summary.observations_created, summary.observations_skipped),
            (0, 1)
        );
        let stored = read_post(&store, user, "p1");
        assert_eq!(stored.engagement.get(&EngagementKind::Like), Some(&7));
        assert_eq!(store.post_history(stored.id).unwrap().len(), 2);
    }
);
