//! Observations only ever belong to a stored post, and posts and daily figures to a stored
//! account, and they go with it: whatever writes them, and while another connection writes.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use tally_domain::{AccountMetric, EngagementKind, IngestBatch};
use tally_store::{AccountStore, DbConnection, DieselStore, IngestStore, backend_tests};

use crate::fixtures::{self, creator, engagement, execute_sql as execute, post};

/// The number of rows of `table`.
fn count(store: &DieselStore, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = store.connection().unwrap();
    let query = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"));
    let found: Count = match &mut *conn {
        DbConnection::Sqlite(c) => query.get_result(c),
        DbConnection::Postgres(c) => query.get_result(c),
    }
    .unwrap();
    found.n
}

/// Stores one post with one like observed, for a new creator; returns the post's id.
fn one_post_with_a_like(store: &DieselStore) -> (tally_domain::Account, i64) {
    let account = creator(store);
    store
        .ingest(account.id, &fixtures::one_post_with_a_like())
        .unwrap();
    let mut conn = store.connection().unwrap();
    let query = tally_store::schema::posts::table.select(tally_store::schema::posts::id);
    let id: i64 = match &mut *conn {
        DbConnection::Sqlite(c) => query.first(c),
        DbConnection::Postgres(c) => query.first(c),
    }
    .unwrap();
    (account, id)
}

fn is_foreign_key_violation(result: QueryResult<usize>) -> bool {
    matches!(
        result,
        Err(Error::DatabaseError(
            DatabaseErrorKind::ForeignKeyViolation,
            _
        ))
    )
}

backend_tests!(counter_rows_of_a_missing_post_are_refused, |db| {
    let store = db.store();
    let (_, post) = one_post_with_a_like(&store);
    let missing = post + 1_000;
    let mut conn = store.connection().unwrap();
    for statement in [
        format!(
            "INSERT INTO post_observations (post_id, metric, observed_at, value) \
             VALUES ({post}, 'share', '2026-05-03 00:00:00', 1), \
             ({missing}, 'like', '2026-05-03 00:00:00', 1)"
        ),
        format!("UPDATE post_observations SET post_id = {missing}"),
        format!("UPDATE posts SET id = {missing}"),
    ] {
        assert!(
            is_foreign_key_violation(execute(&mut conn, &statement)),
            "{statement}"
        );
    }
    drop(conn);
    // Nothing of the refused statements stayed, not even the row of the stored post.
    assert_eq!(count(&store, "post_observations"), 1);
});

backend_tests!(counter_rows_go_with_their_post_and_account, |db| {
    let store = db.store();
    let (account, first) = one_post_with_a_like(&store);
    // Deleting the post itself.
    let mut conn = store.connection().unwrap();
    execute(&mut conn, &format!("DELETE FROM posts WHERE id = {first}")).unwrap();
    drop(conn);
    assert_eq!(count(&store, "post_observations"), 0);

    // Deleting the account, through the store.
    let batch = IngestBatch {
        posts: vec![post("second", "2026-05-04T12:00:00Z")],
        engagement: vec![engagement(
            "second",
            EngagementKind::Like,
            5,
            "2026-05-05T00:00:00Z",
        )],
        ..IngestBatch::default()
    };
    store.ingest(account.id, &batch).unwrap();
    assert_eq!(count(&store, "post_observations"), 1);
    assert!(store.delete_account(account.user_id, account.id).unwrap());
    assert_eq!(count(&store, "posts"), 0);
    assert_eq!(count(&store, "post_observations"), 0);
});

/// A post deleted while another transaction is storing counters for it: the deletion waits
/// for that transaction and then removes its rows too, so no counter row is left without its
/// post. (SQLite has one writer at a time, so only PostgreSQL can interleave.)
#[test]
fn a_post_deleted_during_a_write_takes_the_new_rows_with_it() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    let (_, post) = one_post_with_a_like(&store);

    let mut writer = store.connection().unwrap();
    execute(&mut writer, "BEGIN").unwrap();
    execute(
        &mut writer,
        &format!(
            "INSERT INTO post_observations (post_id, metric, observed_at, value) \
             VALUES ({post}, 'share', '2026-05-03 00:00:00', 1)"
        ),
    )
    .unwrap();

    let (done, finished) = mpsc::channel();
    let deleter_store = store.clone();
    let deleter = thread::spawn(move || {
        let mut conn = deleter_store.connection().unwrap();
        let deleted = execute(&mut conn, &format!("DELETE FROM posts WHERE id = {post}"));
        done.send(()).unwrap();
        deleted
    });
    // The deletion waits for the writer's lock on the post.
    assert!(
        finished.recv_timeout(Duration::from_millis(500)).is_err(),
        "the deletion went ahead while counters for the post were being written"
    );
    execute(&mut writer, "COMMIT").unwrap();
    assert_eq!(deleter.join().unwrap().unwrap(), 1);
    drop(writer);

    assert_eq!(count(&store, "posts"), 0);
    assert_eq!(count(&store, "post_observations"), 0);
}

