//! The largest writes of a batch (observations, the latest counters on the posts' rows and
//! daily account figures) in the form each backend stores fastest.
//!
//! SQLite takes multi-row `INSERT` statements of bounded size. PostgreSQL takes each column
//! as one array parameter and unnests it into rows, so a batch of any size is one statement
//! per table: no statement is planned with thousands of parameters, and the rows travel in
//! one round trip instead of one per chunk.

use diesel::dsl::sql;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Nullable, Text, Timestamp};
use diesel::sqlite::SqliteConnection;

use crate::models::{DailyInsert, ObservationInsert, PostInsert};
use crate::schema::{account_daily_metrics, post_observations, posts};

/// Rows per statement on SQLite (and for updates of stored posts on both backends), kept
/// well under SQLite's limit of 32,766 bound values.
const OBSERVATION_CHUNK: usize = 4_000;
const DAILY_CHUNK: usize = 2_000;
pub(crate) const POST_CHUNK: usize = 1_000;

/// A later observation of a day replaces the stored figure, as does one at the same instant.
const NEWER_DAILY_VALUE: &str = "CASE WHEN excluded.observed_at >= account_daily_metrics.observed_at \
     THEN excluded.value ELSE account_daily_metrics.value END";
const NEWER_DAILY_TIME: &str = "CASE WHEN excluded.observed_at >= account_daily_metrics.observed_at \
     THEN excluded.observed_at ELSE account_daily_metrics.observed_at END";

/// Stores observations that are new and skips those already stored; PostgreSQL version.
const INSERT_OBSERVATIONS_PG: &str = "INSERT INTO post_observations \
     (post_id, metric, observed_at, value) \
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamp[], $4::bigint[]) \
     ON CONFLICT DO NOTHING";

/// Stores observations of posts that have none stored yet; PostgreSQL version. Without a
/// conflict clause PostgreSQL inserts the rows directly, without the speculative insertion
/// that checking for conflicts takes.
const INSERT_NEW_OBSERVATIONS_PG: &str = "INSERT INTO post_observations \
     (post_id, metric, observed_at, value) \
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamp[], $4::bigint[])";

/// The latest value of each (post, metric) pair in `$1` and `$2`, in their order; NULL for a
/// pair with no observation. Each is one backward probe of the history's primary key.
const LATEST_VALUES_PG: &str = "SELECT latest.value FROM \
     unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS wanted (post_id, metric, position) \
     LEFT JOIN LATERAL (SELECT value FROM post_observations \
     WHERE post_observations.post_id = wanted.post_id AND post_observations.metric = wanted.metric \
     ORDER BY observed_at DESC LIMIT 1) AS latest ON true \
     ORDER BY wanted.position";

/// The latest value of every counter of the posts in `$1`, as (post, metric, value) rows;
/// PostgreSQL version.
const LATEST_OF_POSTS_PG: &str = "SELECT DISTINCT ON (post_id, metric) post_id, metric, value \
     FROM post_observations WHERE post_id = ANY($1) \
     ORDER BY post_id, metric, observed_at DESC";

/// The same for the posts in `?1` (a JSON array of ids); SQLite version. SQLite takes the
/// bare columns of a row that holds the `max()` of its group.
const LATEST_OF_POSTS_SQLITE: &str = "SELECT post_id, metric, value, max(observed_at) AS latest \
     FROM post_observations WHERE post_id IN (SELECT value FROM json_each(?1)) \
     GROUP BY post_id, metric";

/// Sets `posts.counters` of the posts in `$1` to the texts in `$2`.
const SET_COUNTERS_PG: &str = "UPDATE posts SET counters = changed.counters \
     FROM unnest($1::bigint[], $2::text[]) AS changed (id, counters) \
     WHERE posts.id = changed.id";

/// Stores posts that are new and skips those already stored, returning the id and platform
/// id of each new one; PostgreSQL version.
const INSERT_POSTS_PG: &str = "INSERT INTO posts \
     (account_id, user_id, platform, external_id, content_type, published_at, url, title, \
     counters) \
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], \
     $6::timestamp[], $7::text[], $8::text[], $9::text[]) \
     ON CONFLICT DO NOTHING RETURNING id, external_id";

/// Stores daily figures of days that have none stored; PostgreSQL version.
const INSERT_NEW_DAILY_PG: &str = "INSERT INTO account_daily_metrics \
     (account_id, metric, day, value, observed_at, user_id, platform) \
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::bigint[], \
     $5::timestamp[], $6::bigint[], $7::text[])";

/// Stores daily figures with the rule of [`NEWER_DAILY_VALUE`]; PostgreSQL version.
const UPSERT_DAILY_PG: &str = "INSERT INTO account_daily_metrics \
     (account_id, metric, day, value, observed_at, user_id, platform) \
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::bigint[], \
     $5::timestamp[], $6::bigint[], $7::text[]) \
     ON CONFLICT (account_id, metric, day) DO UPDATE \
     SET value = excluded.value, observed_at = excluded.observed_at \
     WHERE excluded.observed_at >= account_daily_metrics.observed_at";

