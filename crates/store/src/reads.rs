//! The reads that analyses are built from.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text, Timestamp};
use tally_domain::{
    AccountId, ContentType, DailyMetric, DateRange, Platform, PostId, PostMetric, PostObservation,
    PostSummary, UserId,
};

use crate::columns::{Named, StoredTime};
use crate::connection::DbConnection;
use crate::models::{DailyRow, from_db_count, to_db_time};
use crate::schema::{account_daily_metrics, accounts, post_metrics, post_observations, posts};
use crate::{AnalyticsStore, DieselStore, PostQuery, RowCounts, StoreResult, with_connection};

#[derive(Queryable, Selectable)]
#[diesel(table_name = posts)]
struct PostRow {
    id: i64,
    account_id: i64,
    platform: Named<Platform>,
    external_id: String,
    content_type: Named<ContentType>,
    published_at: StoredTime,
    url: Option<String>,
    title: Option<String>,
}

type PostWithMetric = (PostRow, Option<(Named<PostMetric>, i64)>);

/// A post's latest value of one counter: post id, metric, value.
type CounterRow = (i64, Named<PostMetric>, i64);

/// Post ids looked up per query by id: well under SQLite's limit on bound parameters.
const POST_IDS_PER_QUERY: usize = 10_000;

/// A counter row as PostgreSQL's raw counter query returns it.
#[derive(QueryableByName)]
struct CounterByName {
    #[diesel(sql_type = BigInt)]
    post_id: i64,
    #[diesel(sql_type = Text)]
    metric: Named<PostMetric>,
    #[diesel(sql_type = BigInt)]
    value: i64,
}

impl AnalyticsStore for DieselStore {
    fn posts(&self, query: &PostQuery) -> StoreResult<Vec<PostSummary>> {
        // Posts and their counters are two reads, each bounded by the user's posts in the
        // range, run at the same time on two connections. One joined query would copy each
        // post's text columns once per counter.
        let (counters, rows) =
            crate::both(|| self.latest_counters(query), || self.post_rows(query));
        let mut summaries = attach_counters(rows?, counters?);
        // The two reads see the database at slightly different moments: a post stored
        // between them comes without the counters stored with it. Such posts (and those that
        // have none) have theirs looked up by id.
        let bare: Vec<i64> = summaries
            .iter()
            .filter(|post| post.engagement.is_empty() && post.performance.is_empty())
            .map(|post| post.id.get())
            .collect();
        if !bare.is_empty() {
            let late = self.counters_of(&bare)?;
            summaries = attach_to_summaries(summaries, late);
        }
        Ok(summaries)
    }

    fn post(&self, user: UserId, post: PostId) -> StoreResult<Option<PostSummary>> {
        let mut conn = self.connection()?;
        let rows: Vec<PostWithMetric> = with_connection!(&mut *conn, |c| {
            posts::table
                .left_join(post_metrics::table)
                .filter(posts::id.eq(post.get()))
                .filter(posts::user_id.eq(user.get()))
                .select((
                    PostRow::as_select(),
                    (post_metrics::metric, post_metrics::value).nullable(),
                ))
                .load(c)
        })?;
        Ok(group_post_rows(rows).into_iter().next())
    }

    fn post_by_external_id(
        &self,
        user: UserId,
        platform: Platform,
        external_id: &str,
    ) -> StoreResult<Option<PostSummary>> {
        let mut conn = self.connection()?;
        let rows: Vec<PostWithMetric> = with_connection!(&mut *conn, |c| {
            posts::table
                .left_join(post_metrics::table)
                .filter(posts::user_id.eq(user.get()))
                .filter(posts::platform.eq(platform.as_str()))
                .filter(posts::external_id.eq(external_id))
                .select((
                    PostRow::as_select(),
                    (post_metrics::metric, post_metrics::value).nullable(),
                ))
                .order((posts::id, post_metrics::metric))
                .load(c)
        })?;
        Ok(group_post_rows(rows).into_iter().next())
    }