#[test]
fn emptying_posts_empties_their_counter_rows() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    one_post_with_a_like(&store);
    let mut conn = store.connection().unwrap();
    execute(&mut conn, "TRUNCATE posts").unwrap();
    drop(conn);
    assert_eq!(count(&store, "post_observations"), 0);
}

/// The value of a PostgreSQL setting on `conn`.
fn setting(conn: &mut DbConnection, name: &str) -> String {
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let query = diesel::sql_query(format!("SELECT current_setting('{name}') AS value"));
    let found: Setting = match conn {
        DbConnection::Sqlite(c) => query.get_result(c),
        DbConnection::Postgres(c) => query.get_result(c),
    }
    .unwrap();
    found.value
}

/// At a stricter isolation level the deletion's statements would not see rows a concurrent
/// writer committed while it waited, so deleting posts is refused there, and tally's own
/// connections run at READ COMMITTED whatever the server's default.
#[test]
fn posts_are_deleted_only_at_read_committed() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    let (account, post) = one_post_with_a_like(&store);

    let strict = db.url_string().replace(
        "options=-csearch_path",
        "options=-cdefault_transaction_isolation%3Dserializable%20-csearch_path",
    );
    // A plain connection to that URL runs at SERIALIZABLE; tally's runs at READ COMMITTED.
    let plain = diesel::pg::PgConnection::establish(&strict).unwrap();
    let mut plain = DbConnection::Postgres(plain);
    assert_eq!(setting(&mut plain, "transaction_isolation"), "serializable");
    let strict = tally_store::DatabaseUrl::parse(&strict).unwrap();
    let mut tally = DbConnection::establish(&strict).unwrap();
    assert_eq!(
        setting(&mut tally, "transaction_isolation"),
        "read committed"
    );
    drop(tally);

    // A stricter level, asked for explicitly, cannot delete posts.
    let mut conn = plain;
    for isolation in ["REPEATABLE READ", "SERIALIZABLE"] {
        execute(&mut conn, &format!("BEGIN ISOLATION LEVEL {isolation}")).unwrap();
        let refused = execute(&mut conn, &format!("DELETE FROM posts WHERE id = {post}"));
        assert!(
            matches!(
                refused,
                Err(Error::DatabaseError(
                    DatabaseErrorKind::SerializationFailure,
                    _
                ))
            ),
            "{isolation}: {refused:?}"
        );
        execute(&mut conn, "ROLLBACK").unwrap();
    }
    assert_eq!(count(&store, "posts"), 1);
    assert_eq!(count(&store, "post_observations"), 1);

    // At READ COMMITTED, the way tally deletes, it goes with its counter rows.
    assert!(store.delete_account(account.user_id, account.id).unwrap());
    assert_eq!(count(&store, "post_observations"), 0);
}

/// Stores one post with one like and one daily figure for `account`.
fn store_a_post_and_a_daily_figure(store: &DieselStore, account: &tally_domain::Account) {
    let mut batch = fixtures::one_post_with_a_like();
    batch.account_metrics = vec![fixtures::daily(
        "2026-05-02",
        AccountMetric::Followers,
        40,
        "2026-05-02T23:00:00Z",
    )];
    store.ingest(account.id, &batch).unwrap();
}

/// Stores one post with one like and one daily figure for a new creator.
fn a_post_and_a_daily_figure(store: &DieselStore) -> tally_domain::Account {
    let account = creator(store);
    store_a_post_and_a_daily_figure(store, &account);
    account
}

/// The rows of every table that holds an account's data.
fn account_rows(store: &DieselStore) -> [i64; 3] {
    ["posts", "post_observations", "account_daily_metrics"].map(|table| count(store, table))
}

