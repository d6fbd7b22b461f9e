//! Per-user data versions: every write path raises the writer's user's version, in the
//! same transaction, and a second store on the same database (another process) sees it.

use tally_domain::{Platform, UserId};
use tally_store::{
    AccountStore, AnalyticsStore, ImportStore, ImportTarget, IngestStore, StoreError, backend_tests,
};

use crate::fixtures::{account_of, new_user, post, posts_only};

fn version(store: &impl AnalyticsStore, user: UserId) -> i64 {
    store
        .data_version(user)
        .unwrap()
        .expect("a stored user has a data version")
}

backend_tests!(an_unknown_user_has_no_data_version, |db| {
    let store = db.store();
    assert_eq!(store.data_version(UserId(404)).unwrap(), None);
});

backend_tests!(every_write_path_raises_the_data_version, |db| {
    let store = db.store();
    let account = account_of(&store, 41, Platform::Mastodon, "test_creator");
    let user = account.user_id;
    let created = version(&store, user);

    store
        .ingest(
            account.id,
            &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    let ingested = version(&store, user);
    assert!(ingested > created, "ingest: {ingested} after {created}");

    // Storing the same batch again changes nothing, but still never lowers the version.
    store
        .ingest(
            account.id,
            &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    let again = version(&store, user);
    assert!(again > ingested);

    store
        .ingest_atomically(&mut |writer| {
            let target = ImportTarget {
                user,
                platform: Platform::X,
                handle: Some("test_creator".into()),
                base_url: None,
            };
            writer.write(
                &target,
                &posts_only(vec![post("b", "2026-05-02T10:00:00Z")]),
            )?;
            Ok(())
        })
        .unwrap();
    let imported = version(&store, user);
    assert!(imported > again, "import: {imported} after {again}");

    assert!(store.delete_account(user, account.id).unwrap());
    let deleted = version(&store, user);
    assert!(
        deleted > imported,
        "account deletion: {deleted} after {imported}"
    );

    store.upsert_user(&new_user(41)).unwrap();
    assert!(version(&store, user) > deleted, "user update");
});

backend_tests!(a_write_by_another_store_is_seen_by_this_one, |db| {
    let reader = db.store();
    let writer = db.store();
    let account = account_of(&writer, 42, Platform::Bluesky, "test_creator");
    let before = version(&reader, account.user_id);

    writer
        .ingest(
            account.id,
            &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    assert!(version(&reader, account.user_id) > before);
});

backend_tests!(a_failed_write_leaves_the_data_version_alone, |db| {
    let store = db.store();
    let user = store.upsert_user(&new_user(43)).unwrap().id;
    let before = version(&store, user);
    let result = store.ingest_atomically(&mut |writer| {
        let target = ImportTarget {
            user,
            platform: Platform::X,
            handle: Some("test_creator".into()),
            base_url: None,
        };
        writer.write(
            &target,
            &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
        )?;
        Err(StoreError::Invalid("the file ended early".into()))
    });
    assert!(result.is_err());
    assert_eq!(version(&store, user), before, "rolled back with the data");
});

backend_tests!(other_users_keep_their_data_version, |db| {
    let store = db.store();
    let mine = account_of(&store, 44, Platform::Mastodon, "test_creator");
    let other = account_of(&store, 45, Platform::Mastodon, "test_creator");
    let before = version(&store, other.user_id);
    store
        .ingest(
            mine.id,
            &posts_only(vec![post("a", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    assert_eq!(version(&store, other.user_id), before);
});