/// Bulk writes of a batch's counters, implemented per backend.
pub(crate) trait BulkWrite {
    /// Inserts the posts of `rows` that are not stored yet, leaving stored ones alone;
    /// returns the id and platform id of each new post. Runs inside the caller's
    /// transaction.
    fn insert_new_posts(&mut self, rows: &[PostInsert<'_>]) -> QueryResult<Vec<(i64, String)>>;

    /// Inserts `rows` (unique by post, metric and time), leaving rows already stored alone;
    /// returns how many were new. Runs inside the caller's transaction.
    fn insert_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<u64>;

    /// Inserts `rows` (unique by post, metric and time) of posts that have no observation
    /// stored, such as posts created in the caller's transaction. Runs inside it.
    fn insert_new_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<()>;

    /// The latest stored value of each (post, metric) pair of `pairs`, in their order; `None`
    /// for a pair with no observation. Runs inside the caller's transaction.
    fn latest_values(&mut self, pairs: &[(i64, &'static str)]) -> QueryResult<Vec<Option<i64>>>;

    /// The latest stored value of every counter of the posts `post_ids`, as (post, metric,
    /// value) rows. Runs inside the caller's transaction.
    fn latest_of_posts(&mut self, post_ids: &[i64]) -> QueryResult<Vec<(i64, String, i64)>>;

    /// Sets `posts.counters` of each post in `rows` to its text. Runs inside the caller's
    /// transaction.
    fn set_counters(&mut self, rows: &[(i64, String)]) -> QueryResult<()>;

    /// Inserts `rows` (unique by account, metric and day) of days that have no figure
    /// stored. Runs inside the caller's transaction, which must be the only writer of these
    /// accounts' figures until it ends.
    fn insert_new_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<()>;

    /// Stores each of `rows` (unique by account, metric and day) unless the stored figure
    /// was observed later; returns how many rows were written. Runs inside the caller's
    /// transaction.
    fn upsert_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<u64>;
}

impl BulkWrite for SqliteConnection {
    fn insert_new_posts(&mut self, rows: &[PostInsert<'_>]) -> QueryResult<Vec<(i64, String)>> {
        let mut created = Vec::new();
        for chunk in rows.chunks(POST_CHUNK) {
            created.extend(
                diesel::insert_into(posts::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .returning((posts::id, posts::external_id))
                    .get_results::<(i64, String)>(self)?,
            );
        }
        Ok(created)
    }

    fn insert_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<u64> {
        let mut created = 0;
        for chunk in rows.chunks(OBSERVATION_CHUNK) {
            created += diesel::insert_into(post_observations::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(self)? as u64;
        }
        Ok(created)
    }

    fn insert_new_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<()> {
        for chunk in rows.chunks(OBSERVATION_CHUNK) {
            diesel::insert_into(post_observations::table)
                .values(chunk)
                .execute(self)?;
        }
        Ok(())
    }

    fn latest_values(&mut self, pairs: &[(i64, &'static str)]) -> QueryResult<Vec<Option<i64>>> {
        pairs
            .iter()
            .map(|&(post_id, metric)| {
                post_observations::table
                    .filter(post_observations::post_id.eq(post_id))
                    .filter(post_observations::metric.eq(metric))
                    .order(post_observations::observed_at.desc())
                    .select(post_observations::value)
                    .first::<i64>(self)
                    .optional()
            })
            .collect()
    }

    fn latest_of_posts(&mut self, post_ids: &[i64]) -> QueryResult<Vec<(i64, String, i64)>> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(post_ids)
            .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
        let rows: Vec<LatestOfPost> = diesel::sql_query(LATEST_OF_POSTS_SQLITE)
            .bind::<Text, _>(ids)
            .load(self)?;
        Ok(rows.into_iter().map(LatestOfPost::into_row).collect())
    }

    fn set_counters(&mut self, rows: &[(i64, String)]) -> QueryResult<()> {
        for (id, counters) in rows {
            diesel::update(posts::table.find(id))
                .set(posts::counters.eq(counters))
                .execute(self)?;
        }
        Ok(())
    }

    fn insert_new_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<()> {
        for chunk in rows.chunks(DAILY_CHUNK) {
            diesel::insert_into(account_daily_metrics::table)
                .values(chunk)
                .execute(self)?;
        }
        Ok(())
    }

    fn upsert_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<u64> {
        let mut written = 0;
        for chunk in rows.chunks(DAILY_CHUNK) {
            written += diesel::insert_into(account_daily_metrics::table)
                .values(chunk)
                .on_conflict((
                    account_daily_metrics::account_id,
                    account_daily_metrics::metric,
                    account_daily_metrics::day,
                ))
                .do_update()
                .set((
                    account_daily_metrics::value.eq(sql::<BigInt>(NEWER_DAILY_VALUE)),
                    account_daily_metrics::observed_at.eq(sql::<Timestamp>(NEWER_DAILY_TIME)),
                ))
                .execute(self)? as u64;
        }
        Ok(written)
    }
}

impl BulkWrite for PgConnection {
    fn insert_new_posts(&mut self, rows: &[PostInsert<'_>]) -> QueryResult<Vec<(i64, String)>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let created: Vec<CreatedPost> = diesel::sql_query(INSERT_POSTS_PG)
            .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.account_id).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.user_id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|row| row.platform).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|row| row.external_id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|row| row.content_type).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(
                rows.iter().map(|row| row.published_at).collect::<Vec<_>>(),
            )
            .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|row| row.url).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|row| row.title).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                rows.iter().map(|row| row.counters).collect::<Vec<_>>(),
            )
            .load(self)?;
        Ok(created
            .into_iter()
            .map(|post| (post.id, post.external_id))
            .collect())
    }

    fn insert_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<u64> {
        let created = observation_columns(INSERT_OBSERVATIONS_PG, rows, self)?;
        Ok(created as u64)
    }

    fn insert_new_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<()> {
        observation_columns(INSERT_NEW_OBSERVATIONS_PG, rows, self)?;
        Ok(())
    }

    fn latest_values(&mut self, pairs: &[(i64, &'static str)]) -> QueryResult<Vec<Option<i64>>> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<LatestValue> = diesel::sql_query(LATEST_VALUES_PG)
            .bind::<Array<BigInt>, _>(pairs.iter().map(|pair| pair.0).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(pairs.iter().map(|pair| pair.1).collect::<Vec<_>>())
            .load(self)?;
        Ok(rows.into_iter().map(|row| row.value).collect())
    }

    fn latest_of_posts(&mut self, post_ids: &[i64]) -> QueryResult<Vec<(i64, String, i64)>> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<LatestOfPost> = diesel::sql_query(LATEST_OF_POSTS_PG)
            .bind::<Array<BigInt>, _>(post_ids)
            .load(self)?;
        Ok(rows.into_iter().map(LatestOfPost::into_row).collect())
    }

    fn set_counters(&mut self, rows: &[(i64, String)]) -> QueryResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        diesel::sql_query(SET_COUNTERS_PG)
            .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.0).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|row| row.1.as_str()).collect::<Vec<_>>())
            .execute(self)?;
        Ok(())
    }

    fn insert_new_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<()> {
        daily_columns(diesel::sql_query(INSERT_NEW_DAILY_PG), rows, self)?;
        Ok(())
    }

    fn upsert_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<u64> {
        let written = daily_columns(diesel::sql_query(UPSERT_DAILY_PG), rows, self)?;
        Ok(written as u64)
    }
}

/// Runs `statement` with the columns of `rows` bound to `$1` to `$7` as arrays, returning
/// the rows it wrote; with no rows it writes nothing and runs nothing.
fn daily_columns(
    statement: diesel::query_builder::SqlQuery,
    rows: &[DailyInsert],
    conn: &mut PgConnection,
) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    statement
        .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.account_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|row| row.metric).collect::<Vec<_>>())
        .bind::<Array<Date>, _>(rows.iter().map(|row| row.day).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.value).collect::<Vec<_>>())
        .bind::<Array<Timestamp>, _>(rows.iter().map(|row| row.observed_at).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.user_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|row| row.platform).collect::<Vec<_>>())
        .execute(conn)
}

