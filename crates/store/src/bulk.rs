//! The largest writes of a batch (observations, their latest-value roll-up, its copy on the
//! posts' rows and daily account figures) in the form each backend stores fastest.
//!
//! SQLite takes multi-row `INSERT` statements of bounded size. PostgreSQL takes each column
//! as one array parameter and unnests it into rows, so a batch of any size is one statement
//! per table: no statement is planned with thousands of parameters, and the rows travel in
//! one round trip instead of one per chunk.

use diesel::dsl::sql;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text, Timestamp};
use diesel::sqlite::SqliteConnection;

use crate::models::{DailyInsert, LatestInsert, ObservationInsert};
use crate::schema::{account_daily_metrics, post_metrics, post_observations};

/// Rows per statement on SQLite, kept well under its limit of 32,766 bound values.
const OBSERVATION_CHUNK: usize = 4_000;
const DAILY_CHUNK: usize = 2_000;

/// A later observation replaces the stored latest value; an earlier one never does, nor does
/// one at the same instant: the history keeps the value first stored for that instant, and
/// the latest value must agree with it.
const NEWER_VALUE: &str = "CASE WHEN excluded.observed_at > post_metrics.observed_at \
     THEN excluded.value ELSE post_metrics.value END";
const NEWER_TIME: &str = "CASE WHEN excluded.observed_at > post_metrics.observed_at \
     THEN excluded.observed_at ELSE post_metrics.observed_at END";

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

/// Stores the latest values of posts that have none stored yet; PostgreSQL version.
const INSERT_NEW_LATEST_PG: &str = "INSERT INTO post_metrics \
     (post_id, metric, observed_at, value) \
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamp[], $4::bigint[])";

/// Raises each stored latest value to the batch's when the batch's is newer (the same rule
/// as [`NEWER_VALUE`]). The condition skips rows that would not change, so re-ingesting a
/// batch leaves no dead row versions behind.
const UPSERT_LATEST_PG: &str = "INSERT INTO post_metrics \
     (post_id, metric, observed_at, value) \
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamp[], $4::bigint[]) \
     ON CONFLICT (post_id, metric) DO UPDATE \
     SET observed_at = excluded.observed_at, value = excluded.value \
     WHERE excluded.observed_at > post_metrics.observed_at";

/// Copies the roll-up of the posts in `?1` (a JSON array of ids) onto their rows, in the form
/// `posts.counters` documents; SQLite version. Rows whose copy is current are left alone.
const REFRESH_COUNTERS_SQLITE: &str = "UPDATE posts SET counters = latest.counters \
     FROM (SELECT post_id, group_concat(metric || '=' || value, ',' ORDER BY metric) AS counters \
     FROM post_metrics WHERE post_id IN (SELECT value FROM json_each(?1)) GROUP BY post_id) \
     AS latest \
     WHERE posts.id = latest.post_id AND posts.counters IS NOT latest.counters";

/// The same for the posts in the array `$1`; PostgreSQL version.
const REFRESH_COUNTERS_PG: &str = "UPDATE posts SET counters = latest.counters \
     FROM (SELECT post_id, \
     string_agg(metric || '=' || value, ',' ORDER BY metric COLLATE \"C\") AS counters \
     FROM post_metrics WHERE post_id = ANY($1) GROUP BY post_id) AS latest \
     WHERE posts.id = latest.post_id AND posts.counters IS DISTINCT FROM latest.counters";

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
    /// Inserts `rows` (unique by post, metric and time), leaving rows already stored alone;
    /// returns how many were new. Runs inside the caller's transaction.
    fn insert_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<u64>;

    /// Inserts `rows` (unique by post, metric and time) of posts that have no observation
    /// stored, such as posts created in the caller's transaction. Runs inside it.
    fn insert_new_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<()>;

    /// Inserts `rows` (unique by post and metric) as the latest values of posts that have
    /// none stored. Runs inside the caller's transaction.
    fn insert_new_latest(&mut self, rows: &[LatestInsert]) -> QueryResult<()>;

    /// Stores each of `rows` (unique by post and metric) as the latest value of its counter
    /// unless the stored one is at least as recent. Runs inside the caller's transaction.
    fn upsert_latest(&mut self, rows: &[LatestInsert]) -> QueryResult<()>;

    /// Copies the latest counters of the posts `post_ids` from the roll-up onto the posts'
    /// rows (`posts.counters`). Runs inside the caller's transaction, which must be the only
    /// writer of these posts' roll-up until it ends: the copy is built from the roll-up as
    /// the statement finds it. The write path makes sure of that by locking the user's
    /// data-version row first.
    fn refresh_counters(&mut self, post_ids: &[i64]) -> QueryResult<()>;

    /// Stores each of `rows` (unique by account, metric and day) unless the stored figure
    /// was observed later; returns how many rows were written. Runs inside the caller's
    /// transaction.
    fn upsert_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<u64>;
}

impl BulkWrite for SqliteConnection {
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

