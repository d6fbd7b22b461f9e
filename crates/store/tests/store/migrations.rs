//! Migrations apply, revert and apply again, and an up-to-date database is left alone.

use diesel::connection::SimpleConnection;
use tally_domain::{EngagementKind, IngestBatch, PerformanceMetric, Platform};
use tally_store::testing::TestDatabase;
use tally_store::{AccountStore, DbConnection, DieselStore, Health, IngestStore};

use crate::fixtures::{
    account_of, counts, creator, engagement, execute_sql, new_user, one_post_with_a_like,
    only_accounts, performance, post, posts_only, read_posts,
};

/// Whether the `users` table can be queried on this connection.
fn users_table_exists(conn: &mut DbConnection) -> bool {
    tally_store::with_connection!(conn, |c| c.batch_execute("SELECT COUNT(*) FROM users")).is_ok()
}

fn connect(db: &TestDatabase) -> DbConnection {
    DbConnection::establish(db.url()).expect("connect to the test database")
}

tally_store::backend_tests!(migrations_go_up_down_and_up_again, |db| {
    let mut conn = connect(&db);
    assert!(!users_table_exists(&mut conn));

    let applied = conn.run_migrations().unwrap();
    assert!(applied > 0, "a fresh database needs migrations");
    assert!(users_table_exists(&mut conn));
    assert_eq!(
        conn.run_migrations().unwrap(),
        0,
        "nothing is left to apply"
    );

    assert_eq!(conn.revert_all_migrations().unwrap(), applied);
    assert!(!users_table_exists(&mut conn), "reverting drops the tables");

    assert_eq!(conn.run_migrations().unwrap(), applied);
    assert!(users_table_exists(&mut conn));
    drop(conn);

    let store = db.store();
    let account = creator(&store);
    store
        .ingest(
            account.id,
            &posts_only(vec![post("p1", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    assert_eq!(counts(&store, account.user_id).posts, 1);
});

tally_store::backend_tests!(
    the_counters_copy_is_filled_for_posts_stored_before_it,
    |db| {
        let store = db.store();
        let account = creator(&store);
        let user = account.user_id;
        store.ingest(account.id, &one_post_with_a_like()).unwrap();
        store
            .ingest(
                account.id,
                &posts_only(vec![post("bare", "2026-05-01T13:00:00Z")]),
            )
            .unwrap();
        let before = read_posts(&store, user);
        assert_eq!(before.len(), 2);
        assert_eq!(before[0].engagement.get(&EngagementKind::Like), Some(&3));
        assert!(before[1].engagement.is_empty() && before[1].performance.is_empty());

        // Undo the migrations back to before the copy existed, then apply them again: the
        // migration that adds the copy fills it from the roll-up for the stored posts, which
        // the migration that drops the roll-up rebuilds from the history when reverted.
        let mut conn = connect(&db);
        let mut reverted = 0;
        while execute_sql(&mut conn, "SELECT counters FROM posts").is_ok() {
            conn.revert_last_migration().unwrap();
            reverted += 1;
        }
        assert!(reverted > 0);
        assert_eq!(conn.run_migrations().unwrap(), reverted);
        drop(conn);
        assert_eq!(read_posts(&store, user), before);
    }
);

tally_store::backend_tests!(reverting_drops_tables_that_hold_rows, |db| {
    let store = db.store();
    let account = creator(&store);
    store
        .ingest(
            account.id,
            &posts_only(vec![post("p1", "2026-05-01T10:00:00Z")]),
        )
        .unwrap();
    drop(store);

    let mut conn = connect(&db);
    assert!(conn.revert_all_migrations().unwrap() > 0);
    assert!(!users_table_exists(&mut conn));
    assert!(conn.run_migrations().unwrap() > 0);
    drop(conn);

    let store = db.store();
    assert_eq!(
        store.user(account.user_id).unwrap(),
        None,
        "the old rows are gone"
    );
    assert_eq!(counts(&store, account.user_id), only_accounts(0));
});

tally_store::backend_tests!(opening_a_migrated_database_again_applies_nothing, |db| {
    let first = DieselStore::open(&db.url_string()).unwrap();
    let account = account_of(&first, 7, Platform::YouTube, "test_channel");

    assert_eq!(
        connect(&db).run_migrations().unwrap(),
        0,
        "the first open applied all"
    );

    let second = DieselStore::open(&db.url_string()).unwrap();
    second.ping().unwrap();
    assert_eq!(second.backend(), db.url().backend());
    assert_eq!(connect(&db).run_migrations().unwrap(), 0);

    // The second store sees what the first wrote, and its writes are seen by the first.
    assert_eq!(
        second.user(account.user_id).unwrap().unwrap().name,
        "Test Creator 7"
    );
    second.upsert_user(&new_user(8)).unwrap();
    assert!(first.user(tally_domain::UserId(8)).unwrap().is_some());
    let summary = second.ingest(account.id, &IngestBatch::default()).unwrap();
    assert_eq!(summary, tally_store::IngestSummary::default());
});

tally_store::backend_tests!(stores_opened_at_once_on_a_fresh_database_all_work, |db| {
    let url = db.url_string();
    let opened: Vec<_> = std::thread::scope(|scope| {
        let opening: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| DieselStore::open(&url)))
            .collect();
        opening
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });

    for (index, store) in opened.into_iter().enumerate() {
        let store = store.unwrap_or_else(|error| panic!("open {index} failed: {error}"));
        store
            .upsert_user(&new_user(i64::try_from(index).unwrap()))
            .unwrap();
    }
    assert_eq!(connect(&db).run_migrations().unwrap(), 0);
});

/// The PostgreSQL server drops every connection of the store (a restart, a failover): the
/// pool replaces them instead of handing out dead ones.
#[test]
fn postgres_connections_dropped_by_the_server_are_replaced() {
    use diesel::RunQueryDsl;
    use tally_store::testing::{Backend, TestDatabase};
    use tally_store::{DatabaseUrl, Health};

    let Some(db) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    let store = db.store();
    store.ping().unwrap();
    let DatabaseUrl::Postgres(url) = db.url() else {
        panic!("a PostgreSQL test database has a PostgreSQL URL");
    };
    let application = url.rsplit("application_name=").next().unwrap().to_owned();

    let mut admin = tally_store::DbConnection::establish(
        &DatabaseUrl::parse(&std::env::var("TEST_DATABASE_URL").unwrap()).unwrap(),
    )
    .unwrap();
    let tally_store::DbConnection::Postgres(admin) = &mut admin else {
        panic!("the admin connection is PostgreSQL");
    };
    let terminated = diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{application}'"
    ))
    .execute(admin)
    .unwrap();
    assert!(terminated >= 1, "the store had connections to drop");

    for _ in 0..3 {
        store
            .ping()
            .expect("a dropped connection is replaced, not reused");
    }
}

