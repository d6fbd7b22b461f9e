//! Persistence for tally.
//!
//! The upper layers depend on the traits in this crate: [`AccountStore`] for users and their
//! connected accounts, [`IngestStore`] for the batched, idempotent write path that
//! collection, imports and the sample generator share, and [`AnalyticsStore`] for the reads
//! the analyzer needs. [`DieselStore`] implements all of them with diesel, on an SQLite file
//! or a PostgreSQL server chosen by the database URL (see [`DatabaseUrl`]).
//!
//! Every write is idempotent: storing the same observation twice leaves one row. Reads are
//! answered from each post's latest counters, kept on the post's row, and from daily
//! account figures, both indexed by user and time, so their cost follows one user's data,
//! not everyone's.
//!
//! With the `mocks` feature, mockall mocks of the traits (`MockAccountStore`, ...) are
//! exported for other crates' tests. With the `openapi` feature, [`IngestSummary`]
//! implements utoipa's `ToSchema`, for HTTP layers that publish an OpenAPI document.

mod bulk;
mod columns;
pub mod connection;
mod credentials;
mod error;
mod ingest;
mod jobs;
mod models;
mod parallel;
mod reads;
pub mod schema;
mod secrets;
mod statistics;
#[cfg(feature = "test-support")]
pub mod testing;
mod tokens;
mod url;
mod users;
mod versions;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tally_domain::{
    Account, AccountId, AccountStatus, AccountUpdate, ApiToken, DailyMetric, DateRange,
    IngestBatch, Job, JobId, JobResult, NewAccount, NewApiToken, NewUser, Platform, PostId,
    PostObservation, PostSummary, Secret, User, UserId,
};

pub use connection::{DbConnection, DbPool, connect_and_migrate};
pub use error::{StoreError, StoreResult};
pub use ingest::IMPORTED_HANDLE;
pub use parallel::both;
pub use secrets::{CREDENTIAL_FORMAT_V1, InvalidSecretKey, SecretKey};
pub use url::DatabaseUrl;

/// Users and the platform accounts they connect.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait AccountStore: Send + Sync {
    /// Creates the user, or updates the name and time zone of the user with that id.
    fn upsert_user(&self, user: &NewUser) -> StoreResult<User>;

    /// The user with this id, if there is one.
    fn user(&self, id: UserId) -> StoreResult<Option<User>>;

    /// Connects an account, or updates the one with the same user, platform and handle.
    fn upsert_account(&self, account: &NewAccount) -> StoreResult<Account>;

    /// The user's accounts, ordered by platform name and handle.
    fn accounts(&self, user: UserId) -> StoreResult<Vec<Account>>;

    /// One of the user's accounts, or `None` when the user has no such account.
    fn account(&self, user: UserId, account: AccountId) -> StoreResult<Option<Account>>;

    /// Changes one of the user's accounts; `None` when the user has no such account.
    fn update_account(
        &self,
        user: UserId,
        account: AccountId,
        update: &AccountUpdate,
    ) -> StoreResult<Option<Account>>;

    /// Removes one of the user's accounts with everything stored for it (posts, their
    /// observations, daily figures); `false` when the user has no such account.
    fn delete_account(&self, user: UserId, account: AccountId) -> StoreResult<bool>;

    /// The stored credential of an account, for collection only.
    fn account_credential(&self, account: AccountId) -> StoreResult<Option<Secret>>;

    /// Records whether collection can read the account.
    fn set_account_status(&self, account: AccountId, status: AccountStatus) -> StoreResult<()>;

    /// Records when collection last stored data for the account.
    fn mark_collected(&self, account: AccountId, at: DateTime<Utc>) -> StoreResult<()>;

    /// Every user with at least one connected account, by id.
    fn users_with_accounts(&self) -> StoreResult<Vec<UserId>>;
}

/// What one [`IngestStore::ingest`] call changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestSummary {
    /// Posts stored for the first time.
    pub posts_created: u64,
    /// Posts that were already stored and were refreshed.
    pub posts_updated: u64,
    /// Engagement and performance observations stored for the first time.
    pub observations_created: u64,
    /// Observations left out: one of the same post and counter at the same instant was
    /// already stored, or came earlier in the same batch. The value recorded first stays.
    pub observations_skipped: u64,
    /// Daily account figures stored or replaced by a newer observation.
    pub daily_metrics_written: u64,
    /// Daily account figures left out: the stored one is the same or was observed later, or
    /// a later record of the same day in the batch took its place.
    pub daily_metrics_skipped: u64,
}

