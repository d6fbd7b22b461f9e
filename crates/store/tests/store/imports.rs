//! The all-or-nothing write path that imports use.

use tally_domain::{Platform, UserId};
use tally_store::{
    AccountStore, AnalyticsStore, IMPORTED_HANDLE, ImportStore, ImportTarget, StoreError,
    backend_tests,
};

use crate::fixtures::{account_of, new_user, post, posts_only};

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