    fn post_history(&self, post: PostId) -> StoreResult<Vec<PostObservation>> {
        let mut conn = self.connection()?;
        let rows: Vec<(String, NaiveDateTime, i64)> = with_connection!(&mut *conn, |c| {
            post_observations::table
                .filter(post_observations::post_id.eq(post.get()))
                .order((post_observations::observed_at, post_observations::metric))
                .select((
                    post_observations::metric,
                    post_observations::observed_at,
                    post_observations::value,
                ))
                .load(c)
        })?;
        rows.into_iter()
            .map(|(metric, observed_at, value)| {
                Ok(PostObservation {
                    metric: metric.parse()?,
                    observed_at: observed_at.and_utc(),
                    value: from_db_count(value),
                })
            })
            .collect()
    }

    fn observations(&self, query: &PostQuery) -> StoreResult<Vec<(PostId, PostObservation)>> {
        let platforms: Vec<&'static str> = query.platforms.iter().map(|p| p.as_str()).collect();
        let (from, until) = (to_db_bound(query.from), to_db_bound(query.until));
        let mut conn = self.connection()?;
        let rows: Vec<(i64, String, NaiveDateTime, i64)> = with_connection!(&mut *conn, |c| {
            let mut select = post_observations::table
                .inner_join(posts::table)
                .filter(posts::user_id.eq(query.user.get()))
                .filter(posts::published_at.ge(from))
                .filter(posts::published_at.lt(until))
                .select((
                    post_observations::post_id,
                    post_observations::metric,
                    post_observations::observed_at,
                    post_observations::value,
                ))
                .order((
                    post_observations::post_id,
                    post_observations::observed_at,
                    post_observations::metric,
                ))
                .into_boxed();
            if !platforms.is_empty() {
                select = select.filter(posts::platform.eq_any(platforms));
            }
            select.load(c)
        })?;
        rows.into_iter()
            .map(|(post, metric, observed_at, value)| {
                Ok((
                    PostId(post),
                    PostObservation {
                        metric: metric.parse()?,
                        observed_at: observed_at.and_utc(),
                        value: from_db_count(value),
                    },
                ))
            })
            .collect()
    }

    fn daily_metrics(
        &self,
        user: UserId,
        range: DateRange,
        platforms: &[Platform],
    ) -> StoreResult<Vec<DailyMetric>> {
        let platforms: Vec<&'static str> = platforms.iter().map(|p| p.as_str()).collect();
        let mut conn = self.connection()?;
        let rows: Vec<DailyRow> = with_connection!(&mut *conn, |c| {
            let mut select = account_daily_metrics::table
                .filter(account_daily_metrics::user_id.eq(user.get()))
                .filter(account_daily_metrics::day.between(range.start(), range.end()))
                .select(DailyRow::as_select())
                .into_boxed();
            if !platforms.is_empty() {
                select = select.filter(account_daily_metrics::platform.eq_any(platforms));
            }
            select.load(c)
        })?;
        // Sorted here, by day, account and metric name, rather than by the database: on
        // PostgreSQL its sort compared the names under the database's collation and took
        // most of the read's time on the server.
        let mut daily: Vec<DailyMetric> = rows.into_iter().map(DailyMetric::from).collect();
        daily
            .sort_unstable_by_key(|metric| (metric.day, metric.account_id, metric.metric.as_str()));
        Ok(daily)
    }

    fn row_counts(&self, user: UserId) -> StoreResult<RowCounts> {
        let mut conn = self.connection()?;
        let user = user.get();
        let counts: [i64; 5] = with_connection!(&mut *conn, |c| {
            let accounts: i64 = accounts::table
                .filter(accounts::user_id.eq(user))
                .count()
                .get_result(c)?;
            let posts: i64 = posts::table
                .filter(posts::user_id.eq(user))
                .count()
                .get_result(c)?;
            let observations: i64 = post_observations::table
                .inner_join(posts::table)
                .filter(posts::user_id.eq(user))
                .count()
                .get_result(c)?;
            let latest: i64 = post_metrics::table
                .inner_join(posts::table)
                .filter(posts::user_id.eq(user))
                .count()
                .get_result(c)?;
            let daily: i64 = account_daily_metrics::table
                .filter(account_daily_metrics::user_id.eq(user))
                .count()
                .get_result(c)?;
            Ok::<_, diesel::result::Error>([accounts, posts, observations, latest, daily])
        })?;
        let [accounts, posts, observations, post_metrics, daily_metrics] =
            counts.map(from_db_count);
        Ok(RowCounts {
            accounts,
            posts,
            observations,
            post_metrics,
            daily_metrics,
        })
    }