/// An insert of one more post of `account`, as a tool other than tally would write it.
fn late_post(account: &tally_domain::Account) -> String {
    format!(
        "INSERT INTO posts (account_id, user_id, platform, external_id, content_type, \
         published_at) VALUES ({}, {}, 'mastodon', 'late', 'text', '2026-05-03 00:00:00')",
        account.id.get(),
        account.user_id.get()
    )
}

/// `delete_account` running on a thread of its own.
struct Deletion {
    handle: thread::JoinHandle<tally_store::StoreResult<bool>>,
    finished: mpsc::Receiver<()>,
}

fn delete_in_background(store: &DieselStore, account: &tally_domain::Account) -> Deletion {
    let (done, finished) = mpsc::channel();
    let (store, user, id) = (store.clone(), account.user_id, account.id);
    let handle = thread::spawn(move || {
        let deleted = store.delete_account(user, id);
        done.send(()).unwrap();
        deleted
    });
    Deletion { handle, finished }
}

impl Deletion {
    /// Asserts that the deletion is still waiting half a second later.
    fn assert_waiting(&self, otherwise: &str) {
        assert!(
            self.finished
                .recv_timeout(Duration::from_millis(500))
                .is_err(),
            "{otherwise}"
        );
    }

    /// Whether the deletion deleted the account, once it has finished.
    fn join(self) -> bool {
        self.handle.join().unwrap().unwrap()
    }
}

backend_tests!(rows_of_a_missing_account_are_refused, |db| {
    let store = db.store();
    let account = a_post_and_a_daily_figure(&store);
    let (user, missing) = (account.user_id.get(), account.id.get() + 1_000);
    let mut conn = store.connection().unwrap();
    for statement in [
        format!(
            "INSERT INTO posts (account_id, user_id, platform, external_id, content_type, \
             published_at) VALUES ({missing}, {user}, 'mastodon', 'stray', 'text', \
             '2026-05-03 00:00:00')"
        ),
        format!(
            "INSERT INTO account_daily_metrics \
             (account_id, metric, day, value, observed_at, user_id, platform) \
             VALUES ({missing}, 'followers', '2026-05-03', 1, '2026-05-03 00:00:00', {user}, \
             'mastodon')"
        ),
        format!("UPDATE posts SET account_id = {missing}"),
        format!("UPDATE account_daily_metrics SET account_id = {missing}"),
        format!("UPDATE accounts SET id = {missing}"),
    ] {
        assert!(
            is_foreign_key_violation(execute(&mut conn, &statement)),
            "{statement}"
        );
    }
    drop(conn);
    assert_eq!(account_rows(&store), [1, 1, 1]);
});

backend_tests!(an_accounts_rows_go_with_its_user, |db| {
    let store = db.store();
    let account = a_post_and_a_daily_figure(&store);
    let other = fixtures::account_of(&store, 2, tally_domain::Platform::Bluesky, "other");
    store_a_post_and_a_daily_figure(&store, &other);
    assert_eq!(account_rows(&store), [2, 2, 2]);
    let mut conn = store.connection().unwrap();
    let deleted = execute(
        &mut conn,
        &format!("DELETE FROM users WHERE id = {}", account.user_id.get()),
    );
    assert_eq!(deleted.unwrap(), 1);
    drop(conn);
    assert_eq!(
        account_rows(&store),
        [1, 1, 1],
        "the other user's rows stay"
    );
    assert_eq!(count(&store, "accounts"), 1);
});

#[test]
fn emptying_accounts_empties_their_rows() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    a_post_and_a_daily_figure(&store);
    let mut conn = store.connection().unwrap();
    execute(&mut conn, "TRUNCATE accounts").unwrap();
    drop(conn);
    assert_eq!(account_rows(&store), [0, 0, 0]);
}

/// An account deleted while another transaction is storing posts and daily figures for it:
/// the deletion waits for that transaction and then removes its rows too.
#[test]
fn an_account_deleted_during_a_write_takes_the_new_rows_with_it() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    let account = creator(&store);
    let (user, id) = (account.user_id.get(), account.id.get());

    let mut writer = store.connection().unwrap();
    execute(&mut writer, "BEGIN").unwrap();
    for statement in [
        late_post(&account),
        format!(
            "INSERT INTO account_daily_metrics \
             (account_id, metric, day, value, observed_at, user_id, platform) \
             VALUES ({id}, 'followers', '2026-05-03', 1, '2026-05-03 00:00:00', {user}, \
             'mastodon')"
        ),
    ] {
        execute(&mut writer, &statement).unwrap();
    }

    let deleter = delete_in_background(&store, &account);
    deleter.assert_waiting("the deletion went ahead while rows of the account were being written");
    execute(&mut writer, "COMMIT").unwrap();
    assert!(deleter.join());
    drop(writer);
    assert_eq!(count(&store, "accounts"), 0);
    assert_eq!(account_rows(&store), [0, 0, 0]);
}