impl IngestSummary {
    /// Adds another summary to this one.
    pub fn add(&mut self, other: &IngestSummary) {
        self.posts_created += other.posts_created;
        self.posts_updated += other.posts_updated;
        self.observations_created += other.observations_created;
        self.observations_skipped += other.observations_skipped;
        self.daily_metrics_written += other.daily_metrics_written;
        self.daily_metrics_skipped += other.daily_metrics_skipped;
    }
}

/// The batched write path shared by collection, imports and the sample generator.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait IngestStore: Send + Sync {
    /// Stores a batch for one account in a single transaction: all of it or none of it.
    ///
    /// Posts are matched by their platform id, observations by post, metric and time, and
    /// daily figures by metric and day, so storing the same batch twice changes nothing.
    /// A counter's latest value is only ever replaced by a later observation.
    fn ingest(&self, account: AccountId, batch: &IngestBatch) -> StoreResult<IngestSummary>;
}

/// The all-or-nothing write path of imports. (Not mocked: it takes a closure; tests use a
/// real database for it.)
pub trait ImportStore: Send + Sync {
    /// Runs `work` in one transaction: every batch it hands to the [`BatchWriter`] is stored
    /// when `work` returns `Ok`, and nothing at all is stored when it returns an error.
    /// Imports use it to be all-or-nothing while reading their file in bounded memory.
    fn ingest_atomically(
        &self,
        work: &mut dyn FnMut(&mut dyn BatchWriter) -> StoreResult<()>,
    ) -> StoreResult<IngestSummary>;
}

/// Whose records a batch written through a [`BatchWriter`] are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportTarget {
    /// The user the records belong to.
    pub user: UserId,
    /// Their platform.
    pub platform: Platform,
    /// The account's handle when the source names it; without one, the user's only account
    /// on the platform is used, or an account named [`IMPORTED_HANDLE`] is created.
    pub handle: Option<String>,
    /// The account's server, where that varies.
    pub base_url: Option<String>,
}

/// Stores batches inside the transaction of [`IngestStore::ingest_atomically`].
pub trait BatchWriter {
    /// Stores one batch for the target's account (created when needed), returning the
    /// account's id and what changed.
    fn write(
        &mut self,
        target: &ImportTarget,
        batch: &IngestBatch,
    ) -> StoreResult<(AccountId, IngestSummary)>;
}

/// Collection jobs, shared by the HTTP API, the CLI and the background workers.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait JobStore: Send + Sync {
    /// Queues a collection for the user, unless one is already queued or running: then
    /// that job is returned. The flag says whether a new job was created.
    fn enqueue_collection(
        &self,
        user: UserId,
        days_back: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<(Job, bool)>;

    /// The job with this id.
    fn job(&self, id: JobId) -> StoreResult<Option<Job>>;

    /// The oldest queued job.
    fn next_queued_job(&self) -> StoreResult<Option<JobId>>;

    /// Marks a queued job as running for the caller; `None` when another worker took it
    /// first or it is not queued.
    fn claim_job(&self, id: JobId, now: DateTime<Utc>) -> StoreResult<Option<Job>>;

    /// Records how a running job ended.
    fn finish_job(&self, id: JobId, result: &JobResult, now: DateTime<Utc>) -> StoreResult<Job>;

    /// Puts jobs that were running when the process stopped back in the queue, returning
    /// how many. Called once at start, before any worker runs.
    fn requeue_interrupted_jobs(&self) -> StoreResult<usize>;
}

/// API access tokens, kept as hashes.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait TokenStore: Send + Sync {
    /// Stores a new token; fails with [`StoreError::UnknownUser`] when its user does not exist.
    fn create_token(&self, token: &NewApiToken, now: DateTime<Utc>) -> StoreResult<ApiToken>;

    /// Every token, revoked ones included, oldest first.
    fn tokens(&self) -> StoreResult<Vec<ApiToken>>;

    /// The token whose hash this is, revoked or not.
    fn token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiToken>>;

    /// Revokes a token; `None` when there is no token with this id. Revoking a revoked
    /// token keeps its first revocation time.
    fn revoke_token(&self, id: i64, now: DateTime<Utc>) -> StoreResult<Option<ApiToken>>;
}