/// One row of [`LATEST_OF_POSTS_PG`] or [`LATEST_OF_POSTS_SQLITE`].
#[derive(QueryableByName)]
struct LatestOfPost {
    #[diesel(sql_type = BigInt)]
    post_id: i64,
    #[diesel(sql_type = Text)]
    metric: String,
    #[diesel(sql_type = BigInt)]
    value: i64,
}

impl LatestOfPost {
    fn into_row(self) -> (i64, String, i64) {
        (self.post_id, self.metric, self.value)
    }
}

/// A post that [`INSERT_POSTS_PG`] created.
#[derive(QueryableByName)]
struct CreatedPost {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    external_id: String,
}

/// One value of [`LATEST_VALUES_PG`].
#[derive(QueryableByName)]
struct LatestValue {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    value: Option<i64>,
}

/// Runs `statement` with the columns of the observation rows `rows` bound to `$1` to `$4`
/// as arrays, returning the rows it wrote; with no rows it writes nothing and runs nothing.
fn observation_columns(
    statement: &str,
    rows: &[ObservationInsert],
    conn: &mut PgConnection,
) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    diesel::sql_query(statement)
        .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.post_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(rows.iter().map(|row| row.metric).collect::<Vec<_>>())
        .bind::<Array<Timestamp>, _>(rows.iter().map(|row| row.observed_at).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.value).collect::<Vec<_>>())
        .execute(conn)
}