#[test]
fn accounts_are_deleted_only_at_read_committed() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    let account = a_post_and_a_daily_figure(&store);
    let mut conn = store.connection().unwrap();
    for isolation in ["REPEATABLE READ", "SERIALIZABLE"] {
        execute(&mut conn, &format!("BEGIN ISOLATION LEVEL {isolation}")).unwrap();
        let refused = execute(
            &mut conn,
            &format!("DELETE FROM accounts WHERE id = {}", account.id.get()),
        );
        assert!(
            matches!(
                refused,
                Err(Error::DatabaseError(
                    DatabaseErrorKind::SerializationFailure,
                    _
                ))
            ),
            "{isolation}: {refused:?}"
        );
        execute(&mut conn, "ROLLBACK").unwrap();
    }
    drop(conn);
    assert_eq!(count(&store, "accounts"), 1);
    assert_eq!(account_rows(&store), [1, 1, 1]);
}

/// Deleting an account while a writer of its user is half-way: the deletion locks the
/// user's data-version row first, as every writer does, so it waits for the writer instead
/// of holding the account that the writer's next statement needs (a deadlock).
#[test]
fn deleting_an_account_queues_behind_a_writer_of_its_user() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    let (account, _) = one_post_with_a_like(&store);
    let user = account.user_id.get();

    let mut writer = store.connection().unwrap();
    execute(&mut writer, "BEGIN").unwrap();
    execute(
        &mut writer,
        &format!("UPDATE user_data_versions SET version = version + 1 WHERE user_id = {user}"),
    )
    .unwrap();

    let deleter = delete_in_background(&store, &account);
    deleter.assert_waiting("the deletion went ahead while a writer of the user was half-way");
    let stored = execute(&mut writer, &late_post(&account));
    assert_eq!(stored.unwrap(), 1, "the writer goes on");
    execute(&mut writer, "COMMIT").unwrap();
    assert!(deleter.join());
    drop(writer);
    assert_eq!(count(&store, "accounts"), 0);
    assert_eq!(account_rows(&store), [0, 0, 0]);
}

/// Rows of a table that inherits from `accounts` or `posts` are not accounts or posts: their
/// deletion would not reach the triggers that delete what belongs to them.
#[test]
fn rows_of_inheriting_tables_are_not_accounts_or_posts() {
    let Some(db) =
        tally_store::testing::TestDatabase::create(tally_store::testing::Backend::Postgres)
    else {
        return;
    };
    let store = db.store();
    let (account, _) = one_post_with_a_like(&store);
    let (user, id) = (account.user_id.get(), account.id.get());
    let mut conn = store.connection().unwrap();
    for statement in [
        "CREATE TABLE stray_accounts () INHERITS (accounts)".to_owned(),
        "CREATE TABLE stray_posts () INHERITS (posts)".to_owned(),
        format!(
            "INSERT INTO stray_accounts (id, user_id, platform, handle, created_at) \
             VALUES (777777, {user}, 'mastodon', 'stray', '2026-05-01 00:00:00')"
        ),
        format!(
            "INSERT INTO stray_posts (id, account_id, user_id, platform, external_id, \
             content_type, published_at) VALUES (888888, {id}, {user}, 'mastodon', 'stray', \
             'text', '2026-05-01 00:00:00')"
        ),
    ] {
        execute(&mut conn, &statement).unwrap();
    }
    for statement in [
        format!(
            "INSERT INTO posts (account_id, user_id, platform, external_id, content_type, \
             published_at) VALUES (777777, {user}, 'mastodon', 'orphan', 'text', \
             '2026-05-03 00:00:00')"
        ),
        "INSERT INTO post_observations (post_id, metric, observed_at, value) \
         VALUES (888888, 'like', '2026-05-03 00:00:00', 1)"
            .to_owned(),
    ] {
        assert!(
            is_foreign_key_violation(execute(&mut conn, &statement)),
            "{statement}"
        );
    }
    drop(conn);
    assert_eq!(count(&store, "ONLY posts"), 1);
    assert_eq!(count(&store, "post_observations"), 1);
}