tally_store::backend_tests!(
    reverting_to_the_roll_up_table_rebuilds_it_from_the_history,
    |db| {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        fn count(conn: &mut DbConnection, query: &str) -> i64 {
            use diesel::RunQueryDsl;
            let found: Count = match conn {
                DbConnection::Sqlite(c) => diesel::sql_query(query).get_result(c),
                DbConnection::Postgres(c) => diesel::sql_query(query).get_result(c),
            }
            .unwrap();
            found.n
        }

        let store = db.store();
        let account = creator(&store);
        // Two counters, each observed out of order.
        let batch = IngestBatch {
            posts: vec![post("p1", "2026-05-01T10:00:00Z")],
            engagement: vec![
                engagement("p1", EngagementKind::Like, 9, "2026-05-03T00:00:00Z"),
                engagement("p1", EngagementKind::Like, 5, "2026-05-02T00:00:00Z"),
            ],
            performance: vec![
                performance("p1", PerformanceMetric::Reach, 80, "2026-05-04T00:00:00Z"),
                performance("p1", PerformanceMetric::Reach, 70, "2026-05-01T12:00:00Z"),
            ],
            ..IngestBatch::default()
        };
        store.ingest(account.id, &batch).unwrap();
        let before = read_posts(&store, account.user_id);

        let mut conn = connect(&db);
        while execute_sql(&mut conn, "SELECT 1 FROM post_metrics").is_err() {
            conn.revert_last_migration().unwrap();
        }
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM post_metrics"),
            2
        );
        let latest = "SELECT COUNT(*) AS n FROM post_metrics AS m WHERE \
             (m.metric = 'like' AND m.value = 9) OR (m.metric = 'reach' AND m.value = 80)";
        assert_eq!(count(&mut conn, latest), 2, "each counter's latest value");
        let at_latest = "SELECT COUNT(*) AS n FROM post_metrics AS m WHERE m.observed_at = \
             (SELECT max(o.observed_at) FROM post_observations AS o \
              WHERE o.post_id = m.post_id AND o.metric = m.metric)";
        assert_eq!(
            count(&mut conn, at_latest),
            2,
            "with the time it was observed"
        );
        // A post written by a process older than the counters on the post row gets them
        // back from the roll-up before it is dropped again.
        execute_sql(&mut conn, "UPDATE posts SET counters = NULL").unwrap();
        // The roll-up refers to stored posts again.
        let orphan = execute_sql(
            &mut conn,
            "INSERT INTO post_metrics (post_id, metric, observed_at, value) \
             VALUES (123456, 'like', '2026-05-05 00:00:00', 1)",
        );
        assert!(orphan.is_err(), "{orphan:?}");

        assert!(conn.run_migrations().unwrap() > 0);
        assert!(execute_sql(&mut conn, "SELECT 1 FROM post_metrics").is_err());
        drop(conn);
        assert_eq!(read_posts(&store, account.user_id), before);
    }
);