/// Which posts to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostQuery {
    /// Whose posts.
    pub user: UserId,
    /// Published at or after this instant.
    pub from: DateTime<Utc>,
    /// Published before this instant.
    pub until: DateTime<Utc>,
    /// Only these platforms; empty means all.
    pub platforms: Vec<Platform>,
}

/// How many rows a user has in each table, for reports and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Connected accounts.
    pub accounts: u64,
    /// Posts.
    pub posts: u64,
    /// Stored observations of post counters.
    pub observations: u64,
    /// Counters with a latest value: one per post and counter observed.
    pub latest_counters: u64,
    /// Daily account figures.
    pub daily_metrics: u64,
}

/// The reads that analyses are built from.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait AnalyticsStore: Send + Sync {
    /// Posts with their latest counters, ordered by publication time.
    fn posts(&self, query: &PostQuery) -> StoreResult<Vec<PostSummary>>;

    /// One of the user's posts, or `None` when the user has no such post.
    fn post(&self, user: UserId, post: PostId) -> StoreResult<Option<PostSummary>>;

    /// One of the user's posts on `platform`, found by the platform's own id of the post.
    fn post_by_external_id(
        &self,
        user: UserId,
        platform: Platform,
        external_id: &str,
    ) -> StoreResult<Option<PostSummary>>;

    /// Every observation of a post's counters, oldest first.
    fn post_history(&self, post: PostId) -> StoreResult<Vec<PostObservation>>;

    /// Every observation of the counters of the posts `query` selects, by post and then
    /// oldest first: the full history, for exports.
    fn observations(&self, query: &PostQuery) -> StoreResult<Vec<(PostId, PostObservation)>>;

    /// Daily account figures within the range, ordered by day.
    fn daily_metrics(
        &self,
        user: UserId,
        range: DateRange,
        platforms: &[Platform],
    ) -> StoreResult<Vec<DailyMetric>>;

    /// How many rows the user has in each table.
    fn row_counts(&self, user: UserId) -> StoreResult<RowCounts>;

    /// The user's data version: a number that every write of the user's data raises in the
    /// same transaction, from any process. `None` when the user has none (no such user).
    /// Caches of computed answers key on it; read it before the data the answer uses.
    fn data_version(&self, user: UserId) -> StoreResult<Option<i64>>;
}

/// Whether the database answers, for health checks.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Health: Send + Sync {
    /// Runs a trivial query.
    fn ping(&self) -> StoreResult<()>;

    /// The backend's name: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
}

/// The diesel implementation of every storage trait, over a connection pool.
#[derive(Clone)]
pub struct DieselStore {
    pool: DbPool,
    url: DatabaseUrl,
    secret_key: Option<std::sync::Arc<SecretKey>>,
}

impl std::fmt::Debug for DieselStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DieselStore")
            .field("url", &self.url)
            .field("has_secret_key", &self.secret_key.is_some())
            .finish_non_exhaustive()
    }
}

impl DieselStore {
    /// The pool size used when none is given.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 16;

    /// Opens the database at `url`, applying pending migrations.
    pub fn open(url: &str) -> StoreResult<Self> {
        Self::open_with(DatabaseUrl::parse(url)?, Self::DEFAULT_MAX_CONNECTIONS)
    }

    /// Opens the database at a parsed URL with a chosen pool size.
    pub fn open_with(url: DatabaseUrl, max_connections: u32) -> StoreResult<Self> {
        let pool = connect_and_migrate(&url, max_connections.max(1))?;
        Ok(Self {
            pool,
            url,
            secret_key: None,
        })
    }

    /// The store with the key that credentials are encrypted under.
    ///
    /// Without one, writing or reading a credential fails with [`StoreError::NoSecretKey`];
    /// everything else works.
    pub fn with_secret_key(mut self, key: SecretKey) -> Self {
        self.secret_key = Some(std::sync::Arc::new(key));
        self
    }

    /// The key credentials are encrypted under, or the error that says there is none.
    pub(crate) fn secret_key(&self) -> StoreResult<&SecretKey> {
        self.secret_key.as_deref().ok_or(StoreError::NoSecretKey)
    }

    /// Where the database lives (without any password).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pooled connection, for operations that the traits do not cover.
    pub fn connection(&self) -> StoreResult<r2d2::PooledConnection<connection::ConnectionManager>> {
        Ok(self.pool.get()?)
    }
}

impl Health for DieselStore {
    fn ping(&self) -> StoreResult<()> {
        self.pool.get()?.ping()
    }

    fn backend(&self) -> &'static str {
        self.url.backend()
    }
}