    fn insert_new_latest(&mut self, rows: &[LatestInsert]) -> QueryResult<()> {
        for chunk in rows.chunks(OBSERVATION_CHUNK) {
            diesel::insert_into(post_metrics::table)
                .values(chunk)
                .execute(self)?;
        }
        Ok(())
    }

    fn upsert_latest(&mut self, rows: &[LatestInsert]) -> QueryResult<()> {
        for chunk in rows.chunks(OBSERVATION_CHUNK) {
            diesel::insert_into(post_metrics::table)
                .values(chunk)
                .on_conflict((post_metrics::post_id, post_metrics::metric))
                .do_update()
                .set((
                    post_metrics::value.eq(sql::<BigInt>(NEWER_VALUE)),
                    post_metrics::observed_at.eq(sql::<Timestamp>(NEWER_TIME)),
                ))
                .execute(self)?;
        }
        Ok(())
    }

    fn refresh_counters(&mut self, post_ids: &[i64]) -> QueryResult<()> {
        if post_ids.is_empty() {
            return Ok(());
        }
        let ids = serde_json::to_string(post_ids)
            .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
        diesel::sql_query(REFRESH_COUNTERS_SQLITE)
            .bind::<Text, _>(ids)
            .execute(self)?;
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
    fn insert_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<u64> {
        let created = Columns::of_observations(rows).execute(INSERT_OBSERVATIONS_PG, self)?;
        Ok(created as u64)
    }

    fn insert_new_observations(&mut self, rows: &[ObservationInsert]) -> QueryResult<()> {
        Columns::of_observations(rows).execute(INSERT_NEW_OBSERVATIONS_PG, self)?;
        Ok(())
    }

    fn insert_new_latest(&mut self, rows: &[LatestInsert]) -> QueryResult<()> {
        Columns::of_latest(rows).execute(INSERT_NEW_LATEST_PG, self)?;
        Ok(())
    }

    fn upsert_latest(&mut self, rows: &[LatestInsert]) -> QueryResult<()> {
        Columns::of_latest(rows).execute(UPSERT_LATEST_PG, self)?;
        Ok(())
    }

    fn refresh_counters(&mut self, post_ids: &[i64]) -> QueryResult<()> {
        if post_ids.is_empty() {
            return Ok(());
        }
        diesel::sql_query(REFRESH_COUNTERS_PG)
            .bind::<Array<BigInt>, _>(post_ids)
            .execute(self)?;
        Ok(())
    }

    fn upsert_daily(&mut self, rows: &[DailyInsert]) -> QueryResult<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        let written = diesel::sql_query(UPSERT_DAILY_PG)
            .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.account_id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|row| row.metric).collect::<Vec<_>>())
            .bind::<Array<Date>, _>(rows.iter().map(|row| row.day).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.value).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(rows.iter().map(|row| row.observed_at).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(rows.iter().map(|row| row.user_id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|row| row.platform).collect::<Vec<_>>())
            .execute(self)?;
        Ok(written as u64)
    }
}

/// Counter rows split into one array per column, as PostgreSQL's `unnest` takes them.
struct Columns {
    post_ids: Vec<i64>,
    metrics: Vec<&'static str>,
    observed_at: Vec<chrono::NaiveDateTime>,
    values: Vec<i64>,
}

impl Columns {
    fn of(
        rows: impl ExactSizeIterator<Item = (i64, &'static str, chrono::NaiveDateTime, i64)>,
    ) -> Self {
        let mut columns = Self {
            post_ids: Vec::with_capacity(rows.len()),
            metrics: Vec::with_capacity(rows.len()),
            observed_at: Vec::with_capacity(rows.len()),
            values: Vec::with_capacity(rows.len()),
        };
        for (post_id, metric, observed_at, value) in rows {
            columns.post_ids.push(post_id);
            columns.metrics.push(metric);
            columns.observed_at.push(observed_at);
            columns.values.push(value);
        }
        columns
    }

    /// The columns of observation rows.
    fn of_observations(rows: &[ObservationInsert]) -> Self {
        Self::of(
            rows.iter()
                .map(|row| (row.post_id, row.metric, row.observed_at, row.value)),
        )
    }

    /// The columns of latest-value rows.
    fn of_latest(rows: &[LatestInsert]) -> Self {
        Self::of(
            rows.iter()
                .map(|row| (row.post_id, row.metric, row.observed_at, row.value)),
        )
    }

    /// Runs `statement` with the four arrays bound to `$1` to `$4`, returning the rows
    /// it wrote; with no rows it writes nothing and runs nothing.
    fn execute(self, statement: &str, conn: &mut PgConnection) -> QueryResult<usize> {
        if self.post_ids.is_empty() {
            return Ok(0);
        }
        diesel::sql_query(statement)
            .bind::<Array<BigInt>, _>(self.post_ids)
            .bind::<Array<Text>, _>(self.metrics)
            .bind::<Array<Timestamp>, _>(self.observed_at)
            .bind::<Array<BigInt>, _>(self.values)
            .execute(conn)
    }
}