    fn data_version(&self, user: UserId) -> StoreResult<Option<i64>> {
        self.read_data_version(user)
    }
}

impl DieselStore {
    /// The posts `query` selects, in publication order, without their counters.
    fn post_rows(&self, query: &PostQuery) -> StoreResult<Vec<PostRow>> {
        let platforms: Vec<&'static str> = query.platforms.iter().map(|p| p.as_str()).collect();
        let (from, until) = (to_db_bound(query.from), to_db_bound(query.until));
        let mut conn = self.connection()?;
        let mut rows: Vec<PostRow> = with_connection!(&mut *conn, |c| {
            let mut select = posts::table
                .filter(posts::user_id.eq(query.user.get()))
                .filter(posts::published_at.ge(from))
                .filter(posts::published_at.lt(until))
                .select(PostRow::as_select())
                .into_boxed();
            if !platforms.is_empty() {
                select = select.filter(posts::platform.eq_any(&platforms));
            }
            select.load(c)
        })?;
        // Sorted here rather than by the database: PostgreSQL reads the rows through a
        // bitmap scan and then sorts them, which took about half of the read's time on the
        // server for a user's year.
        rows.sort_unstable_by_key(|row| (row.published_at.0, row.id));
        Ok(rows)
    }

    /// The latest value of every counter of the posts `query` selects.
    fn latest_counters(&self, query: &PostQuery) -> StoreResult<Vec<CounterRow>> {
        let platforms: Vec<&'static str> = query.platforms.iter().map(|p| p.as_str()).collect();
        let (from, until) = (to_db_bound(query.from), to_db_bound(query.until));
        let mut conn = self.connection()?;
        let counters = match &mut *conn {
            // SQLite walks the posts' user/time index and looks each post's counters up by
            // primary key.
            DbConnection::Sqlite(c) => {
                let mut select = post_metrics::table
                    .inner_join(posts::table)
                    .filter(posts::user_id.eq(query.user.get()))
                    .filter(posts::published_at.ge(from))
                    .filter(posts::published_at.lt(until))
                    .select((
                        post_metrics::post_id,
                        post_metrics::metric,
                        post_metrics::value,
                    ))
                    .into_boxed();
                if !platforms.is_empty() {
                    select = select.filter(posts::platform.eq_any(&platforms));
                }
                select.load(c)?
            }
            // TODO: on PostgreSQL this read is the longest part of a cold dashboard (about
            // 6 ms for a user's year: one index probe per post and 12,800 rows to decode).
            // Keeping each post's latest counters on its row would remove it, at a cost on
            // every write; that trade is not made yet.
            //
            // PostgreSQL's plan for a join depends on statistics: with a misjudged row count
            // it hashes the whole roll-up table, so a user's read would grow with every other
            // user's posts. Collecting the post ids first (`ARRAY(...)` is computed once)
            // makes it look each post's counters up by primary key whatever the statistics.
            DbConnection::Postgres(c) => {
                let platform_filter = if platforms.is_empty() {
                    ""
                } else {
                    " AND platform = ANY($4)"
                };
                let statement = format!(
                    "SELECT post_id, metric, value FROM post_metrics \
                     WHERE post_id = ANY(ARRAY(SELECT id FROM posts \
                     WHERE user_id = $1 AND published_at >= $2 AND published_at < $3\
                     {platform_filter}))"
                );
                let select = diesel::sql_query(statement)
                    .bind::<BigInt, _>(query.user.get())
                    .bind::<Timestamp, _>(from)
                    .bind::<Timestamp, _>(until);
                let rows: Vec<CounterByName> = if platforms.is_empty() {
                    select.load(c)?
                } else {
                    select.bind::<Array<Text>, _>(&platforms).load(c)?
                };
                rows.into_iter()
                    .map(|row| (row.post_id, row.metric, row.value))
                    .collect()
            }
        };
        Ok(counters)
    }

