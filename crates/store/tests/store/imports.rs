//! The all-or-nothing write path that imports use.

use tally_domain::{AccountMetric, DateRange, EngagementKind, IngestBatch, Platform, UserId};
use tally_store::{
    AccountStore, AnalyticsStore, IMPORTED_HANDLE, ImportStore, ImportTarget, StoreError,
    backend_tests,
};

use crate::fixtures::{account_of, daily, day, engagement, new_user, post, posts_only, read_post};

fn target(user: UserId, platform: Platform, handle: Option<&str>) -> ImportTarget {
    ImportTarget {
        user,
        platform,
        handle: handle.map(str::to_owned),
        base_url: None,
    }
}

backend_tests!(an_import_that_fails_half_way_stores_nothing, |db| {
    let store = db.store();
    let user = store.upsert_user(&new_user(31)).unwrap().id;
    let result = store.ingest_atomically(&mut |writer| {
        let batch = posts_only(vec![post("a", "2026-05-01T10:00:00Z")]);
        writer.write(&target(user, Platform::X, Some("test_creator")), &batch)?;
        Err(StoreError::Invalid("the file ended early".into()))
    });
    assert!(matches!(result, Err(StoreError::Invalid(_))));
    let counts = store.row_counts(user).unwrap();
    assert_eq!(
        (counts.accounts, counts.posts),
        (0, 0),
        "nothing half-written"
    );
});

backend_tests!(imported_records_find_or_create_their_account, |db| {
    let store = db.store();
    let existing = account_of(&store, 32, Platform::Mastodon, "test_creator");
    let user = existing.user_id;
    let summary = store
        .ingest_atomically(&mut |writer| {
            let batch = posts_only(vec![post("m-1", "2026-05-01T10:00:00Z")]);
            let (account, _) = writer.write(&target(user, Platform::Mastodon, None), &batch)?;
            assert_eq!(account, existing.id, "the user's only Mastodon account");
            let batch = posts_only(vec![post("x-1", "2026-05-01T11:00:00Z")]);
            let (named, _) =
                writer.write(&target(user, Platform::X, Some("test_creator")), &batch)?;
            let (again, _) =
                writer.write(&target(user, Platform::X, Some("test_creator")), &batch)?;
            assert_eq!(named, again);
            let batch = posts_only(vec![post("y-1", "2026-05-01T12:00:00Z")]);
            writer.write(&target(user, Platform::YouTube, None), &batch)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(summary.posts_created, 3);
    assert_eq!(summary.posts_updated, 1);
    let accounts = store.accounts(user).unwrap();
    let handles: Vec<(Platform, &str)> = accounts
        .iter()
        .map(|a| (a.platform, a.handle.as_str()))
        .collect();
    assert!(
        handles.contains(&(Platform::YouTube, IMPORTED_HANDLE)),
        "{handles:?}"
    );
    assert_eq!(accounts.len(), 3);
    assert_eq!(store.row_counts(user).unwrap().posts, 3);
});

backend_tests!(an_import_for_an_unknown_user_is_refused, |db| {
    let store = db.store();
    let result = store.ingest_atomically(&mut |writer| {
        writer.write(
            &target(UserId(4_040), Platform::X, Some("a")),
            &posts_only(vec![]),
        )?;
        Ok(())
    });
    assert!(
        matches!(result, Err(StoreError::UnknownUser(UserId(4_040)))),
        "{result:?}"
    );
});

backend_tests!(
    a_named_file_after_an_unnamed_one_fills_the_same_account,
    |db| {
        let store = db.store();
        let user = store.upsert_user(&new_user(33)).unwrap().id;
        let batch = posts_only(vec![post("x-1", "2026-05-01T10:00:00Z")]);
        store
            .ingest_atomically(&mut |writer| {
                writer
                    .write(&target(user, Platform::X, None), &batch)
                    .map(drop)
            })
            .unwrap();
        store
            .ingest_atomically(&mut |writer| {
                writer
                    .write(&target(user, Platform::X, Some("test_creator")), &batch)
                    .map(drop)
            })
            .unwrap();
        let accounts = store.accounts(user).unwrap();
        assert_eq!(accounts.len(), 1, "{accounts:?}");
        assert_eq!(accounts[0].handle, "test_creator");
        assert_eq!(
            store.row_counts(user).unwrap().posts,
            1,
            "the post is stored once"
        );
    }
);

backend_tests!(
    later_batches_of_one_import_build_on_the_earlier_ones,
    |db| {
        let store = db.store();
        let existing = account_of(&store, 33, Platform::Mastodon, "test_creator");
        let user = existing.user_id;
        let mastodon = target(user, Platform::Mastodon, None);
        let followers =
            |value, observed_at| daily("2026-05-02", AccountMetric::Followers, value, observed_at);
        store
            .ingest_atomically(&mut |writer| {
                // A file of posts, then two files of their counters and of a daily figure.
                writer.write(
                    &mastodon,
                    &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
                )?;
                let first = IngestBatch {
                    engagement: vec![
                        engagement("a", EngagementKind::Like, 5, "2026-05-02T10:00:00Z"),
                        engagement("a", EngagementKind::Share, 2, "2026-05-02T10:00:00Z"),
                    ],
                    account_metrics: vec![followers(100, "2026-05-02T23:00:00Z")],
                    ..IngestBatch::default()
                };
                writer.write(&mastodon, &first)?;
                let second = IngestBatch {
                    engagement: vec![
                        // Earlier than the stored like, at the stored share's instant with
                        // another value, and a later like.
                        engagement("a", EngagementKind::Like, 4, "2026-05-01T20:00:00Z"),
                        engagement("a", EngagementKind::Share, 8, "2026-05-02T10:00:00Z"),
                        engagement("a", EngagementKind::Like, 7, "2026-05-03T10:00:00Z"),
                    ],
                    account_metrics: vec![followers(90, "2026-05-02T20:00:00Z")],
                    ..IngestBatch::default()
                };
                writer.write(&mastodon, &second)?;
                Ok(())
            })
            .unwrap();

        let stored = read_post(&store, user, "a");
        assert_eq!(stored.engagement.get(&EngagementKind::Like), Some(&7));
        assert_eq!(
            stored.engagement.get(&EngagementKind::Share),
            Some(&2),
            "the history keeps the value stored first for an instant, and so do the counters"
        );
        assert_eq!(store.post_history(stored.id).unwrap().len(), 4);
        let range = DateRange::new(day("2026-05-02"), day("2026-05-02")).unwrap();
        let figures = store.daily_metrics(user, range, &[]).unwrap();
        assert_eq!(figures.len(), 1, "{figures:?}");
        assert_eq!(
            figures[0].value, 100,
            "the older figure of the later file loses"
        );
    }
);
