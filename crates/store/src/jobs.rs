//! Collection jobs: queued, claimed by a worker, finished with their outcomes.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tally_domain::{AccountOutcome, Job, JobId, JobResult, JobState, UserId};

use crate::models::{from_db_count, to_db_count, to_db_time};
use crate::schema::jobs;
use crate::{DieselStore, JobStore, StoreError, StoreResult, with_connection};

#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct JobRow {
    id: i64,
    user_id: i64,
    state: String,
    days_back: i32,
    created_at: NaiveDateTime,
    started_at: Option<NaiveDateTime>,
    finished_at: Option<NaiveDateTime>,
    attempts: i32,
    posts_written: i64,
    observations_written: i64,
    daily_metrics_written: i64,
    outcomes: String,
    error: Option<String>,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(row: JobRow) -> StoreResult<Self> {
        let outcomes: Vec<AccountOutcome> = serde_json::from_str(&row.outcomes)
            .map_err(|error| StoreError::Invalid(format!("job {} outcomes: {error}", row.id)))?;
        Ok(Job {
            id: JobId(row.id),
            user_id: UserId(row.user_id),
            state: row.state.parse()?,
            days_back: u32::try_from(row.days_back).unwrap_or_default(),
            created_at: row.created_at.and_utc(),
            started_at: row.started_at.map(|at| at.and_utc()),
            finished_at: row.finished_at.map(|at| at.and_utc()),
            attempts: u32::try_from(row.attempts).unwrap_or_default(),
            posts_written: from_db_count(row.posts_written),
            observations_written: from_db_count(row.observations_written),
            daily_metrics_written: from_db_count(row.daily_metrics_written),
            outcomes,
            error: row.error,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
struct JobInsert {
    user_id: i64,
    state: &'static str,
    days_back: i32,
    created_at: NaiveDateTime,
}

const ACTIVE: [&str; 2] = ["queued", "running"];

impl JobStore for DieselStore {
    fn enqueue_collection(
        &self,
        user: UserId,
        days_back: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<(Job, bool)> {
        let row = JobInsert {
            user_id: user.get(),
            state: JobState::Queued.as_str(),
            days_back: i32::try_from(days_back)
                .map_err(|_| StoreError::OutOfRange(format!("days_back {days_back}")))?,
            created_at: to_db_time(now),
        };
        let mut conn = self.connection()?;
        // A unique index allows one queued or running job per user, so of two simultaneous
        // requests one inserts and the other finds that job.
        let inserted = with_connection!(&mut *conn, |c| {
            diesel::insert_into(jobs::table).values(&row).execute(c)
        });
        let created = match inserted {
            Ok(_) => true,
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => false,
            Err(other) => return Err(other.into()),
        };
        let active: Option<JobRow> = with_connection!(&mut *conn, |c| {
            jobs::table
                .filter(jobs::user_id.eq(user.get()))
                .filter(jobs::state.eq_any(ACTIVE))
                .select(JobRow::as_select())
                .first(c)
                .optional()
        })?;
        match active {
            Some(row) => Ok((row.try_into()?, created)),
            // The other job finished between the two statements: ask again.
            None if !created => self.enqueue_collection(user, days_back, now),
            None => Err(StoreError::Invalid(format!(
                "the new job of user {user} vanished"
            ))),
        }
    }

    fn job(&self, id: JobId) -> StoreResult<Option<Job>> {
        let mut conn = self.connection()?;
        let row: Option<JobRow> = with_connection!(&mut *conn, |c| {
            jobs::table
                .find(id.get())
                .select(JobRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Job::try_from).transpose()
    }

    fn next_queued_job(&self) -> StoreResult<Option<JobId>> {
        let mut conn = self.connection()?;
        let id: Option<i64> = with_connection!(&mut *conn, |c| {
            jobs::table
                .filter(jobs::state.eq(JobState::Queued.as_str()))
                .order(jobs::id)
                .select(jobs::id)
                .first(c)
                .optional()
        })?;
        Ok(id.map(JobId))
    }

    fn claim_job(&self, id: JobId, now: DateTime<Utc>) -> StoreResult<Option<Job>> {
        let mut conn = self.connection()?;
        let claimed = with_connection!(&mut *conn, |c| {
            diesel::update(
                jobs::table
                    .filter(jobs::id.eq(id.get()))
                    .filter(jobs::state.eq(JobState::Queued.as_str())),
            )
            .set((
                jobs::state.eq(JobState::Running.as_str()),
                jobs::started_at.eq(Some(to_db_time(now))),
                jobs::attempts.eq(jobs::attempts + 1),
            ))
            .execute(c)
        })?;
        if claimed == 0 {
            return Ok(None);
        }
        self.job(id)
    }

    fn finish_job(&self, id: JobId, result: &JobResult, now: DateTime<Utc>) -> StoreResult<Job> {
        let total = |count: fn(&AccountOutcome) -> u64| -> StoreResult<i64> {
            to_db_count(result.outcomes.iter().map(count).sum(), "job count")
        };
        let outcomes = serde_json::to_string(&result.outcomes)
            .map_err(|error| StoreError::Invalid(format!("job outcomes: {error}")))?;
        let (posts, observations, daily) = (
            total(|outcome| outcome.posts)?,
            total(|outcome| outcome.observations)?,
            total(|outcome| outcome.daily_metrics)?,
        );
        let mut conn = self.connection()?;
        with_connection!(&mut *conn, |c| {
            diesel::update(jobs::table.find(id.get()))
                .set((
                    jobs::state.eq(result.state.as_str()),
                    jobs::finished_at.eq(Some(to_db_time(now))),
                    jobs::posts_written.eq(posts),
                    jobs::observations_written.eq(observations),
                    jobs::daily_metrics_written.eq(daily),
                    jobs::outcomes.eq(&outcomes),
                    jobs::error.eq(result.error.as_deref()),
                ))
                .execute(c)
        })?;
        self.job(id)?
            .ok_or_else(|| StoreError::Invalid(format!("job {id} vanished while finishing")))
    }

    fn requeue_interrupted_jobs(&self) -> StoreResult<usize> {
        let mut conn = self.connection()?;
        let requeued = with_connection!(&mut *conn, |c| {
            diesel::update(jobs::table.filter(jobs::state.eq(JobState::Running.as_str())))
                .set((
                    jobs::state.eq(JobState::Queued.as_str()),
                    jobs::started_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)
        })?;
        Ok(requeued)
    }
}
