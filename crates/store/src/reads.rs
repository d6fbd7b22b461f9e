//! The reads that analyses are built from.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use tally_domain::{
    AccountId, ContentType, DailyMetric, DateRange, Platform, PostId, PostObservation, PostSummary,
    UserId,
};

use crate::columns::{Named, StoredCounters, StoredTime};
use crate::models::{DailyRow, from_db_count, to_db_time};
use crate::schema::{account_daily_metrics, accounts, post_observations, posts};
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
    /// The latest counters, kept on the row by the write path.
    counters: Option<StoredCounters>,
}

impl AnalyticsStore for DieselStore {
    fn posts(&self, query: &PostQuery) -> StoreResult<Vec<PostSummary>> {
        Ok(self
            .post_rows(query)?
            .into_iter()
            .map(PostSummary::from)
            .collect())
    }

    fn post(&self, user: UserId, post: PostId) -> StoreResult<Option<PostSummary>> {
        let mut conn = self.connection()?;
        let row: Option<PostRow> = with_connection!(&mut *conn, |c| {
            posts::table
                .filter(posts::id.eq(post.get()))
                .filter(posts::user_id.eq(user.get()))
                .select(PostRow::as_select())
                .first(c)
                .optional()
        })?;
        Ok(row.map(PostSummary::from))
    }

    fn post_by_external_id(
        &self,
        user: UserId,
        platform: Platform,
        external_id: &str,
    ) -> StoreResult<Option<PostSummary>> {
        let mut conn = self.connection()?;
        let row: Option<PostRow> = with_connection!(&mut *conn, |c| {
            posts::table
                .filter(posts::user_id.eq(user.get()))
                .filter(posts::platform.eq(platform.as_str()))
                .filter(posts::external_id.eq(external_id))
                .select(PostRow::as_select())
                .order(posts::id)
                .first(c)
                .optional()
        })?;
        Ok(row.map(PostSummary::from))
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
        let counts = with_connection!(&mut *conn, |c| {
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
            let daily: i64 = account_daily_metrics::table
                .filter(account_daily_metrics::user_id.eq(user))
                .count()
                .get_result(c)?;
            // One more counter than commas in each post's `metric=value` list.
            let counters: Option<i64> = posts::table
                .filter(posts::user_id.eq(user))
                .filter(posts::counters.is_not_null())
                .select(diesel::dsl::sql::<
                    diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
                >(
                    "SUM(length(counters) - length(replace(counters, ',', '')) + 1)",
                ))
                .get_result(c)?;
            Ok::<_, diesel::result::Error>([
                accounts,
                posts,
                observations,
                counters.unwrap_or(0),
                daily,
            ])
        })?;
        let [
            accounts,
            posts,
            observations,
            latest_counters,
            daily_metrics,
        ] = counts.map(from_db_count);
        Ok(RowCounts {
            accounts,
            posts,
            observations,
            latest_counters,
            daily_metrics,
        })
    }

    fn data_version(&self, user: UserId) -> StoreResult<Option<i64>> {
        self.read_data_version(user)
    }
}

impl DieselStore {
    /// The posts `query` selects, in publication order, with their latest counters.
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

impl From<PostRow> for PostSummary {
    fn from(post: PostRow) -> Self {
        let counters = post.counters.unwrap_or_default();
        PostSummary {
            id: PostId(post.id),
            account_id: AccountId(post.account_id),
            platform: post.platform.0,
            external_id: post.external_id,
            content_type: post.content_type.0,
            published_at: post.published_at.0.and_utc(),
            url: post.url,
            title: post.title,
            engagement: counters.engagement,
            performance: counters.performance,
        }
    }
}
