//! Credentials at rest: encrypted in the column, readable only with the key they were
//! written under, and movable to a new key.

use diesel::prelude::*;
use tally_domain::{AccountId, AccountUpdate, Platform, Secret};
use tally_store::schema::accounts;
use tally_store::{AccountStore, DbConnection, DieselStore, SecretKey, StoreError, backend_tests};

use crate::fixtures::{account_of, new_account};

/// The credential column of `account` exactly as stored, read without the store's help.
fn raw_credential(store: &DieselStore, account: AccountId) -> Option<String> {
    let mut conn = store.connection().unwrap();
    let query = accounts::table
        .find(account.get())
        .select(accounts::credential);
    match &mut *conn {
        DbConnection::Sqlite(c) => query.first(c),
        DbConnection::Postgres(c) => query.first(c),
    }
    .unwrap()
}

/// Connects `handle` on Mastodon for user 1 with `token` as its credential.
fn connect(store: &DieselStore, handle: &str, token: &str) -> AccountId {
    let account = account_of(store, 1, Platform::Mastodon, handle);
    let mut with_token = new_account(account.user_id, account.platform, handle);
    with_token.credential = Some(Secret::new(token));
    store.upsert_account(&with_token).unwrap().id
}

fn credential(store: &DieselStore, account: AccountId) -> String {
    store
        .account_credential(account)
        .unwrap()
        .unwrap()
        .expose()
        .to_owned()
}

backend_tests!(credentials_are_stored_encrypted_and_read_back, |db| {
    let store = db.store();
    let account = connect(&store, "alice", "tok-plain-secret");

    let raw = raw_credential(&store, account).unwrap();
    assert!(raw.starts_with("v1:"), "{raw}");
    assert!(!raw.contains("tok-plain-secret"));
    assert_eq!(credential(&store, account), "tok-plain-secret");

    // The same credential written again is sealed with a fresh nonce.
    let user = store.accounts(tally_domain::UserId(1)).unwrap()[0].user_id;
    let update = AccountUpdate {
        base_url: None,
        credential: Some(Some(Secret::new("tok-plain-secret"))),
    };
    store.update_account(user, account, &update).unwrap();
    let rewritten = raw_credential(&store, account).unwrap();
    assert!(rewritten.starts_with("v1:"));
    assert_ne!(rewritten, raw);
    assert_eq!(credential(&store, account), "tok-plain-secret");
});

backend_tests!(another_key_or_no_key_is_a_clean_error, |db| {
    let store = db.store();
    let account = connect(&store, "alice", "tok-first");

    let other = db
        .store_without_key()
        .with_secret_key(SecretKey::generate().unwrap());
    let error = other.account_credential(account).unwrap_err();
    assert!(matches!(error, StoreError::WrongSecretKey), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the stored credential cannot be decrypted with this key"
    );

    let keyless = db.store_without_key();
    assert!(matches!(
        keyless.account_credential(account),
        Err(StoreError::NoSecretKey)
    ));
    let mut with_token = new_account(tally_domain::UserId(1), Platform::Mastodon, "bob");
    with_token.credential = Some(Secret::new("tok-bob"));
    assert!(matches!(
        keyless.upsert_account(&with_token),
        Err(StoreError::NoSecretKey)
    ));
    // Accounts without a credential need no key.
    with_token.credential = None;
    keyless.upsert_account(&with_token).unwrap();
    assert_eq!(credential(&store, account), "tok-first");
});