    /// The latest value of every counter of the posts `ids`.
    fn counters_of(&self, ids: &[i64]) -> StoreResult<Vec<CounterRow>> {
        let mut conn = self.connection()?;
        let mut counters = Vec::new();
        for chunk in ids.chunks(POST_IDS_PER_QUERY) {
            let found: Vec<CounterRow> = with_connection!(&mut *conn, |c| {
                post_metrics::table
                    .filter(post_metrics::post_id.eq_any(chunk))
                    .select((
                        post_metrics::post_id,
                        post_metrics::metric,
                        post_metrics::value,
                    ))
                    .load(c)
            })?;
            counters.extend(found);
        }
        Ok(counters)
    }
}

/// A range bound as stored, rounded up to the next whole microsecond.
///
/// Stored instants are whole microseconds, so rounding a finer bound up keeps both
/// `published_at >= from` and `published_at < until` true to the instants asked for;
/// truncating it instead would let a post just before `from` in and keep one just before
/// `until` out.
fn to_db_bound(instant: DateTime<Utc>) -> NaiveDateTime {
    let stored = to_db_time(instant);
    if stored == instant.naive_utc() {
        return stored;
    }
    stored
        .checked_add_signed(TimeDelta::microseconds(1))
        .unwrap_or(stored)
}

/// Builds one summary per post, in the posts' order, with the counters read for them.
fn attach_counters(rows: Vec<PostRow>, counters: Vec<CounterRow>) -> Vec<PostSummary> {
    attach_to_summaries(rows.into_iter().map(summary_of).collect(), counters)
}

/// Files each counter under its post, ignoring counters of posts not in `summaries`.
fn attach_to_summaries(
    mut summaries: Vec<PostSummary>,
    counters: Vec<CounterRow>,
) -> Vec<PostSummary> {
    let positions: HashMap<i64, usize> = summaries
        .iter()
        .enumerate()
        .map(|(position, post)| (post.id.get(), position))
        .collect();
    for (post, Named(metric), value) in counters {
        let Some(summary) = positions.get(&post).and_then(|&at| summaries.get_mut(at)) else {
            continue;
        };
        add_counter(summary, metric, value);
    }
    summaries
}

/// A summary of a post with no counters yet.
fn summary_of(post: PostRow) -> PostSummary {
    PostSummary {
        id: PostId(post.id),
        account_id: AccountId(post.account_id),
        platform: post.platform.0,
        external_id: post.external_id,
        content_type: post.content_type.0,
        published_at: post.published_at.0.and_utc(),
        url: post.url,
        title: post.title,
        engagement: BTreeMap::new(),
        performance: BTreeMap::new(),
    }
}

/// Files one counter's latest value under engagement or performance.
fn add_counter(summary: &mut PostSummary, metric: PostMetric, value: i64) {
    match metric {
        PostMetric::Engagement(kind) => {
            summary.engagement.insert(kind, from_db_count(value));
        }
        PostMetric::Performance(metric) => {
            summary.performance.insert(metric, from_db_count(value));
        }
    }
}

/// Folds one row per (post, metric) into one summary per post, keeping the rows' order.
fn group_post_rows(rows: Vec<PostWithMetric>) -> Vec<PostSummary> {
    let mut summaries: Vec<PostSummary> = Vec::new();
    for (post, metric) in rows {
        let is_new = summaries.last().is_none_or(|last| last.id.get() != post.id);
        if is_new {
            summaries.push(summary_of(post));
        }
        let (Some(summary), Some((Named(metric), value))) = (summaries.last_mut(), metric) else {
            continue;
        };
        add_counter(summary, metric, value);
    }
    summaries
}
