//! Builders for the users, accounts and records that the tests store.

use chrono::{DateTime, NaiveDate, Utc};
use tally_domain::{
    Account, AccountMetric, AccountMetricRecord, ContentType, EngagementKind, EngagementRecord,
    IngestBatch, NewAccount, NewUser, PerformanceMetric, PerformanceRecord, Platform, PostRecord,
    PostSummary, UserId,
};
use tally_store::{AccountStore, AnalyticsStore, DieselStore, PostQuery, RowCounts};

/// An instant written as RFC 3339.
pub fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("a valid RFC 3339 instant")
}

/// A calendar day written as `YYYY-MM-DD`.
pub fn day(text: &str) -> NaiveDate {
    text.parse().expect("a valid day")
}

/// A user with an invented name.
pub fn new_user(id: i64) -> NewUser {
    NewUser {
        id: UserId(id),
        name: format!("Test Creator {id}"),
        timezone: "Europe/Berlin".into(),
    }
}

/// An account on `platform` with no server URL.
pub fn new_account(user: UserId, platform: Platform, handle: &str) -> NewAccount {
    NewAccount {
        user_id: user,
        platform,
        handle: handle.into(),
        base_url: None,
        credential: None,
    }
}

/// Stores user `user_id` (if needed) and one account of theirs.
pub fn account_of(store: &DieselStore, user_id: i64, platform: Platform, handle: &str) -> Account {
    let user = store
        .upsert_user(&new_user(user_id))
        .expect("store the user");
    store
        .upsert_account(&new_account(user.id, platform, handle))
        .expect("store the account")
}

/// The usual starting point: user 1 with one Mastodon account.
pub fn creator(store: &DieselStore) -> Account {
    account_of(store, 1, Platform::Mastodon, "test_creator")
}

/// A text post with a title and URL derived from its id.
pub fn post(external_id: &str, published_at: &str) -> PostRecord {
    PostRecord {
        external_id: external_id.into(),
        content_type: ContentType::Text,
        published_at: at(published_at),
        url: Some(format!(
            "https://social.example/@test_creator/{external_id}"
        )),
        title: Some(format!("Post {external_id}")),
    }
}

/// One observation of an engagement counter.
pub fn engagement(
    post: &str,
    kind: EngagementKind,
    count: u64,
    observed_at: &str,
) -> EngagementRecord {
    EngagementRecord {
        post_external_id: post.into(),
        kind,
        count,
        observed_at: at(observed_at),
    }
}

/// One observation of a performance figure.
pub fn performance(
    post: &str,
    metric: PerformanceMetric,
    value: u64,
    observed_at: &str,
) -> PerformanceRecord {
    PerformanceRecord {
        post_external_id: post.into(),
        metric,
        value,
        observed_at: at(observed_at),
    }
}

/// One daily account figure.
pub fn daily(
    day_text: &str,
    metric: AccountMetric,
    value: u64,
    observed_at: &str,
) -> AccountMetricRecord {
    AccountMetricRecord {
        day: day(day_text),
        metric,
        value,
        observed_at: at(observed_at),
    }
}

/// A batch of posts only.
pub fn posts_only(posts: Vec<PostRecord>) -> IngestBatch {
    IngestBatch {
        posts,
        ..IngestBatch::default()
    }
}

/// A query over every post of `user` on every platform.
pub fn all_posts(user: UserId) -> PostQuery {
    PostQuery {
        user,
        from: at("2000-01-01T00:00:00Z"),
        until: at("2100-01-01T00:00:00Z"),
        platforms: Vec::new(),
    }
}

/// Every post of `user`, read back.
pub fn read_posts(store: &DieselStore, user: UserId) -> Vec<PostSummary> {
    store.posts(&all_posts(user)).expect("read posts")
}

/// The one stored post with this platform id.
pub fn read_post(store: &DieselStore, user: UserId, external_id: &str) -> PostSummary {
    let mut matching: Vec<PostSummary> = read_posts(store, user)
        .into_iter()
        .filter(|post| post.external_id == external_id)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "posts with id {external_id}: {matching:?}"
    );
    matching.remove(0)
}

/// The user's row counts.
pub fn counts(store: &DieselStore, user: UserId) -> RowCounts {
    store.row_counts(user).expect("count rows")
}

/// The row counts of a user who has `accounts` accounts and nothing else.
pub fn only_accounts(accounts: u64) -> RowCounts {
    RowCounts {
        accounts,
        ..RowCounts::default()
    }
}

/// One post, "first", with one like observed the day after it was published.
pub fn one_post_with_a_like() -> IngestBatch {
    IngestBatch {
        posts: vec![post("first", "2026-05-01T12:00:00Z")],
        engagement: vec![engagement(
            "first",
            EngagementKind::Like,
            3,
            "2026-05-02T00:00:00Z",
        )],
        ..IngestBatch::default()
    }
}

/// Runs `statement` on `conn` directly, as a tool other than tally would.
pub fn execute_sql(
    conn: &mut tally_store::DbConnection,
    statement: &str,
) -> diesel::QueryResult<usize> {
    use diesel::RunQueryDsl;
    match conn {
        tally_store::DbConnection::Sqlite(c) => diesel::sql_query(statement).execute(c),
        tally_store::DbConnection::Postgres(c) => diesel::sql_query(statement).execute(c),
    }
}