backend_tests!(rotation_moves_every_credential_to_the_new_key_only, |db| {
    let store = db.store();
    let accounts: Vec<_> = ["alice", "bob", "carol"]
        .iter()
        .map(|handle| (connect(&store, handle, &format!("tok-{handle}")), *handle))
        .collect();
    let before: Vec<_> = accounts
        .iter()
        .map(|(id, _)| raw_credential(&store, *id).unwrap())
        .collect();

    let new_key = SecretKey::generate().unwrap();
    let same_key = SecretKey::from_base64(&new_key.to_base64()).unwrap();
    assert_eq!(store.rotate_secret_key(&new_key).unwrap(), 3);

    let rotated = db.store_without_key().with_secret_key(same_key);
    for ((id, handle), old) in accounts.iter().zip(&before) {
        let raw = raw_credential(&rotated, *id).unwrap();
        assert!(raw.starts_with("v1:") && !raw.contains(handle));
        assert_ne!(&raw, old);
        assert_eq!(credential(&rotated, *id), format!("tok-{handle}"));
        assert!(matches!(
            store.account_credential(*id),
            Err(StoreError::WrongSecretKey)
        ));
    }

    // Rotating from a key that does not fit changes nothing.
    let snapshot: Vec<_> = accounts
        .iter()
        .map(|(id, _)| raw_credential(&rotated, *id))
        .collect();
    assert!(matches!(
        store.rotate_secret_key(&SecretKey::generate().unwrap()),
        Err(StoreError::WrongSecretKey)
    ));
    let after: Vec<_> = accounts
        .iter()
        .map(|(id, _)| raw_credential(&rotated, *id))
        .collect();
    assert_eq!(snapshot, after);
});

backend_tests!(plain_text_credentials_from_before_are_encrypted, |db| {
    let store = db.store();
    let account = account_of(&store, 1, Platform::Mastodon, "alice").id;
    {
        let mut conn = store.connection().unwrap();
        let write = diesel::update(accounts::table.find(account.get()))
            .set(accounts::credential.eq("tok-legacy"));
        match &mut *conn {
            DbConnection::Sqlite(c) => write.execute(c),
            DbConnection::Postgres(c) => write.execute(c),
        }
        .unwrap();
    }
    assert!(matches!(
        store.account_credential(account),
        Err(StoreError::Invalid(_))
    ));

    assert_eq!(store.encrypt_plaintext_credentials().unwrap(), 1);
    assert_eq!(store.encrypt_plaintext_credentials().unwrap(), 0);
    assert!(raw_credential(&store, account).unwrap().starts_with("v1:"));
    assert_eq!(credential(&store, account), "tok-legacy");
});

backend_tests!(
    moving_an_account_to_another_server_forgets_its_credential,
    |db| {
        let store = db.store();
        let account = connect(&store, "mover", "tok-bound-to-its-server");
        let user = tally_domain::UserId(1);
        let has_credential = |store: &DieselStore| {
            store
                .account(user, account)
                .unwrap()
                .unwrap()
                .has_credential
        };

        // The same server again keeps the credential, by either path.
        let same = store.account(user, account).unwrap().unwrap().base_url;
        let keep = AccountUpdate {
            base_url: Some(same.clone()),
            credential: None,
        };
        store.update_account(user, account, &keep).unwrap();
        assert!(has_credential(&store));
        let mut again = new_account(user, Platform::Mastodon, "mover");
        again.base_url = same;
        store.upsert_account(&again).unwrap();
        assert!(has_credential(&store));

        // Another server without a new credential forgets it: through an update ...
        let moved = AccountUpdate {
            base_url: Some(Some("http://127.0.0.1:9".into())),
            credential: None,
        };
        store.update_account(user, account, &moved).unwrap();
        assert!(!has_credential(&store));
        assert_eq!(raw_credential(&store, account), None);

        // ... and through an upsert of the same handle.
        let update = AccountUpdate {
            base_url: None,
            credential: Some(Some(Secret::new("tok-second"))),
        };
        store.update_account(user, account, &update).unwrap();
        assert!(has_credential(&store));
        let mut elsewhere = new_account(user, Platform::Mastodon, "mover");
        elsewhere.base_url = Some("http://127.0.0.1:10".into());
        store.upsert_account(&elsewhere).unwrap();
        assert!(!has_credential(&store));

        // A move that brings its own credential keeps that one.
        let with_new = AccountUpdate {
            base_url: Some(Some("http://127.0.0.1:11".into())),
            credential: Some(Some(Secret::new("tok-third"))),
        };
        store.update_account(user, account, &with_new).unwrap();
        assert_eq!(credential(&store, account), "tok-third");
    }
);
