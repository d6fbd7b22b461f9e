//! Users and their connected accounts.

use tally_domain::{NewUser, Platform, UserId};
use tally_store::{AccountStore, StoreError};

use crate::fixtures::{account_of, counts, new_account, new_user, only_accounts};

tally_store::backend_tests!(upserting_a_user_again_updates_the_same_row, |db| {
    let store = db.store();
    let first = store.upsert_user(&new_user(1)).unwrap();
    assert_eq!(first.id, UserId(1));
    assert_eq!(first.name, "Test Creator 1");
    assert_eq!(first.timezone, "Europe/Berlin");

    let renamed = NewUser {
        id: UserId(1),
        name: "Renamed Creator".into(),
        timezone: "America/Chicago".into(),
    };
    let second = store.upsert_user(&renamed).unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.name, "Renamed Creator");
    assert_eq!(second.timezone, "America/Chicago");
    assert_eq!(second.created_at, first.created_at, "creation time is kept");

    assert_eq!(store.upsert_user(&renamed).unwrap(), second, "idempotent");
    assert_eq!(store.user(UserId(1)).unwrap(), Some(second));
    assert_eq!(store.user(UserId(2)).unwrap(), None);
});

tally_store::backend_tests!(upserting_an_account_again_updates_the_same_row, |db| {
    let store = db.store();
    let user = store.upsert_user(&new_user(1)).unwrap().id;
    let mut account = new_account(user, Platform::Mastodon, "test_creator");
    account.base_url = Some("https://social.example".into());
    let first = store.upsert_account(&account).unwrap();
    assert_eq!(first.user_id, user);
    assert_eq!(first.platform, Platform::Mastodon);
    assert_eq!(first.handle, "test_creator");
    assert_eq!(first.base_url.as_deref(), Some("https://social.example"));

    account.base_url = Some("https://other.example".into());
    let second = store.upsert_account(&account).unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.created_at, first.created_at);
    assert_eq!(second.base_url.as_deref(), Some("https://other.example"));
    assert_eq!(
        store.upsert_account(&account).unwrap(),
        second,
        "idempotent"
    );
    assert_eq!(store.accounts(user).unwrap(), vec![second.clone()]);

    // Another handle, or the same handle on another platform, is another account.
    let other_handle = store
        .upsert_account(&new_account(user, Platform::Mastodon, "test_creator_2"))
        .unwrap();
    let other_platform = store
        .upsert_account(&new_account(user, Platform::Bluesky, "test_creator"))
        .unwrap();
    assert_ne!(other_handle.id, second.id);
    assert_ne!(other_platform.id, second.id);
    assert_ne!(other_platform.id, other_handle.id);
    assert_eq!(counts(&store, user), only_accounts(3));
});

tally_store::backend_tests!(an_account_needs_an_existing_user, |db| {
    let store = db.store();
    store.upsert_user(&new_user(1)).unwrap();

    let error = store
        .upsert_account(&new_account(UserId(99), Platform::X, "test_creator"))
        .unwrap_err();
    assert!(
        matches!(error, StoreError::UnknownUser(UserId(99))),
        "{error:?}"
    );
    assert_eq!(store.accounts(UserId(99)).unwrap(), vec![]);
    assert_eq!(store.user(UserId(99)).unwrap(), None);
});

tally_store::backend_tests!(accounts_are_ordered_by_platform_then_handle, |db| {
    let store = db.store();
    // Platforms whose names sort the same way as their declaration order.
    let inserted = [
        (Platform::YouTube, "b_channel"),
        (Platform::Mastodon, "z_creator"),
        (Platform::X, "m_creator"),
        (Platform::Mastodon, "a_creator"),
        (Platform::YouTube, "a_channel"),
    ];
    for (platform, handle) in inserted {
        account_of(&store, 1, platform, handle);
    }
    account_of(&store, 2, Platform::Mastodon, "another_creator");

    let listed: Vec<(Platform, String)> = store
        .accounts(UserId(1))
        .unwrap()
        .into_iter()
        .map(|account| {
            assert_eq!(account.user_id, UserId(1));
            (account.platform, account.handle)
        })
        .collect();
    let expected = [
        (Platform::Mastodon, "a_creator"),
        (Platform::Mastodon, "z_creator"),
        (Platform::X, "m_creator"),
        (Platform::YouTube, "a_channel"),
        (Platform::YouTube, "b_channel"),
    ]
    .map(|(platform, handle)| (platform, handle.to_owned()));
    assert_eq!(listed, expected);
    assert_eq!(store.accounts(UserId(2)).unwrap().len(), 1);
});
