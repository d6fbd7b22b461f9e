//! API tokens: stored by hash, scoped to a user or to all, revocable.

use tally_domain::{NewApiToken, TokenScope, UserId};
use tally_store::{AccountStore, StoreError, TokenStore, backend_tests};

use crate::fixtures::{at, new_user};

fn new_token(hash: &str, user: Option<i64>) -> NewApiToken {
    NewApiToken {
        hash: hash.to_owned(),
        user_id: user.map(UserId),
        label: format!("label of {hash}"),
        hint: "tally_ab".to_owned(),
    }
}

backend_tests!(tokens_are_found_by_hash_with_their_scope, |db| {
    let store = db.store();
    store.upsert_user(&new_user(4)).unwrap();
    let now = at("2026-06-01T08:00:00Z");

    let user_token = store
        .create_token(&new_token("hash-user", Some(4)), now)
        .unwrap();
    let admin_token = store
        .create_token(&new_token("hash-admin", None), now)
        .unwrap();

    assert_eq!(user_token.scope(), TokenScope::User(UserId(4)));
    assert_eq!(admin_token.scope(), TokenScope::Admin);
    assert_eq!(user_token.created_at, now);
    assert!(user_token.is_active());
    assert_eq!(
        store.token_by_hash("hash-user").unwrap(),
        Some(user_token.clone())
    );
    assert_eq!(
        store
            .token_by_hash("hash-admin")
            .unwrap()
            .map(|t| t.scope()),
        Some(TokenScope::Admin)
    );
    assert_eq!(store.token_by_hash("hash-other").unwrap(), None);
    assert_eq!(store.tokens().unwrap(), vec![user_token, admin_token]);
});

backend_tests!(a_token_for_a_missing_user_is_refused, |db| {
    let store = db.store();
    let error = store
        .create_token(&new_token("hash", Some(99)), at("2026-06-01T08:00:00Z"))
        .unwrap_err();
    assert!(
        matches!(error, StoreError::UnknownUser(UserId(99))),
        "{error:?}"
    );
    assert!(store.tokens().unwrap().is_empty());
});

backend_tests!(the_same_hash_cannot_be_stored_twice, |db| {
    let store = db.store();
    let now = at("2026-06-01T08:00:00Z");
    store.create_token(&new_token("hash", None), now).unwrap();
    assert!(store.create_token(&new_token("hash", None), now).is_err());
    assert_eq!(store.tokens().unwrap().len(), 1);
});

backend_tests!(
    revoking_keeps_the_first_time_and_reports_unknown_ids,
    |db| {
        let store = db.store();
        let token = store
            .create_token(&new_token("hash", None), at("2026-06-01T08:00:00Z"))
            .unwrap();

        let first = at("2026-06-02T08:00:00Z");
        let revoked = store.revoke_token(token.id, first).unwrap().unwrap();
        assert_eq!(revoked.revoked_at, Some(first));
        assert!(!revoked.is_active());

        let again = store
            .revoke_token(token.id, at("2026-06-03T08:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(again.revoked_at, Some(first));
        assert_eq!(
            store.token_by_hash("hash").unwrap().unwrap().revoked_at,
            Some(first)
        );
        assert_eq!(store.revoke_token(token.id + 100, first).unwrap(), None);
    }
);

backend_tests!(deleting_a_user_takes_its_tokens, |db| {
    let store = db.store();
    store.upsert_user(&new_user(4)).unwrap();
    store
        .create_token(&new_token("hash", Some(4)), at("2026-06-01T08:00:00Z"))
        .unwrap();
    let mut conn = store.connection().unwrap();
    use diesel::prelude::*;
    use tally_store::DbConnection;
    use tally_store::schema::users;
    let query = diesel::delete(users::table.filter(users::id.eq(4)));
    match &mut *conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }
    .unwrap();
    drop(conn);
    assert_eq!(store.token_by_hash("hash").unwrap(), None);
});