/// The posts check of counter rows is planned for each statement: within one long
/// transaction (an import of a large file) a plan kept from when `posts` was small read the
/// whole table for every statement. Reverting restores the session-wide plan cache and
/// keeps the function.
#[test]
fn the_posts_check_is_planned_for_each_statement() {
    use diesel::RunQueryDsl;
    use tally_store::testing::{Backend, TestDatabase};

    #[derive(diesel::QueryableByName)]
    struct Settings {
        #[diesel(sql_type = diesel::sql_types::Text)]
        settings: String,
    }
    fn settings(conn: &mut DbConnection) -> String {
        let DbConnection::Postgres(pg) = conn else {
            panic!("a PostgreSQL test database gives a PostgreSQL connection");
        };
        diesel::sql_query(
            "SELECT COALESCE(array_to_string(proconfig, ' '), '') AS settings FROM pg_proc \
             WHERE proname = 'tally_counters_need_their_posts' \
             AND pronamespace = current_schema()::regnamespace",
        )
        .get_result::<Settings>(pg)
        .unwrap()
        .settings
    }

    let Some(db) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    let mut conn = connect(&db);
    conn.run_migrations().unwrap();
    assert!(
        settings(&mut conn).contains("plan_cache_mode=force_custom_plan"),
        "{}",
        settings(&mut conn)
    );
    // Revert the migrations made after it, then it; the function itself stays.
    let mut reverted = 0;
    while settings(&mut conn).contains("plan_cache_mode") {
        conn.revert_last_migration().unwrap();
        reverted += 1;
        assert!(reverted <= 10, "reverting never removed the setting");
    }
    let left = settings(&mut conn);
    assert!(
        left.contains("search_path"),
        "the other setting stays: {left}"
    );
    let DbConnection::Postgres(pg) = &mut conn else {
        unreachable!("checked above");
    };
    let latest =
        diesel::sql_query("SELECT MAX(version) AS settings FROM __diesel_schema_migrations")
            .get_result::<Settings>(pg)
            .unwrap()
            .settings;
    assert!(
        latest.starts_with("20261208000003"),
        "the setting went with its own migration's revert, not an earlier one's: {latest}"
    );
}
